#include "engine/coordinator/community_ledger.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/utf8.h"
#include "engine/community/text_signals.h"

namespace fanfare::coordinator {
namespace {

constexpr size_t kMaxSourceBytes = 512;
constexpr int kMaxPostsPerAuthor = 12;
// Ids, handles and post ids longer than this are not kept (a worker's garbage costs nothing).
constexpr size_t kMaxIdBytes = 256;
// A comment reads positive above this sentiment and negative below its opposite.
constexpr double kSentimentMark = 0.2;

const google::protobuf::Value* Field(const google::protobuf::Struct& s, const std::string& name) {
  auto it = s.fields().find(name);
  return it == s.fields().end() ? nullptr : &it->second;
}

std::string StringOf(const google::protobuf::Struct& s, const std::string& name) {
  const google::protobuf::Value* v = Field(s, name);
  return v != nullptr && v->has_string_value() ? v->string_value() : "";
}

// `source` if it fits kMaxSourceBytes; else its first bytes, cut on a UTF-8 character
// boundary (a stored string must stay valid UTF-8), then a digest of the whole, so that two
// long names differing only at their end stay two streams.
std::string BoundedSource(std::string source) {
  if (source.size() <= kMaxSourceBytes) return source;
  uint64_t fnv = 14695981039346656037ULL;  // FNV-1a: stable across builds, as stored keys must be
  for (unsigned char c : source) fnv = (fnv ^ c) * 1099511628211ULL;
  const std::string digest = absl::StrCat(" #", absl::Hex(fnv, absl::kZeroPad16));
  source.resize(Utf8PrefixLength(source, kMaxSourceBytes - digest.size()));
  return source + digest;
}

// When a comment was written: its created_at, else (absent, malformed or ahead of the clock)
// `now`.
absl::Time WrittenAt(const google::protobuf::Struct& comment, absl::Time now) {
  absl::Time at;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, StringOf(comment, "created_at"), &at, &err)) return now;
  return std::min(at, now);
}

// Where a comment goes in a read, oldest first: its created_at (InfinitePast if unreadable).
absl::Time OrderOf(const google::protobuf::Value& comment, absl::Time now) {
  if (!comment.has_struct_value()) return absl::InfinitePast();
  absl::Time at;
  std::string err;
  return absl::ParseTime(absl::RFC3339_full, StringOf(comment.struct_value(), "created_at"), &at,
                         &err)
             ? at
             : absl::InfinitePast();
}

// Counts a comment with `sentiment` written `at` on `post` into the author's posts, keeping
// the most recent kMaxPostsPerAuthor.
void CountPost(internal::CommunityAuthor& author, const std::string& post,
               const std::string& comment_id, double sentiment, int64_t at) {
  if (post.empty() || post.size() > kMaxIdBytes) return;
  auto& posts = *author.mutable_posts();
  auto found = std::find_if(posts.begin(), posts.end(),
                            [&](const internal::AuthorPost& p) { return p.post_id() == post; });
  internal::AuthorPost* p = found != posts.end() ? &*found : posts.Add();
  p->set_post_id(post);
  p->set_comments(p->comments() + 1);
  p->set_sentiment_sum(p->sentiment_sum() + sentiment);
  if (at >= p->last_unix()) {
    p->set_last_unix(at);
    if (sentiment > kSentimentMark) p->set_comment_id(comment_id);
  }
  if (posts.size() > kMaxPostsPerAuthor) {
    auto oldest = std::min_element(posts.begin(), posts.end(), [](const auto& a, const auto& b) {
      return a.last_unix() < b.last_unix();
    });
    posts.erase(oldest);
  }
}

}  // namespace

bool CommunityLedger::ReadsComments(absl::string_view verb) {
  return verb == "comments" || verb == "search";
}

StreamRef CommunityLedger::StreamOf(absl::string_view ns, absl::string_view network,
                                    absl::string_view account, absl::string_view action,
                                    absl::string_view campaign,
                                    const google::protobuf::Struct& input) {
  std::string source = StringOf(input, "source");
  if (source.empty()) source = std::string(campaign);
  if (absl::EndsWith(action, ".search")) absl::StrAppend(&source, " ", StringOf(input, "query"));
  return StreamRef{ns, network, account, action, BoundedSource(std::move(source))};
}

