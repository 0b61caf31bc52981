#include "engine/coordinator/state_writer.h"

#include <utility>

#include "engine/coordinator/keys.h"
#include "engine/coordinator/run_codec.h"

namespace fanfare::coordinator {
namespace {

// Room for a usual step record (a few KiB); a larger one, up to the input limits
// (engine/definition/limits.h), takes more blocks, freed at the next reset.
constexpr size_t kArenaBlockBytes = 64 << 10;

google::protobuf::ArenaOptions ArenaOn(char* block) {
  google::protobuf::ArenaOptions options;
  options.initial_block = block;
  options.initial_block_size = kArenaBlockBytes;
  return options;
}

}  // namespace

StateWriter::StateWriter()
    : batch_(std::make_unique<store::Batch>()),
      arena_block_(new char[kArenaBlockBytes]),
      arena_(ArenaOn(arena_block_.get())) {}

absl::string_view StateWriter::Serialize(const google::protobuf::MessageLite& record) {
  encoded_.clear();
  record.AppendToString(&encoded_);
  return encoded_;
}

void StateWriter::PutCampaign(const v1::Campaign& campaign) {
  const v1::Metadata& metadata = campaign.spec().metadata();
  batch_->Put(store::Cf::kSpecs, keys::Spec(metadata.namespace_(), metadata.name(),
                                            campaign.version()),
              Serialize(campaign));
}

void StateWriter::PutSchedule(const internal::ScheduleRecord& schedule) {
  batch_->Put(store::Cf::kIdempotency, keys::Schedule(schedule.namespace_(), schedule.campaign()),
              Serialize(schedule));
}

void StateWriter::DeleteSchedule(absl::string_view ns, absl::string_view campaign) {
  batch_->Delete(store::Cf::kIdempotency, keys::Schedule(ns, campaign));
}

void StateWriter::NewRun(absl::string_view ns, absl::string_view run_id, absl::Time created_at,
                         const internal::StartFingerprint& fingerprint, bool active) {
  batch_->Put(store::Cf::kIdempotency, keys::StartFingerprint(ns, run_id),
              Serialize(fingerprint));
  batch_->Put(store::Cf::kRunIndex, keys::RunIndex(ns, created_at, run_id), "");
  if (active) batch_->Put(store::Cf::kActiveRuns, keys::ActiveRun(ns, run_id), "");
}

void StateWriter::PutRun(const internal::RunRecord& record) {
  const v1::Run& run = record.run();
  batch_->Put(store::Cf::kRuns, keys::Run(run.namespace_(), run.run_id()),
              Serialize(record));
  if (scheduler::IsTerminal(run.status())) {
    batch_->Delete(store::Cf::kActiveRuns, keys::ActiveRun(run.namespace_(), run.run_id()));
  }
}

void StateWriter::Reactivate(absl::string_view ns, absl::string_view run_id) {
  batch_->Put(store::Cf::kActiveRuns, keys::ActiveRun(ns, run_id), "");
}

void StateWriter::PutStep(absl::string_view ns, absl::string_view run_id,
                          const scheduler::StepInstance& instance) {
  auto* record = google::protobuf::Arena::CreateMessage<internal::StepRecord>(&arena_);
  EncodeStep(instance, *record);
  batch_->Put(store::Cf::kSteps, keys::Step(ns, run_id, instance.key), Serialize(*record));
  arena_.Reset();
}

void StateWriter::DeleteStep(absl::string_view ns, absl::string_view run_id,
                             absl::string_view step_key) {
  batch_->Delete(store::Cf::kSteps, keys::Step(ns, run_id, step_key));
}

void StateWriter::PutEvent(absl::string_view ns, absl::string_view run_id,
                           const v1::HistoryEvent& event) {
  batch_->Put(store::Cf::kHistory, keys::History(ns, run_id, event.seq()),
              Serialize(event));
}

void StateWriter::DeleteEvent(absl::string_view ns, absl::string_view run_id, int64_t seq) {
  batch_->Delete(store::Cf::kHistory, keys::History(ns, run_id, seq));
}

void StateWriter::PutLimiter(absl::string_view key, const internal::LimiterRecord& record) {
  batch_->Put(store::Cf::kQuotas, keys::Limiter(key), Serialize(record));
}

void StateWriter::PutSpend(const internal::SpendRecord& record) {
  batch_->Put(store::Cf::kSpend, keys::Spend(record.namespace_(), record.campaign()),
              Serialize(record));
}

void StateWriter::PutCommunityStream(const internal::CommunityStream& record) {
  batch_->Put(store::Cf::kCommunity,
              keys::CommunityStream(record.namespace_(), record.network(), record.account(),
                                    record.action(), record.source()),
              Serialize(record));
}

void StateWriter::PutCommunityAuthors(const internal::CommunityAuthors& record) {
  batch_->Put(store::Cf::kCommunity,
              keys::CommunityAuthors(record.namespace_(), record.network(), record.account()),
              Serialize(record));
}

void StateWriter::PutCommunityInbox(const internal::CommunityInbox& record) {
  batch_->Put(store::Cf::kCommunity,
              keys::CommunityInbox(record.namespace_(), record.network(), record.account()),
              Serialize(record));
}

void StateWriter::DeleteCommunityInbox(const internal::CommunityInbox& record) {
  batch_->Delete(store::Cf::kCommunity,
                 keys::CommunityInbox(record.namespace_(), record.network(), record.account()));
}

void StateWriter::PutInboxComment(const internal::InboxComment& record) {
  batch_->Put(store::Cf::kCommunity,
              keys::InboxComment(record.namespace_(), record.network(), record.account(),
                                 record.seq()),
              Serialize(record));
}

void StateWriter::DeleteInboxComment(const internal::InboxComment& record) {
  batch_->Delete(store::Cf::kCommunity, keys::InboxComment(record.namespace_(), record.network(),
                                                           record.account(), record.seq()));
}

void StateWriter::PutMeta(absl::string_view name, absl::string_view value) {
  batch_->Put(store::Cf::kMeta, keys::Meta(name), value);
}

void StateWriter::PutToken(const internal::TokenRecord& record) {
  batch_->Put(store::Cf::kAccess, keys::Token(record.id()), Serialize(record));
}

void StateWriter::PutAccount(const internal::AccountRecord& record) {
  batch_->Put(store::Cf::kAccounts,
              keys::Account(record.account().namespace_(), record.account().alias()),
              Serialize(record));
}

void StateWriter::DeleteAccount(absl::string_view ns, absl::string_view alias) {
  batch_->Delete(store::Cf::kAccounts, keys::Account(ns, alias));
}

void StateWriter::PutWebhook(const internal::WebhookRecord& record) {
  batch_->Put(store::Cf::kWebhooks,
              keys::Webhook(record.webhook().namespace_(), record.webhook().id()),
              Serialize(record));
}

void StateWriter::DeleteWebhook(absl::string_view ns, absl::string_view id) {
  batch_->Delete(store::Cf::kWebhooks, keys::Webhook(ns, id));
}

void StateWriter::PutOutbox(uint64_t seq, const internal::OutboxRecord& record) {
  batch_->Put(store::Cf::kOutbox, keys::Outbox(seq), Serialize(record));
}

void StateWriter::DeleteOutbox(uint64_t seq) {
  batch_->Delete(store::Cf::kOutbox, keys::Outbox(seq));
}

void StateWriter::PutTokenLastUse(absl::string_view id, absl::Time at) {
  internal::TokenLastUse record;
  record.set_at_us(absl::ToUnixMicros(at));
  batch_->Put(store::Cf::kAccess, keys::TokenLastUse(id), Serialize(record));
}

void StateWriter::PutAudit(const internal::AuditRecord& record, uint64_t seq) {
  batch_->Put(store::Cf::kAudit, keys::Audit(record.namespace_(), record.at_us(), seq),
              Serialize(record));
}

std::unique_ptr<store::Batch> StateWriter::Seal() {
  return std::exchange(batch_, std::make_unique<store::Batch>());
}

}  // namespace fanfare::coordinator
