// StateWriter: the one place the coordinator's state is written.
//
// Every change the engine makes goes into the open commit group through one of these
// methods, each of which knows its record's key (keys.h) and encoding; nothing else in the
// engine builds a key to write or touches a store::Batch. Seal() hands the batch over for
// Engine::Commit and opens the next, so what a cycle wrote is committed — or, if the commit
// fails, acknowledged nowhere — as one.
//
// A record is encoded on a reused arena and serialized into a reused buffer before it is
// appended to the batch, so that once they have grown, writing a step allocates nothing but
// its key (the engine writes a step record on every transition).
//
// Not thread-safe: owned by the engine thread.
#ifndef FANFARE_ENGINE_COORDINATOR_STATE_WRITER_H_
#define FANFARE_ENGINE_COORDINATOR_STATE_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/scheduler/step_instance.h"
#include "engine/store/store.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/message_lite.h"
#include "fanfare/internal/records.pb.h"
#include "fanfare/v1/coordinator.pb.h"
#include "fanfare/v1/run.pb.h"

namespace fanfare::coordinator {

class StateWriter {
 public:
  StateWriter();
  StateWriter(const StateWriter&) = delete;
  StateWriter& operator=(const StateWriter&) = delete;

  // --- Campaigns.
  void PutCampaign(const v1::Campaign& campaign);
  void PutSchedule(const internal::ScheduleRecord& schedule);
  void DeleteSchedule(absl::string_view ns, absl::string_view campaign);

  // --- Runs.
  // A new run: its start fingerprint (what makes a repeated StartRun the same run), its place
  // in ListRuns, and, if it is to be loaded at start-up, its mark as active.
  void NewRun(absl::string_view ns, absl::string_view run_id, absl::Time created_at,
              const internal::StartFingerprint& fingerprint, bool active);
  // The run's record; a terminal run is no longer loaded at start-up.
  void PutRun(const internal::RunRecord& record);
  // A terminal run made active again (RetryRun).
  void Reactivate(absl::string_view ns, absl::string_view run_id);
  // The instance's step record (run_codec.h's EncodeStep).
  void PutStep(absl::string_view ns, absl::string_view run_id,
               const scheduler::StepInstance& instance);
  void DeleteStep(absl::string_view ns, absl::string_view run_id, absl::string_view step_key);
  void PutEvent(absl::string_view ns, absl::string_view run_id, const v1::HistoryEvent& event);
  void DeleteEvent(absl::string_view ns, absl::string_view run_id, int64_t seq);

  // --- Counters and metadata.
  void PutLimiter(absl::string_view key, const internal::LimiterRecord& record);
  void PutSpend(const internal::SpendRecord& record);
  void PutCommunityStream(const internal::CommunityStream& record);
  void PutCommunityAuthors(const internal::CommunityAuthors& record);
  void PutCommunityInbox(const internal::CommunityInbox& record);
  void DeleteCommunityInbox(const internal::CommunityInbox& record);
  void PutInboxComment(const internal::InboxComment& record);
  void DeleteInboxComment(const internal::InboxComment& record);
  void PutMeta(absl::string_view name, absl::string_view value);

  // --- Access.
  void PutToken(const internal::TokenRecord& record);
  void PutAccount(const internal::AccountRecord& record);
  void DeleteAccount(absl::string_view ns, absl::string_view alias);
  void PutTokenLastUse(absl::string_view id, absl::Time at);
  // `seq` tells apart records of one microsecond.
  void PutAudit(const internal::AuditRecord& record, uint64_t seq);

  // --- Webhooks.
  void PutWebhook(const internal::WebhookRecord& record);
  void DeleteWebhook(absl::string_view ns, absl::string_view id);
  void PutOutbox(uint64_t seq, const internal::OutboxRecord& record);
  void DeleteOutbox(uint64_t seq);

  // --- The commit group.
  bool empty() const { return batch_->empty(); }
  // The batch written so far; the writer goes on with an empty one.
  std::unique_ptr<store::Batch> Seal();

 private:
  // `record`'s encoding, valid until the next call.
  absl::string_view Serialize(const google::protobuf::MessageLite& record);

  std::unique_ptr<store::Batch> batch_;
  std::unique_ptr<char[]> arena_block_;  // the arena's first block, kept across resets
  google::protobuf::Arena arena_;
  std::string encoded_;
};

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_STATE_WRITER_H_