CommunityLedger::StreamKey CommunityLedger::KeyOf(const StreamRef& stream) {
  return {std::string(stream.ns), std::string(stream.network), std::string(stream.account),
          std::string(stream.action), stream.source};
}

void CommunityLedger::PrepareTask(const StreamRef& stream,
                                  google::protobuf::Struct& input) const {
  // An explicit cursor, even "" (from the start), is the step's to choose.
  if (Field(input, "cursor") != nullptr) return;
  auto it = streams_.find(KeyOf(stream));
  if (it == streams_.end() || it->second.record.cursor().empty()) return;
  (*input.mutable_fields())["cursor"].set_string_value(it->second.record.cursor());
}

CommunityLedger::AccountKey CommunityLedger::AccountKeyOf(const StreamRef& stream) {
  return {std::string(stream.ns), std::string(stream.network), std::string(stream.account)};
}

CommunityLedger::Stream& CommunityLedger::OwnStream(const StreamRef& stream) {
  const StreamKey key = KeyOf(stream);
  dirty_streams_.insert(key);
  auto [it, created] = streams_.try_emplace(key);
  if (created) {
    internal::CommunityStream& r = it->second.record;
    r.set_namespace_(std::string(stream.ns));
    r.set_network(std::string(stream.network));
    r.set_account(std::string(stream.account));
    r.set_action(std::string(stream.action));
    r.set_source(stream.source);
  }
  return it->second;
}

CommunityLedger::Account& CommunityLedger::OwnAccount(const StreamRef& stream) {
  const AccountKey key = AccountKeyOf(stream);
  dirty_accounts_.insert(key);
  auto [it, created] = accounts_.try_emplace(key);
  if (created) {
    internal::CommunityAuthors& r = it->second.record;
    r.set_namespace_(std::string(stream.ns));
    r.set_network(std::string(stream.network));
    r.set_account(std::string(stream.account));
  }
  return it->second;
}

bool CommunityLedger::Seen(const Stream* stream, const std::string& id, absl::Time now) const {
  if (stream == nullptr) return false;
  auto it = stream->seen.find(id);
  // An id past its retention counts as forgotten even before Prune drops it.
  return it != stream->seen.end() &&
         it->second >= absl::ToUnixSeconds(now - limits_.seen_retention);
}

bool CommunityLedger::SeenByAnotherStream(const StreamRef& stream, const std::string& id,
                                           absl::Time now) const {
  const StreamKey self = KeyOf(stream);
  const auto& [ns, network, account] = AccountKeyOf(stream);
  // Keys sort by (namespace, network, account, …): the account's streams are one range.
  for (auto it = streams_.lower_bound({ns, network, account, "", ""});
       it != streams_.end() && std::get<0>(it->first) == ns && std::get<1>(it->first) == network &&
       std::get<2>(it->first) == account;
       ++it) {
    if (it->first != self && Seen(&it->second, id, now)) return true;
  }
  return false;
}

int CommunityLedger::MaxOf(const google::protobuf::Struct& input) {
  const google::protobuf::Value* max = Field(input, "max");
  return max != nullptr && max->has_number_value() && max->number_value() >= 1
             ? static_cast<int>(std::min(max->number_value(), 1e6))
             : kDefaultMax;
}

const CommunityLedger::Inbox* CommunityLedger::InboxOf(const StreamRef& stream) const {
  if (!absl::EndsWith(stream.action, ".comments")) return nullptr;  // searches take none
  auto it = inboxes_.find(AccountKeyOf(stream));
  return it == inboxes_.end() ? nullptr : &it->second;
}

