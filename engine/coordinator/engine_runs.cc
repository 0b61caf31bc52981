// Campaigns and runs: apply, start, get, cancel, decide, signal, watch.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "base/proto_time.h"
#include "base/sha256.h"
#include "base/suggest.h"
#include "engine/coordinator/engine.h"
#include "engine/coordinator/keys.h"
#include "engine/coordinator/namespaces.h"
#include "engine/coordinator/stored_record.h"
#include "engine/coordinator/run_codec.h"
#include "engine/definition/loader.h"
#include "engine/definition/params.h"
#include "engine/expr/proto_value.h"
#include "engine/store/key_codec.h"
#include "fanfare/internal/records.pb.h"

namespace fanfare::coordinator {
namespace {

// Identifies what a StartRun asked for, so that a repeat can be told from a conflict.
internal::StartFingerprint Fingerprint(const v1::StartRunRequest& request) {
  v1::StartRunRequest essential;
  *essential.mutable_params() = request.params();
  *essential.mutable_labels() = request.labels();
  internal::StartFingerprint fingerprint;
  fingerprint.set_campaign(request.campaign());
  fingerprint.set_campaign_version(request.campaign_version());
  fingerprint.set_digest(MessageSha256Hex(essential));
  return fingerprint;
}

}  // namespace

scheduler::RunState* Engine::FindActive(const std::string& ns, const std::string& run_id) {
  return active_.Find(ns, run_id);
}

scheduler::RunState& Engine::AddRun(std::unique_ptr<scheduler::RunState> run) {
  run->set_change_list(&changed_runs_);
  return active_.Add(std::move(run));
}

void Engine::Unload(scheduler::RunState& run) { active_.Remove(run); }

absl::StatusOr<std::shared_ptr<const scheduler::CompiledCampaign>> Engine::LoadCampaign(
    const std::string& ns, const std::string& name, int64_t version) {
  if (auto known = latest_versions_.find(absl::StrCat(ns, "/", name));
      version == 0 && known != latest_versions_.end()) {
    version = known->second;
  }
  if (version == 0) {
    // The latest version: the last key under the campaign's prefix.
    int64_t latest = 0;
    absl::Status scan = store_->ScanPrefix(
        store::Cf::kSpecs, keys::SpecPrefix(ns, name), [&](absl::string_view key, absl::string_view) {
          store::KeyReader reader(key);
          std::string ignored;
          reader.String(&ignored) && reader.String(&ignored) && reader.I64(&latest);
          return true;
        });
    if (!scan.ok()) return scan;
    if (latest == 0) {
      return absl::NotFoundError(absl::StrCat("campaign '", name, "' not found in namespace '", ns,
                                              "'; apply it first (fanfare apply FILE)"));
    }
    version = latest;
  }
  const std::string cache_key = absl::StrCat(ns, "/", name, "/", version);
  if (auto it = campaigns_.find(cache_key); it != campaigns_.end()) return it->second;
  absl::StatusOr<std::optional<v1::Campaign>> campaign =
      GetRecord<v1::Campaign>(*store_, store::Cf::kSpecs, keys::Spec(ns, name, version));
  if (!campaign.ok()) return campaign.status();
  if (!campaign->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("campaign '", name, "' has no version ", version, " in namespace '", ns, "'"));
  }
  absl::StatusOr<std::shared_ptr<const scheduler::CompiledCampaign>> compiled =
      scheduler::CompiledCampaign::Compile(**std::move(campaign));
  if (compiled.ok()) campaigns_[cache_key] = *compiled;
  return compiled;
}

void Engine::ApplyCampaign(v1::ApplyCampaignRequest request,
                           Reply<v1::ApplyCampaignResponse> reply) {
  ReplyAfterCommit<v1::ApplyCampaignResponse>(std::move(reply),
                                              ApplyCampaignNow(std::move(request)));
}

