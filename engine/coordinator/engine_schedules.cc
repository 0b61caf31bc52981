// Campaign schedules: a run at each cron fire time, exactly once, also across restarts.
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/coordinator/engine.h"
#include "base/proto_time.h"
#include "engine/coordinator/keys.h"
#include "engine/coordinator/stored_record.h"
#include "engine/definition/cron.h"

namespace fanfare::coordinator {
namespace {

// A fire time this late (the coordinator was down, or busy) counts as missed.
constexpr absl::Duration kMissGrace = absl::Minutes(1);

absl::TimeZone ZoneOf(const v1::Schedule& schedule) {
  absl::TimeZone zone = absl::UTCTimeZone();
  if (!schedule.timezone().empty()) absl::LoadTimeZone(schedule.timezone(), &zone);
  return zone;
}

// The run a fire time starts: named by the fire time, so a repeat of it is the same run.
std::string ScheduledRunId(const std::string& campaign, absl::Time fire_time) {
  return absl::StrCat(campaign, "-",
                      absl::FormatTime("%Y%m%dt%H%Mz", fire_time, absl::UTCTimeZone()));
}

}  // namespace

absl::Status Engine::LoadSchedules() {
  return ScanRecords<internal::ScheduleRecord>(
      *store_, store::Cf::kIdempotency, keys::SchedulePrefix(),
      [&](absl::string_view, internal::ScheduleRecord schedule) {
        const std::string key = absl::StrCat(schedule.namespace_(), "/", schedule.campaign());
        schedules_[key] = std::move(schedule);
        return true;
      });
}

void Engine::UpdateSchedule(const v1::Campaign& campaign) {
  const std::string& ns = campaign.spec().metadata().namespace_();
  const std::string& name = campaign.spec().metadata().name();
  const std::string key = absl::StrCat(ns, "/", name);
  if (!campaign.spec().has_schedule()) {
    if (schedules_.erase(key) > 0) state_.DeleteSchedule(ns, name);
    return;
  }
  absl::StatusOr<definition::CronSchedule> cron =
      definition::CronSchedule::Parse(campaign.spec().schedule().cron());
  if (!cron.ok()) return;  // validated at apply; nothing to schedule otherwise
  internal::ScheduleRecord& schedule = schedules_[key];
  schedule.set_namespace_(ns);
  schedule.set_campaign(name);
  schedule.set_version(campaign.version());
  schedule.set_next_fire_us(absl::ToUnixMicros(
      cron->Next(clock_->Now(), ZoneOf(campaign.spec().schedule()))));
  state_.PutSchedule(schedule);
}

absl::Time Engine::NextScheduleFire() const {
  absl::Time next = absl::InfiniteFuture();
  for (const auto& [key, schedule] : schedules_) {
    next = std::min(next, absl::FromUnixMicros(schedule.next_fire_us()));
  }
  return next;
}

void Engine::FireSchedules() {
  const absl::Time now = clock_->Now();
  for (auto& [key, schedule] : schedules_) {
    const absl::Time due = absl::FromUnixMicros(schedule.next_fire_us());
    if (due > now) continue;
    absl::StatusOr<std::shared_ptr<const scheduler::CompiledCampaign>> campaign =
        LoadCampaign(schedule.namespace_(), schedule.campaign(), schedule.version());
    absl::StatusOr<definition::CronSchedule> cron =
        campaign.ok() ? definition::CronSchedule::Parse((*campaign)->spec().schedule().cron())
                      : absl::StatusOr<definition::CronSchedule>(campaign.status());
    if (!cron.ok()) {
      // Without its campaign the schedule cannot go on: it says why once, in a failed run,
      // and stops until the campaign is applied again (UpdateSchedule).
      RecordFailedFire(schedule, ScheduledRunId(schedule.campaign(), due), due, cron.status());
      schedule.set_next_fire_us(absl::ToUnixMicros(absl::InfiniteFuture()));
    } else {
      const v1::Schedule& spec = (*campaign)->spec().schedule();
      const absl::TimeZone zone = ZoneOf(spec);
      // Every fire time that has come: on time if it is the only one and not late.
      absl::Time latest = due;
      for (absl::Time t = cron->Next(due, zone); t <= now; t = cron->Next(t, zone)) latest = t;
      const bool missed = latest != due || now - due > kMissGrace;
      if (!missed) {
        FireSchedule(schedule, spec, due);
      } else if (spec.missed() == v1::MISSED_FIRE_POLICY_RUN_ONCE) {
        FireSchedule(schedule, spec, latest);
      }
      schedule.set_next_fire_us(absl::ToUnixMicros(cron->Next(now, zone)));
    }
    state_.PutSchedule(schedule);
  }
}

void Engine::FireSchedule(internal::ScheduleRecord& schedule, const v1::Schedule& spec,
                          absl::Time fire_time) {
  const std::string& ns = schedule.namespace_();
  const std::string run_id = ScheduledRunId(schedule.campaign(), fire_time);
  if (scheduler::RunState* previous = FindActive(ns, schedule.last_run_id())) {
    switch (spec.overlap()) {
      case v1::OVERLAP_POLICY_ALLOW:
        break;
      case v1::OVERLAP_POLICY_CANCEL_PREVIOUS:
        scheduler_.Cancel(*previous,
                          absl::StrCat("superseded by the scheduled run for ",
                                       absl::FormatTime(absl::RFC3339_sec, fire_time,
                                                        absl::UTCTimeZone())),
                          "schedule");
        break;
      default:  // SKIP
        return;
    }
  }
  v1::StartRunRequest request;
  request.set_namespace_(ns);
  request.set_campaign(schedule.campaign());
  request.set_run_id(run_id);
  *request.mutable_params() = spec.params();
  (*request.mutable_labels())["fanfare.schedule"] = "cron";
  request.set_identity("schedule");
  schedule.set_last_fire_us(absl::ToUnixMicros(fire_time));
  schedule.set_last_run_id(run_id);
  absl::StatusOr<v1::StartRunResponse> started = StartRunNow(std::move(request));
  // A run that already holds the fire's id (started by hand, say) stands for the fire.
  if (!started.ok() && !absl::IsAlreadyExists(started.status())) {
    RecordFailedFire(schedule, run_id, fire_time, started.status());
  }
}

void Engine::RecordFailedFire(const internal::ScheduleRecord& schedule,
                              const std::string& run_id, absl::Time fire_time,
                              const absl::Status& why) {
  const std::string& ns = schedule.namespace_();
  const absl::Time now = clock_->Now();
  internal::RunRecord record;
  v1::Run& run = *record.mutable_run();
  run.set_namespace_(ns);
  run.set_run_id(run_id);
  run.set_campaign(schedule.campaign());
  run.set_campaign_version(schedule.version());
  run.set_status(v1::RUN_STATUS_FAILED);
  (*run.mutable_labels())["fanfare.schedule"] = "cron";
  *run.mutable_created_at() = ToProtoTime(now);
  *run.mutable_start_at() = ToProtoTime(fire_time);
  *run.mutable_ended_at() = ToProtoTime(now);
  run.set_started_by("schedule");
  v1::StepError& error = *run.mutable_error();
  error.set_type(v1::ERROR_TYPE_INTERNAL);
  error.set_message(absl::StrCat(
      "the scheduled start at ",
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", fire_time, absl::UTCTimeZone()), " failed: ",
      why.message()));
  run.set_last_event_seq(1);
  record.set_next_event_seq(2);
  v1::HistoryEvent event;
  event.set_seq(1);
  *event.mutable_time() = ToProtoTime(now);
  event.set_type(v1::EVENT_TYPE_RUN_FAILED);
  event.set_run_id(run.run_id());
  event.set_actor("schedule");
  event.set_message(error.message());
  *event.mutable_error() = error;
  internal::StartFingerprint fingerprint;
  fingerprint.set_campaign(schedule.campaign());
  state_.NewRun(ns, run.run_id(), now, fingerprint, /*active=*/false);
  state_.PutEvent(ns, run.run_id(), event);
  state_.PutRun(record);
}

}  // namespace fanfare::coordinator
