// CommunityLedger: the community state the coordinator keeps across runs, learnt from the
// outputs of the steps that read comments (`<network>.comments`, `<network>.search`).
//
// Streams. A read belongs to a stream: (namespace, network, account, action, source), where
// `source` is the step's `source` input, else the campaign's name (a search's: plus its
// query). For each stream the ledger keeps
//   - the cursor its last read returned: a read whose input has no `cursor` is given it
//     (PrepareTask), so that scheduled runs of a campaign each read what arrived since the
//     last, with no cursor passed between them;
//   - the ids of the comments it handed out (retention: 30 days, at most 20,000): a comment
//     read again — overlapping runs, a shifted listing, a duplicate delivery — is dropped
//     from the output, which then says `duplicates_dropped`.
// Authors. For each (namespace, network, account), what the ledger saw of each commenter:
// first and last seen (the comments' created_at), comments, how many read positive and
// negative, the last negative, followers, and per post (the 12 latest) their comments, summed
// sentiment and latest praise — what the ambassador score reads (retention: 90 days since
// last seen, at most 2,000 authors, the least recently seen dropped first). An account's
// authors are one record, rewritten after each read that met them (about 1 MB at most).
//
// A comment read by two streams of one account (two campaigns, or comments and search) counts
// once in its author's record, as long as the stream that read it first still holds its id.
// Known limits: streams are never dropped, so a source that changes from run to run
// (templated) adds one each time; ids longer than 256 bytes are not kept.
// Each comment a read hands out carries it in `author`: `first_time` (never seen on this
// account before this read) and `earlier_comments`, usable in `when:` rules.
// Inbox. The comments a network pushed to an account (webhooks, through a worker's
// DeliverComments) wait in the account's inbox, each once however often it was delivered
// (retention: 7 days, swept every minute; at most 5,000 comments or 4 MiB an account, the
// oldest dropped first; at most 2,000 accounts have a non-empty inbox, 500 of one namespace,
// 256 MiB in all). Every `<network>.comments` stream of the account hands them out with its next
// reads — after what a read listed, as many as its `max` and the output limit leave room
// for, and dropped like any comment the stream already handed out — so a comment both pushed
// and polled is read once. The output says `delivered: N`, and `complete: false` while the
// inbox holds more for the stream.
//
// Changes are durable with the step's outcome: the engine writes dirty records in the same
// batch as the outcome that caused them (TakeDirty*), and recovery restores them. An output
// the step cannot record (too large) is not committed, so nothing is lost to it.
//
// Not thread-safe: owned by the engine thread.
#ifndef FANFARE_ENGINE_COORDINATOR_COMMUNITY_LEDGER_H_
#define FANFARE_ENGINE_COORDINATOR_COMMUNITY_LEDGER_H_

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fanfare/internal/records.pb.h"
#include "google/protobuf/struct.pb.h"

namespace fanfare::coordinator {

struct CommunityLimits {
  absl::Duration seen_retention = absl::Hours(24 * 30);
  int max_seen = 20'000;
  absl::Duration author_retention = absl::Hours(24 * 90);
  int max_authors = 2'000;
  absl::Duration inbox_retention = absl::Hours(24 * 7);
  int max_inbox = 5'000;
  size_t max_inbox_bytes = 4 << 20;
  int max_inboxes = 2'000;
  int max_inboxes_per_namespace = 500;
  size_t max_inbox_bytes_total = 256 << 20;
  int inbox_per_read = 500;
};

// What a read may hand out: at most `max_comments` (the step's `max`), in an output of at
// most `max_bytes` (what a step may record).
struct ReadLimits {
  int max_comments = 100;
  size_t max_bytes = 256 << 10;
};

// A read's output as the ledger makes it, and how far into the account's inbox it reaches.
struct AnnotatedRead {
  google::protobuf::Value output;
  int64_t inbox_through = 0;
};

// What DeliverComments made of a delivery.
struct InboxDelivery {
  int accepted = 0;
  int duplicates = 0;
};

// The inbox records to write since the last TakeInboxChanges, in the cycle's batch.
struct InboxChanges {
  std::vector<internal::CommunityInbox> emptied;  // to delete first: swept empty
  std::vector<internal::CommunityInbox> inboxes;  // to put
  std::vector<internal::InboxComment> added;      // to put
  std::vector<internal::InboxComment> removed;    // to delete (only their keys are read)
};

// Names one stream. The strings must outlive the call they are passed to.
struct StreamRef {
  absl::string_view ns;
  absl::string_view network;
  absl::string_view account;
  absl::string_view action;
  std::string source;
};

class CommunityLedger {
 public:
  explicit CommunityLedger(CommunityLimits limits = {}) : limits_(limits) {}

  // Whether `verb` reads comments: its tasks and outputs go through the ledger.
  static bool ReadsComments(absl::string_view verb);
  // The stream of a read: `source` from its input, else `campaign` (plus a search's query).
  static StreamRef StreamOf(absl::string_view ns, absl::string_view network,
                            absl::string_view account, absl::string_view action,
                            absl::string_view campaign, const google::protobuf::Struct& input);

  // Gives `input` the stream's cursor when it has none and the stream has one.
  void PrepareTask(const StreamRef& stream, google::protobuf::Struct& input) const;

  // The step's `max` (default 100): how many comments a read hands out at most.
  static int MaxOf(const google::protobuf::Struct& input);