absl::StatusOr<v1::ApplyCampaignResponse> Engine::ApplyCampaignNow(
    v1::ApplyCampaignRequest request) {
  v1::CampaignSpec& spec = *request.mutable_spec();
  spec.mutable_metadata()->set_namespace_(NamespaceOr(spec.metadata().namespace_()));
  definition::LoadResult checked = definition::CheckCampaign(
      spec, request.source_name().empty() ? "campaign" : request.source_name());
  if (!checked.status.ok()) return checked.status;
  const std::string& ns = spec.metadata().namespace_();
  const std::string& name = spec.metadata().name();
  v1::Campaign campaign;
  campaign.set_digest(MessageSha256Hex(spec));
  v1::ApplyCampaignResponse response;
  absl::StatusOr<std::shared_ptr<const scheduler::CompiledCampaign>> latest =
      LoadCampaign(ns, name, 0);
  if (latest.ok() && (*latest)->campaign().digest() == campaign.digest()) {
    *response.mutable_campaign() = (*latest)->campaign();
    response.set_changed(false);
    return response;
  }
  if (!latest.ok() && !absl::IsNotFound(latest.status())) return latest.status();
  campaign.set_version(latest.ok() ? (*latest)->version() + 1 : 1);
  *campaign.mutable_applied_at() = ToProtoTime(clock_->Now());
  *campaign.mutable_spec() = std::move(spec);
  campaign.set_latest_version(campaign.version());
  if (!request.dry_run()) {
    state_.PutCampaign(campaign);
    // The store lags the open group: later applies in this group must see this version.
    latest_versions_[absl::StrCat(ns, "/", name)] = campaign.version();
    if (auto compiled = scheduler::CompiledCampaign::CompileChecked(campaign); compiled.ok()) {
      campaigns_[absl::StrCat(ns, "/", name, "/", campaign.version())] = *compiled;
    }
    UpdateSchedule(campaign);
  }
  *response.mutable_campaign() = std::move(campaign);
  response.set_changed(true);
  return response;
}

absl::StatusOr<v1::StartRunResponse> Engine::ExistingRun(
    const v1::StartRunRequest& request, const internal::StartFingerprint& previous) {
  const internal::StartFingerprint asked = Fingerprint(request);
  if (previous.campaign() != asked.campaign() || previous.digest() != asked.digest() ||
      (asked.campaign_version() != 0 && previous.campaign_version() != asked.campaign_version())) {
    return absl::AlreadyExistsError(absl::StrCat(
        "run '", request.run_id(), "' already exists with a different campaign, params or "
        "labels; pick another run id, or omit it to have one generated"));
  }
  v1::StartRunResponse response;
  response.set_created(false);
  if (scheduler::RunState* run = FindActive(NamespaceOr(request.namespace_()), request.run_id())) {
    *response.mutable_run() = PublicRun(*run);
    return response;
  }
  absl::StatusOr<v1::Run> stored_run = ReadStoredRun(NamespaceOr(request.namespace_()), request.run_id());
  if (!stored_run.ok()) return stored_run.status();
  *response.mutable_run() = *std::move(stored_run);
  return response;
}

void Engine::StartRun(v1::StartRunRequest request, Reply<v1::StartRunResponse> reply) {
  ReplyAfterCommit<v1::StartRunResponse>(std::move(reply), StartRunNow(std::move(request)));
}

absl::StatusOr<v1::StartRunResponse> Engine::StartRunNow(v1::StartRunRequest request) {
  const std::string ns = NamespaceOr(request.namespace_());
  request.set_namespace_(ns);
  if (request.run_id().empty()) {
    request.set_run_id(absl::StrCat(request.campaign(), "-",
                                    absl::Hex(absl::Uniform<uint64_t>(random_), absl::kZeroPad16)));
  }
  const std::string fingerprint_key = keys::StartFingerprint(ns, request.run_id());
  absl::StatusOr<std::optional<internal::StartFingerprint>> existing =
      GetRecord<internal::StartFingerprint>(*store_, store::Cf::kIdempotency, fingerprint_key);
  if (!existing.ok()) return existing.status();
  if (existing->has_value()) return ExistingRun(request, **existing);
  if (FindActive(ns, request.run_id()) != nullptr) {
    // Started earlier in this very cycle: its fingerprint is not in the store yet.
    return ExistingRun(request, Fingerprint(request));
  }
  absl::StatusOr<std::shared_ptr<const scheduler::CompiledCampaign>> campaign =
      LoadCampaign(ns, request.campaign(), request.campaign_version());
  absl::StatusOr<google::protobuf::Struct> params =
      campaign.ok() ? definition::ResolveParams((*campaign)->spec(), request.params())
                    : absl::StatusOr<google::protobuf::Struct>(campaign.status());
  if (!params.ok()) return params.status();
  const absl::Time now = clock_->Now();
  v1::Run record;
  record.set_namespace_(ns);
  record.set_run_id(request.run_id());
  record.set_campaign(request.campaign());
  record.set_campaign_version((*campaign)->version());
  *record.mutable_params() = *params;
  record.set_status(v1::RUN_STATUS_SCHEDULED);
  *record.mutable_labels() = request.labels();
  record.set_priority(request.priority());
  *record.mutable_created_at() = ToProtoTime(now);
  const absl::Time start_at =
      request.has_start_at() ? std::max(now, FromProtoTime(request.start_at())) : now;
  *record.mutable_start_at() = ToProtoTime(start_at);
  record.set_started_by(request.identity());
  scheduler::RunState& run = AddRun(std::make_unique<scheduler::RunState>(
      std::move(record), *campaign, definition::ParamsValue((*campaign)->spec(), *params)));
  state_.NewRun(ns, run.run_id(), now, Fingerprint(request), /*active=*/true);
  if (start_at > now) {
    // SCHEDULED until its own timer fires.
    run.start_task_id = AllocateTaskId();
    active_.AddTask(run.start_task_id, {&run, nullptr});
    run.set_start_timer(start_at);
  } else {
    scheduler_.Start(run);
  }
  v1::StartRunResponse response;
  *response.mutable_run() = PublicRun(run);
  response.set_created(true);
  return response;
}

