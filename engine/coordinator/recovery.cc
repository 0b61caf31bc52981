// Start-up: every active run is loaded from the store, and the dispatch queues, leases and
// timers are rebuilt from its step records.
#include <algorithm>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "engine/coordinator/engine.h"
#include "engine/coordinator/keys.h"
#include "engine/coordinator/run_codec.h"
#include "engine/coordinator/stored_record.h"
#include "engine/store/key_codec.h"
#include "fanfare/internal/records.pb.h"

namespace fanfare::coordinator {

absl::Status Engine::Recover() {
  absl::StatusOr<std::optional<std::string>> schema =
      store_->Get(store::Cf::kMeta, keys::Meta("schema"));
  if (!schema.ok()) return schema.status();
  if (!schema->has_value()) {
    state_.PutMeta("schema", absl::StrCat(keys::kSchemaVersion));
  } else if (**schema != absl::StrCat(keys::kSchemaVersion)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the data directory holds schema version ", **schema, "; this fanfared reads version ",
        keys::kSchemaVersion));
  }
  absl::StatusOr<std::optional<std::string>> limit =
      store_->Get(store::Cf::kMeta, keys::Meta("task_id_limit"));
  if (!limit.ok()) return limit.status();
  if (limit->has_value() && !absl::SimpleAtoi(**limit, &next_task_id_)) {
    return absl::DataLossError("meta task_id_limit is corrupt");
  }
  next_task_id_ = std::max<uint64_t>(next_task_id_, 1);
  task_id_limit_ = next_task_id_;  // reserve a fresh block before the first new id

  std::vector<std::pair<std::string, std::string>> active;
  absl::Status corrupt;
  absl::Status scan = store_->ScanPrefix(
      store::Cf::kActiveRuns, "", [&](absl::string_view key, absl::string_view) {
        store::KeyReader reader(key);
        std::string ns, run_id;
        if (!reader.String(&ns) || !reader.String(&run_id) || !reader.done()) {
          corrupt = CorruptRecord(store::Cf::kActiveRuns, key);
          return false;
        }
        active.emplace_back(std::move(ns), std::move(run_id));
        return true;
      });
  if (!corrupt.ok()) return corrupt;
  if (!scan.ok()) return scan;
  // The active runs are in key order, and so are their steps: one cursor serves them all.
  const std::unique_ptr<store::Cursor> steps = store_->NewCursor(store::Cf::kSteps);
  for (const auto& [ns, run_id] : active) {
    if (absl::Status status = LoadRun(ns, run_id, *steps); !status.ok()) return status;
  }
  // Before the first flush: the events it writes may notify.
  if (absl::Status status = webhooks_.Load(*store_); !status.ok()) return status;
  RebuildQueuesAndHeaps();
  // Expansions deferred to a later cycle are not stored: find them again.
  for (const auto& [key, run] : active_.runs()) scheduler_.ResumeDeferred(*run);
  Flush();
  if (absl::Status status = LoadSchedules(); !status.ok()) return status;
  if (absl::Status status = LoadLimiters(); !status.ok()) return status;
  if (absl::Status status = LoadSpend(); !status.ok()) return status;
  if (absl::Status status = LoadCommunity(); !status.ok()) return status;
  if (absl::Status status = LoadTokens(); !status.ok()) return status;
  if (absl::Status status = LoadAccounts(); !status.ok()) return status;
  return store_->Commit(*state_.Seal());
}

absl::Status Engine::LoadRun(const std::string& ns, const std::string& run_id,
                             store::Cursor& steps_cursor) {
  absl::StatusOr<std::optional<internal::RunRecord>> stored =
      GetRecord<internal::RunRecord>(*store_, store::Cf::kRuns, keys::Run(ns, run_id));
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::DataLossError(absl::StrCat("active run ", ns, "/", run_id, " has no record"));
  }
  const internal::RunRecord& record = **stored;
  std::vector<internal::StepRecord> steps;
  absl::Status scan = ScanRecords<internal::StepRecord>(
      steps_cursor, store::Cf::kSteps, keys::StepPrefix(ns, run_id),
      [&](absl::string_view, internal::StepRecord step) {
        steps.push_back(std::move(step));
        return true;
      });
  if (!scan.ok()) return scan;
  absl::StatusOr<std::shared_ptr<const scheduler::CompiledCampaign>> campaign =
      LoadCampaign(ns, record.run().campaign(), record.run().campaign_version());
  if (!campaign.ok()) return campaign.status();
  absl::StatusOr<std::unique_ptr<scheduler::RunState>> run =
      DecodeRun(record, *campaign, std::move(steps));
  if (!run.ok()) return run.status();
  if (absl::Status status = LoadIterationEvents(**run); !status.ok()) return status;
  AddRun(*std::move(run));
  return absl::OkStatus();
}