CommunityLedger::Selection CommunityLedger::Select(const StreamRef& stream, const Stream* known,
                                                   const google::protobuf::ListValue& listed,
                                                   size_t output_bytes, ReadLimits limits,
                                                   absl::Time now) const {
  Selection s;
  s.inbox_through = known != nullptr ? known->record.inbox_read() : 0;
  std::set<std::string> taken;  // ids kept by this read
  auto fresh = [&](const google::protobuf::Value& item) {
    const std::string id = item.has_struct_value() ? StringOf(item.struct_value(), "id") : "";
    if (!id.empty() && (Seen(known, id, now) || !taken.insert(id).second)) {
      ++s.dropped;
      return false;
    }
    return true;
  };
  for (const google::protobuf::Value& item : listed.values()) {
    if (fresh(item)) s.kept.push_back(item);
  }
  const Inbox* inbox = InboxOf(stream);
  if (inbox == nullptr) return s;
  // What the polled listing leaves of the step's `max` and of the output's size limit.
  size_t budget = limits.max_bytes > output_bytes + kOutputSlackBytes
                      ? limits.max_bytes - output_bytes - kOutputSlackBytes
                      : 0;
  const int64_t oldest = absl::ToUnixSeconds(now - limits_.inbox_retention);
  for (const internal::InboxComment& entry : inbox->comments) {
    if (entry.seq() <= s.inbox_through) continue;
    // Past its retention a comment counts as gone even before Prune drops it.
    if (entry.received_at_unix() >= oldest) {
      const size_t cost = entry.comment().ByteSizeLong() + kAnnotationBytes;
      if (s.kept.size() >= static_cast<size_t>(limits.max_comments) || cost > budget ||
          s.delivered >= limits_.inbox_per_read) {
        s.inbox_left = true;
        break;
      }
      google::protobuf::Value item;
      *item.mutable_struct_value() = entry.comment();
      if (fresh(item)) {
        budget -= cost;
        ++s.delivered;
        s.kept.push_back(std::move(item));
      }
    }
    s.inbox_through = entry.seq();
  }
  return s;
}

void CommunityLedger::MarkAuthors(const StreamRef& stream,
                                  std::vector<google::protobuf::Value>& comments) const {
  auto found_account = accounts_.find(AccountKeyOf(stream));
  const Account* account = found_account == accounts_.end() ? nullptr : &found_account->second;
  std::map<std::string, int64_t> earlier;  // author id → comments seen before this one
  for (google::protobuf::Value& comment : comments) {
    if (!comment.has_struct_value() || StringOf(comment.struct_value(), "id").empty()) continue;
    google::protobuf::Value& author_value =
        (*comment.mutable_struct_value()->mutable_fields())["author"];
    if (!author_value.has_struct_value()) continue;
    google::protobuf::Struct& author = *author_value.mutable_struct_value();
    const std::string author_id = StringOf(author, "id");
    if (author_id.empty()) {
      // The network does not say who wrote it (a mention, on Facebook or Instagram): nothing
      // is known of them, and nothing is counted.
      (*author.mutable_fields())["first_time"].set_bool_value(false);
      (*author.mutable_fields())["earlier_comments"].set_number_value(0);
      continue;
    }
    auto [count, first_in_read] = earlier.try_emplace(author_id, 0);
    if (first_in_read && account != nullptr) {
      if (auto it = account->index.find(author_id); it != account->index.end()) {
        count->second = account->record.authors(it->second).comments();
      }
    }
    (*author.mutable_fields())["first_time"].set_bool_value(count->second == 0);
    (*author.mutable_fields())["earlier_comments"].set_number_value(
        static_cast<double>(count->second));
    ++count->second;
  }
}

AnnotatedRead CommunityLedger::Annotate(const StreamRef& stream,
                                        const google::protobuf::Value& output, absl::Time now,
                                        ReadLimits limits) const {
  AnnotatedRead read{.output = output};
  if (!output.has_struct_value()) return read;
  const google::protobuf::Value* listed = Field(output.struct_value(), "comments");
  if (listed == nullptr || !listed->has_list_value()) return read;
  auto found_stream = streams_.find(KeyOf(stream));
  const Stream* known = found_stream == streams_.end() ? nullptr : &found_stream->second;
  Selection selected =
      Select(stream, known, listed->list_value(), output.ByteSizeLong(), limits, now);
  read.inbox_through = selected.inbox_through;
  if (selected.delivered > 0) {
    // Oldest first, as a read lists them; authors are then marked in that order.
    std::stable_sort(selected.kept.begin(), selected.kept.end(),
                     [now](const google::protobuf::Value& a, const google::protobuf::Value& b) {
                       return OrderOf(a, now) < OrderOf(b, now);
                     });
  }
  MarkAuthors(stream, selected.kept);
  auto& fields = *read.output.mutable_struct_value()->mutable_fields();
  fields["count"].set_number_value(static_cast<double>(selected.kept.size()));
  google::protobuf::ListValue& comments = *fields["comments"].mutable_list_value();
  comments.Clear();
  for (google::protobuf::Value& c : selected.kept) *comments.add_values() = std::move(c);
  if (selected.dropped > 0) {
    fields["duplicates_dropped"].set_number_value(static_cast<double>(selected.dropped));
  }
  if (selected.delivered > 0) {
    fields["delivered"].set_number_value(static_cast<double>(selected.delivered));
  }
  if (selected.inbox_left) fields["complete"].set_bool_value(false);
  return read;
}