absl::StatusOr<v1::Run> Engine::ReadStoredRun(const std::string& ns,
                                              const std::string& run_id) const {
  absl::StatusOr<std::optional<internal::RunRecord>> record =
      GetRecord<internal::RunRecord>(*store_, store::Cf::kRuns, keys::Run(ns, run_id));
  if (!record.ok()) return record.status();
  if (!record->has_value()) {
    return absl::NotFoundError(absl::StrCat("run '", run_id, "' not found in namespace '", ns, "'"));
  }
  v1::Run run = std::move(*(*record)->mutable_run());
  absl::Status scan = ScanRecords<internal::StepRecord>(
      *store_, store::Cf::kSteps, keys::StepPrefix(ns, run_id),
      [&](absl::string_view, internal::StepRecord step) {
        v1::StepInstance& view = *run.add_steps();
        view = std::move(*step.mutable_instance());
        view.set_idempotency_key(scheduler::IdempotencyKey(ns, run_id, view.key()));
        view.clear_worker_id();
        return true;
      });
  if (!scan.ok()) return scan;
  return run;
}

void Engine::GetRun(const v1::GetRunRequest& request, Reply<v1::Run> reply) {
  const std::string& ns = NamespaceOr(request.namespace_());
  if (scheduler::RunState* run = FindActive(ns, request.run_id())) {
    ReplyAfterCommit<v1::Run>(std::move(reply), PublicRun(*run));
    return;
  }
  ReplyAfterCommit<v1::Run>(std::move(reply), ReadStoredRun(ns, request.run_id()));
}

void Engine::CancelRun(const v1::CancelRunRequest& request, Reply<v1::Run> reply) {
  const std::string& ns = NamespaceOr(request.namespace_());
  scheduler::RunState* run = FindActive(ns, request.run_id());
  if (run == nullptr) {
    absl::StatusOr<v1::Run> stored = ReadStoredRun(ns, request.run_id());
    if (stored.ok() && stored->status() != v1::RUN_STATUS_CANCELED) {
      stored = absl::FailedPreconditionError(absl::StrCat(
          "run '", request.run_id(), "' already ended as ",
          absl::StripPrefix(v1::RunStatus_Name(stored->status()), "RUN_STATUS_")));
    }
    ReplyAfterCommit<v1::Run>(std::move(reply), std::move(stored));
    return;
  }
  scheduler_.Cancel(*run, request.reason(), request.identity());
  ReplyAfterCommit<v1::Run>(std::move(reply), PublicRun(*run));
}

void Engine::DecideStep(const auth::Principal& caller, const v1::DecideStepRequest& request,
                        bool approve, Reply<v1::Run> reply) {
  const std::string& ns = NamespaceOr(request.namespace_());
  scheduler::RunState* run = FindActive(ns, request.run_id());
  if (run == nullptr) {
    absl::StatusOr<v1::Run> stored = ReadStoredRun(ns, request.run_id());
    ReplyAfterCommit<v1::Run>(
        std::move(reply),
        stored.ok() ? absl::FailedPreconditionError(absl::StrCat("run '", request.run_id(),
                                                                 "' has ended"))
                    : stored.status());
    return;
  }
  scheduler::StepInstance* instance = run->Find(request.step_key());
  if (instance == nullptr) {
    std::vector<std::string> approvals;
    for (const auto& i : run->instances()) {
      if (i->def->kind == scheduler::StepDef::Kind::kApproval) approvals.push_back(i->key);
    }
    ReplyAfterCommit<v1::Run>(
        std::move(reply),
        absl::NotFoundError(absl::StrCat("run '", request.run_id(), "' has no step '",
                                         request.step_key(), "'",
                                         DidYouMean(request.step_key(), approvals),
                                         approvals.empty() ? "" : "; approval steps: ",
                                         absl::StrJoin(approvals, ", "))));
    return;
  }
  scheduler::Scheduler::Decision decision;
  decision.approve = approve;
  decision.issuer = caller.issuer;
  decision.subject = request.identity();  // the caller's name, or what it sent if auth is off
  decision.comment = request.comment();
  decision.digest = request.digest();
  absl::Status decided = scheduler_.Decide(*run, *instance, decision);
  ReplyAfterCommit<v1::Run>(std::move(reply),
                            decided.ok() ? absl::StatusOr<v1::Run>(PublicRun(*run)) : decided);
}