absl::Status Engine::LoadIterationEvents(scheduler::RunState& run) {
  // Only runs with repeat blocks compact history; they need to know which events belong to
  // which kept iteration.
  const scheduler::Scope& root = run.campaign().root();
  const bool loops = std::any_of(root.steps.begin(), root.steps.end(), [](const auto& def) {
    return def.kind == scheduler::StepDef::Kind::kRepeat;
  });
  if (!loops) return absl::OkStatus();
  absl::Status scan = ScanRecords<v1::HistoryEvent>(
      *store_, store::Cf::kHistory, keys::HistoryPrefix(run.ns(), run.run_id()),
      [&](absl::string_view, const v1::HistoryEvent& event) {
        run.NoteStoredEvent(event);
        return true;
      });
  run.TakeChanges();
  return scan;
}

absl::Status Engine::LoadLimiters() {
  return ScanRecords<internal::LimiterRecord>(
      *store_, store::Cf::kQuotas, "", [&](absl::string_view key, const internal::LimiterRecord& record) {
        limiter_.Restore(std::string(key), record, clock_->Now());
        return true;
      });
}

namespace {

// Restores every community record of one kind (its keys start with `tag`), in key order.
template <typename Record>
absl::Status RestoreCommunity(const store::Store& store, char tag, CommunityLedger& ledger) {
  return ScanRecords<Record>(store, store::Cf::kCommunity, std::string(1, tag),
                             [&](absl::string_view, Record record) {
                               ledger.Restore(std::move(record));
                               return true;
                             });
}

}  // namespace

absl::Status Engine::LoadCommunity() {
  RETURN_IF_ERROR(RestoreCommunity<internal::CommunityStream>(
      *store_, keys::kCommunityStreamTag, community_));
  RETURN_IF_ERROR(RestoreCommunity<internal::CommunityAuthors>(
      *store_, keys::kCommunityAuthorsTag, community_));
  // Inboxes before their comments, which come in seq order (the keys' order).
  RETURN_IF_ERROR(RestoreCommunity<internal::CommunityInbox>(
      *store_, keys::kCommunityInboxTag, community_));
  return RestoreCommunity<internal::InboxComment>(*store_, keys::kInboxCommentTag, community_);
}

absl::Status Engine::LoadSpend() {
  return ScanRecords<internal::SpendRecord>(
      *store_, store::Cf::kSpend, "", [&](absl::string_view, const internal::SpendRecord& record) {
        spend_.ledger().Restore(record);
        return true;
      });
}

void Engine::RebuildQueuesAndHeaps() {
  // Queued instances go back in the order they became ready (task ids break ties, as they
  // were allocated in that order), so that each queue dispatches as it would have. The sort
  // keys are copied beside the pointers: a hundred thousand runs' instances do not fit in a
  // cache.
  struct Queued {
    absl::Time ready_at;
    uint64_t task_id;
    scheduler::RunState* run;
    scheduler::StepInstance* instance;
  };
  std::vector<Queued> queued;
  for (const auto& [key, run] : active_.runs()) {
    ArmRunTimer(*run);
    for (const auto& instance : run->instances()) {
      ArmDeadlines(*instance);
      if (instance->queued()) {
        queued.push_back({instance->ready_at, instance->task_id, run.get(), instance.get()});
      }
    }
  }
  absl::c_sort(queued, [](const Queued& a, const Queued& b) {
    return std::tie(a.ready_at, a.task_id) < std::tie(b.ready_at, b.task_id);
  });
  for (const Queued& q : queued) Enqueue(*q.run, *q.instance);
}

}  // namespace fanfare::coordinator