void CommunityLedger::Commit(const StreamRef& stream, const AnnotatedRead& read, absl::Time now) {
  const google::protobuf::Value& annotated = read.output;
  if (!annotated.has_struct_value()) return;
  const google::protobuf::Value* listed = Field(annotated.struct_value(), "comments");
  if (listed == nullptr || !listed->has_list_value()) return;
  Stream& s = OwnStream(stream);
  Account& account = OwnAccount(stream);
  Prune(s, now);  // ids past their retention are forgotten before this read is counted
  for (const google::protobuf::Value& item : listed->list_value().values()) {
    const std::string id = item.has_struct_value() ? StringOf(item.struct_value(), "id") : "";
    if (id.empty() || id.size() > kMaxIdBytes ||
        !s.seen.try_emplace(id, absl::ToUnixSeconds(now)).second) {
      continue;
    }
    internal::SeenComment& seen = *s.record.add_seen();
    seen.set_id(id);
    seen.set_at_unix(absl::ToUnixSeconds(now));
    // Another stream of the account that read it first has counted it already.
    if (!SeenByAnotherStream(stream, id, now)) MeetAuthor(account, item.struct_value(), now);
  }
  const std::string cursor = StringOf(annotated.struct_value(), "cursor");
  if (!cursor.empty()) s.record.set_cursor(cursor);
  s.record.set_inbox_read(read.inbox_through);
  s.record.set_updated_at_unix(absl::ToUnixSeconds(now));
  Prune(s, now);  // the cap on ids
  Prune(account, now);
}

absl::StatusOr<InboxDelivery> CommunityLedger::Deliver(
    absl::string_view ns, absl::string_view network, absl::string_view account,
    const google::protobuf::RepeatedPtrField<google::protobuf::Struct>& comments, absl::Time now) {
  const AccountKey key{std::string(ns), std::string(network), std::string(account)};
  if (!inboxes_.contains(key) && !RoomForInbox(std::get<0>(key))) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "community inboxes: ", limits_.max_inboxes, " accounts (", limits_.max_inboxes_per_namespace,
        " of a namespace) have one already"));
  }
  size_t incoming = 0;
  for (const google::protobuf::Struct& comment : comments) incoming += comment.ByteSizeLong();
  if (inbox_bytes_ + incoming > limits_.max_inbox_bytes_total) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "community inboxes: full (", limits_.max_inbox_bytes_total >> 20,
        " MiB); comments wait there at most ", absl::FormatDuration(limits_.inbox_retention)));
  }
  auto [it, created] = inboxes_.try_emplace(key);
  Inbox& inbox = it->second;
  if (created) {
    inbox.record.set_namespace_(std::string(ns));
    inbox.record.set_network(std::string(network));
    inbox.record.set_account(std::string(account));
    inbox.record.set_next_seq(FirstSeq(key));
  }
  InboxDelivery delivery;
  for (const google::protobuf::Struct& comment : comments) {
    if (!inbox.ids.insert(StringOf(comment, "id")).second) {
      ++delivery.duplicates;
      continue;
    }
    internal::InboxComment& entry = inbox.comments.emplace_back();
    entry.set_namespace_(inbox.record.namespace_());
    entry.set_network(inbox.record.network());
    entry.set_account(inbox.record.account());
    entry.set_seq(inbox.record.next_seq());
    entry.set_received_at_unix(absl::ToUnixSeconds(now));
    *entry.mutable_comment() = comment;
    inbox.bytes += entry.ByteSizeLong();
    inbox_bytes_ += entry.ByteSizeLong();
    inbox.record.set_next_seq(inbox.record.next_seq() + 1);
    inbox_changes_.added.push_back(entry);
    ++delivery.accepted;
  }
  if (delivery.accepted > 0) inbox_changes_.inboxes.push_back(inbox.record);
  Prune(inbox, now);
  return delivery;
}