void Engine::SignalRun(const v1::SignalRunRequest& request, Reply<v1::Run> reply) {
  const std::string& ns = NamespaceOr(request.namespace_());
  scheduler::RunState* run = FindActive(ns, request.run_id());
  if (run == nullptr) {
    absl::StatusOr<v1::Run> stored = ReadStoredRun(ns, request.run_id());
    ReplyAfterCommit<v1::Run>(
        std::move(reply),
        stored.ok() ? absl::FailedPreconditionError(absl::StrCat("run '", request.run_id(),
                                                                 "' has ended"))
                    : stored.status());
    return;
  }
  // Delivered to the steps waiting for it, or buffered for the first one to wait.
  scheduler_.Signal(*run, request.signal(), expr::FromProto(request.payload()),
                    request.identity());
  ReplyAfterCommit<v1::Run>(std::move(reply), PublicRun(*run));
}

void Engine::Watch(const std::string& ns_in, const std::string& run_id,
                   std::shared_ptr<RunWatcher> watcher) {
  const std::string& ns = NamespaceOr(ns_in);
  // The watcher hears of its registration once the open group is durable: by then every
  // event before `first_live` is in the store, and every later one reaches it through
  // OnEvents.
  // A run that ended in an earlier group, not yet durable, is still found here; it makes no
  // further events, so its watcher only replays the store.
  if (scheduler::RunState* run = FindActive(ns, run_id)) {
    const bool live = !run->terminal() || run->pending_events() > 0;
    if (live) watchers_[ActiveRuns::Key(ns, run_id)].push_back(watcher);
    const int64_t first_live = run->next_event_seq() - run->pending_events();
    AfterCommit([watcher, first_live, live] { watcher->OnRegistered(first_live, live); });
    return;
  }
  absl::StatusOr<v1::Run> stored = ReadStoredRun(ns, run_id);
  AfterCommit([watcher, stored = std::move(stored)] {
    watcher->OnRegistered(stored.ok() ? absl::StatusOr<int64_t>(stored->last_event_seq() + 1)
                                      : absl::StatusOr<int64_t>(stored.status()),
                          false);
  });
}

void Engine::GetDispatchState(const v1::GetDispatchStateRequest& request,
                              Reply<v1::DispatchState> reply) {
  const std::string& ns = NamespaceOr(request.namespace_());
  v1::DispatchState state;
  for (const auto& [id, session] : dispatcher_.sessions()) {
    if (session->ns() != ns) continue;
    v1::DispatchState::Worker& worker = *state.add_workers();
    worker.set_worker_id(session->worker_id());
    worker.set_identity(session->hello().identity());
    *worker.mutable_queues() = session->hello().queues();
    worker.set_free_slots(session->credit());
    worker.set_running_tasks(static_cast<int32_t>(session->running().size()));
    *worker.mutable_connected_at() = ToProtoTime(session->connected_at());
    worker.set_transport(session->transport() == dispatch::Transport::kStream ? "stream" : "poll");
  }
  std::map<std::string, v1::DispatchState::Queue> queues;
  for (const auto& [key, run] : active_.runs()) {
    if (run->ns() != ns) continue;
    for (const auto& instance : run->instances()) {
      if (instance->queue.empty() || instance->terminal()) continue;
      v1::DispatchState::Queue& queue = queues[instance->queue];
      queue.set_namespace_(ns);
      queue.set_queue(instance->queue);
      if (instance->queued()) queue.set_ready(queue.ready() + 1);
      if (instance->leased()) queue.set_running(queue.running() + 1);
      if (instance->waiting.kind() == v1::WaitingReason::KIND_RATE_LIMIT) {
        queue.set_throttled(queue.throttled() + 1);
      }
    }
  }
  for (auto& [name, queue] : queues) *state.add_queues() = std::move(queue);
  for (v1::DispatchState::RateLimit& limit : limiter_.Snapshot(ns, clock_->Now())) {
    *state.add_rate_limits() = std::move(limit);
  }
  ReplyAfterCommit<v1::DispatchState>(std::move(reply), std::move(state));
}

}  // namespace fanfare::coordinator
