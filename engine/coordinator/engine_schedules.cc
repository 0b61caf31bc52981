// Campaign schedules: a run at each cron fire time, exactly once, also across restarts.
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/coordinator/engine.h"
#include "engine/coordinator/keys.h"
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
  return store_->ScanPrefix(store::Cf::kIdempotency, keys::SchedulePrefix(),
                            [&](absl::string_view, absl::string_view value) {
                              internal::ScheduleRecord schedule;
                              if (schedule.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                                schedules_[absl::StrCat(schedule.namespace_(), "/",
                                                        schedule.campaign())] = schedule;
                              }
                              return true;
                            });
}

void Engine::UpdateSchedule(const v1::Campaign& campaign) {
  const std::string& ns = campaign.spec().metadata().namespace_();
  const std::string& name = campaign.spec().metadata().name();
  const std::string key = absl::StrCat(ns, "/", name);
  if (!campaign.spec().has_schedule()) {
    if (schedules_.erase(key) > 0) batch_->Delete(store::Cf::kIdempotency, keys::Schedule(ns, name));
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
  batch_->Put(store::Cf::kIdempotency, keys::Schedule(ns, name), schedule.SerializeAsString());
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
    if (!campaign.ok()) continue;
    const v1::Schedule& spec = (*campaign)->spec().schedule();
    absl::StatusOr<definition::CronSchedule> cron = definition::CronSchedule::Parse(spec.cron());
    if (!cron.ok()) continue;
    const absl::TimeZone zone = ZoneOf(spec);
    // Every fire time that has come: on time if it is the only one and not late.
    absl::Time latest = due;
    for (absl::Time t = cron->Next(due, zone); t <= now; t = cron->Next(t, zone)) latest = t;
    const bool missed = latest != due || now - due > kMissGrace;
    if (!missed) {
      FireSchedule(schedule, due);
    } else if (spec.missed() == v1::MISSED_FIRE_POLICY_RUN_ONCE) {
      FireSchedule(schedule, latest);
    }
    schedule.set_next_fire_us(absl::ToUnixMicros(cron->Next(now, zone)));
    batch_->Put(store::Cf::kIdempotency, keys::Schedule(schedule.namespace_(), schedule.campaign()),
                schedule.SerializeAsString());
  }
}

void Engine::FireSchedule(internal::ScheduleRecord& schedule, absl::Time fire_time) {
  const std::string& ns = schedule.namespace_();
  absl::StatusOr<std::shared_ptr<const scheduler::CompiledCampaign>> campaign =
      LoadCampaign(ns, schedule.campaign(), schedule.version());
  if (!campaign.ok()) return;
  const v1::Schedule& spec = (*campaign)->spec().schedule();
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
  request.set_run_id(ScheduledRunId(schedule.campaign(), fire_time));
  *request.mutable_params() = spec.params();
  (*request.mutable_labels())["fanfare.schedule"] = "cron";
  request.set_identity("schedule");
  schedule.set_last_fire_us(absl::ToUnixMicros(fire_time));
  schedule.set_last_run_id(request.run_id());
  StartRun(std::move(request), [](absl::StatusOr<v1::StartRunResponse>) {});
}

}  // namespace fanfare::coordinator