void CommunityLedger::MeetAuthor(Account& account, const google::protobuf::Struct& comment,
                                 absl::Time now) {
  const google::protobuf::Value* author_value = Field(comment, "author");
  if (author_value == nullptr || !author_value->has_struct_value()) return;
  const google::protobuf::Struct& author = author_value->struct_value();
  const std::string id = StringOf(author, "id");
  if (id.empty() || id.size() > kMaxIdBytes) return;
  const int64_t at = absl::ToUnixSeconds(WrittenAt(comment, now));
  auto [it, first_time] = account.index.try_emplace(id, account.record.authors_size());
  if (first_time) {
    internal::CommunityAuthor& created = *account.record.add_authors();
    created.set_id(id);
    created.set_first_seen_unix(at);
  }
  internal::CommunityAuthor& known = *account.record.mutable_authors(it->second);
  known.set_comments(known.comments() + 1);
  known.set_first_seen_unix(std::min(known.first_seen_unix(), at));
  known.set_last_seen_unix(std::max(known.last_seen_unix(), at));
  if (const std::string handle = StringOf(author, "handle");
      !handle.empty() && handle.size() <= kMaxIdBytes) {
    known.set_handle(handle);
  }
  if (const google::protobuf::Value* followers = Field(author, "followers");
      followers != nullptr && followers->has_number_value() && followers->number_value() > 0) {
    known.set_followers(static_cast<int64_t>(std::min(followers->number_value(), 1e12)));
  }
  const double sentiment = community::Sentiment(StringOf(comment, "text"));
  if (sentiment > kSentimentMark) known.set_positive(known.positive() + 1);
  if (sentiment < -kSentimentMark) {
    known.set_negative(known.negative() + 1);
    known.set_last_negative_unix(std::max(known.last_negative_unix(), at));
  }
  CountPost(known, StringOf(comment, "post_id"), StringOf(comment, "id"), sentiment, at);
}

void CommunityLedger::Prune(Stream& stream, absl::Time now) const {
  // Ids are appended as they are read: the oldest come first.
  auto& seen = *stream.record.mutable_seen();
  const int64_t oldest = absl::ToUnixSeconds(now - limits_.seen_retention);
  int drop = 0;
  while (drop < seen.size() &&
         (seen[drop].at_unix() < oldest || seen.size() - drop > limits_.max_seen)) {
    stream.seen.erase(seen[drop].id());
    ++drop;
  }
  if (drop > 0) seen.DeleteSubrange(0, drop);
}

void CommunityLedger::Prune(Account& account, absl::Time now) const {
  auto& authors = *account.record.mutable_authors();
  const int64_t oldest = absl::ToUnixSeconds(now - limits_.author_retention);
  const bool expired = std::any_of(authors.begin(), authors.end(), [&](const auto& a) {
    return a.last_seen_unix() < oldest;
  });
  if (!expired && authors.size() <= limits_.max_authors) return;
  std::vector<internal::CommunityAuthor> kept;
  for (internal::CommunityAuthor& a : authors) {
    if (a.last_seen_unix() >= oldest) kept.push_back(std::move(a));
  }
  if (static_cast<int>(kept.size()) > limits_.max_authors) {
    std::stable_sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
      return a.last_seen_unix() > b.last_seen_unix();
    });
    kept.resize(limits_.max_authors);
  }
  authors.Clear();
  account.index.clear();
  for (internal::CommunityAuthor& a : kept) {
    account.index[a.id()] = authors.size();
    *authors.Add() = std::move(a);
  }
}

void CommunityLedger::Prune(Inbox& inbox, absl::Time now) {
  // Comments are appended as they arrive: the oldest come first.
  const int64_t oldest = absl::ToUnixSeconds(now - limits_.inbox_retention);
  while (!inbox.comments.empty() &&
         (inbox.comments.front().received_at_unix() < oldest ||
          inbox.comments.size() > static_cast<size_t>(limits_.max_inbox) ||
          inbox.bytes > limits_.max_inbox_bytes)) {
    internal::InboxComment& gone = inbox.comments.front();
    inbox.ids.erase(StringOf(gone.comment(), "id"));
    const size_t size = std::min(inbox.bytes, gone.ByteSizeLong());
    inbox.bytes -= size;
    inbox_bytes_ -= std::min(inbox_bytes_, size);
    gone.clear_comment();  // only the key is needed to delete it
    inbox_changes_.removed.push_back(std::move(gone));
    inbox.comments.pop_front();
  }
}