  // What a successful read's output becomes, the ledger unchanged: without the comments the
  // stream already handed out (`duplicates_dropped` says how many), with what the account's
  // inbox holds for the stream as far as `limits` leave room (`delivered`; `complete: false`
  // when some is left for the next read), oldest first, each comment's `author` marked with
  // what the ledger knew. An output that is not a read's (no `comments` list) is returned
  // unchanged.
  AnnotatedRead Annotate(const StreamRef& stream, const google::protobuf::Value& output,
                         absl::Time now, ReadLimits limits) const;
  // Counts an annotated read into the ledger: its comments as handed out, their authors, the
  // stream's cursor moved to the output's and its inbox position past what it took. Call it
  // only for the output the step records, with the `now` Annotate had.
  void Commit(const StreamRef& stream, const AnnotatedRead& read, absl::Time now);

  // Keeps `comments` (checked by the caller: each a Struct with a string `id`) in the
  // account's inbox, except those it holds already. ResourceExhausted, nothing kept, when the
  // account has no inbox and the inboxes in all or in its namespace are at their cap, or
  // when the comments would take the inboxes past their total size.
  absl::StatusOr<InboxDelivery> Deliver(
      absl::string_view ns, absl::string_view network, absl::string_view account,
      const google::protobuf::RepeatedPtrField<google::protobuf::Struct>& comments,
      absl::Time now);

  void Restore(internal::CommunityStream record);
  void Restore(internal::CommunityAuthors record);
  void Restore(internal::CommunityInbox record);
  // Comments must be restored in their keys' order (by seq), after their inbox.
  void Restore(internal::InboxComment record);

  // Records changed since the last call, to be written with the cycle's batch.
  std::vector<internal::CommunityStream> TakeDirtyStreams();
  std::vector<internal::CommunityAuthors> TakeDirtyAuthors();
  InboxChanges TakeInboxChanges();
  // Drops the inbox comments past their retention, and the inboxes left empty, at most once
  // a minute of `now`.
  void SweepInboxes(absl::Time now);

  // The authors of an account, or nullptr.
  const internal::CommunityAuthors* Authors(absl::string_view ns, absl::string_view network,
                                            absl::string_view account) const;

 private:
  using StreamKey = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  using AccountKey = std::tuple<std::string, std::string, std::string>;
  struct Stream {
    internal::CommunityStream record;
    std::map<std::string, int64_t> seen;  // record.seen: id → when it was handed out
  };
  struct Account {
    internal::CommunityAuthors record;
    std::map<std::string, int> index;  // author id → position in record.authors
  };
  struct Inbox {
    internal::CommunityInbox record;
    std::deque<internal::InboxComment> comments;  // by seq
    std::set<std::string> ids;                    // of comments
    size_t bytes = 0;                             // of comments
  };
  // The comments a read hands out: those it listed that the stream has not handed out, then
  // those of the account's inbox, in order, while `limits` leave room.
  struct Selection {
    std::vector<google::protobuf::Value> kept;
    int64_t dropped = 0;        // already handed out, or listed twice
    int64_t delivered = 0;      // from the inbox
    int64_t inbox_through = 0;  // the last inbox entry this read reached
    bool inbox_left = false;    // the inbox holds more than the limits left room for
  };
  static constexpr int kDefaultMax = 100;
  // Room kept in an output for the fields Annotate adds, in all and per comment.
  static constexpr size_t kOutputSlackBytes = 1024;
  static constexpr size_t kAnnotationBytes = 128;

  static StreamKey KeyOf(const StreamRef& stream);
  static AccountKey AccountKeyOf(const StreamRef& stream);
  Stream& OwnStream(const StreamRef& stream);
  Account& OwnAccount(const StreamRef& stream);
  // Whether the stream still holds `id` as handed out at `now` (retention counted).
  bool Seen(const Stream* stream, const std::string& id, absl::Time now) const;
  // Whether a stream of `stream`'s account other than `stream` itself holds `id`.
  bool SeenByAnotherStream(const StreamRef& stream, const std::string& id, absl::Time now) const;
  // Counts `comment` into its author's record.
  void MeetAuthor(Account& account, const google::protobuf::Struct& comment, absl::Time now);
  void Prune(Stream& stream, absl::Time now) const;
  void Prune(Account& account, absl::Time now) const;
  void Prune(Inbox& inbox, absl::Time now);
  // The account's inbox when `stream` reads comments (searches take none), else null.
  const Inbox* InboxOf(const StreamRef& stream) const;
  Selection Select(const StreamRef& stream, const Stream* known,
                   const google::protobuf::ListValue& listed, size_t output_bytes,
                   ReadLimits limits, absl::Time now) const;
  // Marks each comment's author with what the ledger knew before this read, in order.
  void MarkAuthors(const StreamRef& stream, std::vector<google::protobuf::Value>& comments) const;

  CommunityLimits limits_;
  std::map<StreamKey, Stream> streams_;
  std::map<AccountKey, Account> accounts_;
  std::set<StreamKey> dirty_streams_;
  std::set<AccountKey> dirty_accounts_;
  // Whether one more account of `ns` may have an inbox.
  bool RoomForInbox(const std::string& ns) const;
  // The sequence number a new inbox of `key` starts at: past every number its account's
  // streams have read (an inbox swept empty is forgotten, its streams are not).
  int64_t FirstSeq(const AccountKey& key) const;

  std::map<AccountKey, Inbox> inboxes_;
  size_t inbox_bytes_ = 0;  // of every inbox
  absl::Time last_sweep_ = absl::InfinitePast();
  InboxChanges inbox_changes_;
};

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_COMMUNITY_LEDGER_H_