void CommunityLedger::Restore(internal::CommunityStream record) {
  const StreamRef ref{record.namespace_(), record.network(), record.account(), record.action(),
                      record.source()};
  Stream& stream = streams_[KeyOf(ref)];
  for (const internal::SeenComment& seen : record.seen()) stream.seen[seen.id()] = seen.at_unix();
  stream.record = std::move(record);
}

void CommunityLedger::Restore(internal::CommunityAuthors record) {
  Account& account =
      accounts_[AccountKey{record.namespace_(), record.network(), record.account()}];
  for (int i = 0; i < record.authors_size(); ++i) account.index[record.authors(i).id()] = i;
  account.record = std::move(record);
}

void CommunityLedger::Restore(internal::CommunityInbox record) {
  inboxes_[AccountKey{record.namespace_(), record.network(), record.account()}].record =
      std::move(record);
}

void CommunityLedger::Restore(internal::InboxComment record) {
  auto it = inboxes_.find(AccountKey{record.namespace_(), record.network(), record.account()});
  if (it == inboxes_.end()) return;  // written only with its inbox: cannot happen
  it->second.ids.insert(StringOf(record.comment(), "id"));
  it->second.bytes += record.ByteSizeLong();
  inbox_bytes_ += record.ByteSizeLong();
  it->second.comments.push_back(std::move(record));
}

std::vector<internal::CommunityStream> CommunityLedger::TakeDirtyStreams() {
  std::vector<internal::CommunityStream> out;
  for (const StreamKey& key : dirty_streams_) out.push_back(streams_.at(key).record);
  dirty_streams_.clear();
  return out;
}

std::vector<internal::CommunityAuthors> CommunityLedger::TakeDirtyAuthors() {
  std::vector<internal::CommunityAuthors> out;
  for (const AccountKey& key : dirty_accounts_) out.push_back(accounts_.at(key).record);
  dirty_accounts_.clear();
  return out;
}

InboxChanges CommunityLedger::TakeInboxChanges() { return std::exchange(inbox_changes_, {}); }

void CommunityLedger::SweepInboxes(absl::Time now) {
  if (now - last_sweep_ < absl::Minutes(1)) return;
  last_sweep_ = now;
  for (auto it = inboxes_.begin(); it != inboxes_.end();) {
    Prune(it->second, now);
    if (!it->second.comments.empty()) {
      ++it;
      continue;
    }
    inbox_changes_.emptied.push_back(it->second.record);
    it = inboxes_.erase(it);
  }
}

int64_t CommunityLedger::FirstSeq(const AccountKey& key) const {
  const auto& [ns, network, account] = key;
  int64_t read = 0;
  for (auto it = streams_.lower_bound({ns, network, account, "", ""});
       it != streams_.end() && std::get<0>(it->first) == ns && std::get<1>(it->first) == network &&
       std::get<2>(it->first) == account;
       ++it) {
    read = std::max(read, it->second.record.inbox_read());
  }
  return read + 1;
}

bool CommunityLedger::RoomForInbox(const std::string& ns) const {
  if (inboxes_.size() >= static_cast<size_t>(limits_.max_inboxes)) return false;
  int in_namespace = 0;
  // Keys sort by namespace first: the namespace's inboxes are one range.
  for (auto it = inboxes_.lower_bound({ns, "", ""});
       it != inboxes_.end() && std::get<0>(it->first) == ns; ++it) {
    ++in_namespace;
  }
  return in_namespace < limits_.max_inboxes_per_namespace;
}

const internal::CommunityAuthors* CommunityLedger::Authors(absl::string_view ns,
                                                           absl::string_view network,
                                                           absl::string_view account) const {
  auto it = accounts_.find(AccountKey{std::string(ns), std::string(network), std::string(account)});
  return it == accounts_.end() ? nullptr : &it->second.record;
}

}  // namespace fanfare::coordinator
