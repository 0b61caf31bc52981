// Engine::CollectMetrics: the coordinator's state series, computed at scrape time.
#include <map>
#include <tuple>

#include "engine/coordinator/engine.h"

namespace fanfare::coordinator {
namespace {

using metrics::MetricFamily;
using metrics::MetricType;

// A gauge family whose samples are summed per label tuple as they are added.
class GaugeTally {
 public:
  GaugeTally(std::string name, std::string help, std::vector<std::string> label_names)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

  void Add(const std::vector<std::string>& values, double amount = 1) { sums_[values] += amount; }
  // Keeps the largest value seen per label tuple (ages).
  void Max(const std::vector<std::string>& values, double value) {
    auto [it, inserted] = sums_.try_emplace(values, value);
    if (!inserted) it->second = std::max(it->second, value);
  }

  MetricFamily Family() && {
    MetricFamily family;
    family.name = std::move(name_);
    family.help = std::move(help_);
    family.type = MetricType::kGauge;
    for (auto& [values, sum] : sums_) {
      metrics::Sample& sample = family.samples.emplace_back();
      for (size_t i = 0; i < label_names_.size(); ++i) {
        sample.labels.emplace_back(label_names_[i], values[i]);
      }
      sample.value = sum;
    }
    return family;
  }

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::map<std::vector<std::string>, double> sums_;
};

const char* QueueStateOf(const scheduler::StepInstance& instance) {
  if (instance.leased()) return "running";
  if (instance.queued()) return "ready";
  switch (instance.waiting.kind()) {
    case v1::WaitingReason::KIND_RATE_LIMIT:
      return "throttled";
    case v1::WaitingReason::KIND_ACCOUNT:
      return "waiting_account";
    default:
      return nullptr;
  }
}

double Money(int64_t micros) { return static_cast<double>(micros) / 1e6; }

}  // namespace

void Engine::CollectMetrics(std::vector<metrics::MetricFamily>& out) const {
  const absl::Time now = clock_->Now();
  GaugeTally runs("fanfare_runs",
                  "Runs not yet ended, by namespace and status (scheduled, running, paused).",
                  {"namespace", "status"});
  GaugeTally queue_tasks(
      "fanfare_queue_tasks",
      "Dispatched steps by namespace, queue and state: ready (waiting for a worker), running "
      "(leased), throttled (held by a network's rate limit), waiting_account (for a token "
      "renewal or a person to reconnect the account).",
      {"namespace", "queue", "state"});
  GaugeTally oldest("fanfare_queue_oldest_ready_seconds",
                    "Age of the oldest ready step in each queue: how long it has waited for a "
                    "worker (absent when none is ready).",
                    {"namespace", "queue"});
  GaugeTally throttled("fanfare_rate_limited_tasks",
                       "Steps held back by a network's rate limit, by namespace, network and "
                       "account.",
                       {"namespace", "network", "account"});
  GaugeTally approvals("fanfare_approvals_waiting", "Approval steps waiting for a decision.",
                       {"namespace"});
  GaugeTally approval_age("fanfare_approval_oldest_wait_seconds",
                          "How long the oldest approval step has waited for a decision.",
                          {"namespace"});
  GaugeTally unknown("fanfare_steps_unknown",
                     "Steps whose last attempt's outcome is unknown and being reconciled with "
                     "the network.",
                     {"namespace"});
  // The campaigns' budgets, as their active runs know them.
  std::map<std::pair<std::string, std::string>, const v1::Budget*> budgets;
  for (const auto& [key, run] : active_.runs()) {
    if (run->terminal()) continue;
    runs.Add({run->ns(), RunStatusLabel(run->record().status())});
    budgets[{run->ns(), run->campaign().name()}] = &run->campaign().spec().budget();
    for (const auto& instance : run->instances()) {
      if (instance->terminal()) continue;
      if (instance->state == v1::STEP_STATE_UNKNOWN) unknown.Add({run->ns()});
      if (instance->state == v1::STEP_STATE_WAITING &&
          instance->waiting.kind() == v1::WaitingReason::KIND_APPROVAL) {
        approvals.Add({run->ns()});
        approval_age.Max({run->ns()}, absl::ToDoubleSeconds(now - instance->started_at));
      }
      if (instance->queue.empty()) continue;
      const char* state = QueueStateOf(*instance);
      if (state == nullptr) continue;
      queue_tasks.Add({run->ns(), instance->queue, state});
      if (instance->queued()) {
        oldest.Max({run->ns(), instance->queue},
                   absl::ToDoubleSeconds(std::max(now - instance->ready_at, absl::ZeroDuration())));
      }
      if (instance->waiting.kind() == v1::WaitingReason::KIND_RATE_LIMIT) {
        throttled.Add({run->ns(), instance->queue, instance->account});
      }
    }
  }
  for (GaugeTally* tally : {&runs, &queue_tasks, &oldest, &throttled, &approvals, &approval_age,
                            &unknown}) {
    out.push_back(std::move(*tally).Family());
  }
  CollectSpendMetrics(budgets, out);
  CollectWorkerMetrics(out);
  webhooks_.CollectMetrics(out);
}

void Engine::CollectSpendMetrics(
    const std::map<std::pair<std::string, std::string>, const v1::Budget*>& budgets,
    std::vector<metrics::MetricFamily>& out) const {
  const std::vector<std::string> labels = {"namespace", "campaign", "currency"};
  GaugeTally spent("fanfare_campaign_spent",
                   "Ad spend measured so far per campaign, in currency units.", labels);
  GaugeTally committed("fanfare_campaign_committed_daily",
                       "Daily budgets of the campaign's active ads together, in currency units.",
                       labels);
  GaugeTally cap("fanfare_campaign_total_cap",
                 "The campaign's total budget cap, in currency units (campaigns with a running "
                 "run and a cap only).",
                 labels);
  GaugeTally capped("fanfare_campaign_capped",
                    "1 once the campaign's total cap was reached: its ads were paused and new "
                    "spend is refused.",
                    {"namespace", "campaign"});
  static const v1::Budget kNoBudget;
  for (const auto& [key, record] : spend_.ledger().records()) {
    auto budget = budgets.find({record.namespace_(), record.campaign()});
    const v1::SpendStatus status = SpendStatusOf(
        record, budget != budgets.end() ? *budget->second : kNoBudget);
    const std::vector<std::string> values = {record.namespace_(), record.campaign(),
                                             status.currency()};
    spent.Add(values, Money(status.spent_micros()));
    committed.Add(values, Money(status.committed_daily_micros()));
    if (status.total_micros() > 0) cap.Add(values, Money(status.total_micros()));
    capped.Add({record.namespace_(), record.campaign()}, status.capped() ? 1 : 0);
  }
  for (GaugeTally* tally : {&spent, &committed, &cap, &capped}) {
    out.push_back(std::move(*tally).Family());
  }
}

void Engine::CollectWorkerMetrics(std::vector<metrics::MetricFamily>& out) const {
  GaugeTally sessions("fanfare_worker_sessions",
                      "Connected worker sessions serving each queue (stream and long-poll).",
                      {"namespace", "queue"});
  GaugeTally credits("fanfare_worker_free_slots",
                     "Tasks the workers serving each queue may still be sent (their credits).",
                     {"namespace", "queue"});
  for (const auto& [id, session] : dispatcher_.sessions()) {
    for (const std::string& queue : session->hello().queues()) {
      sessions.Add({session->ns(), queue});
      credits.Add({session->ns(), queue}, session->credit());
    }
  }
  GaugeTally reconnect("fanfare_account_needs_reconnecting",
                       "1 for a network account a person must reconnect (revoked, expired, "
                       "password changed); its steps wait meanwhile.",
                       {"namespace", "network", "account"});
  for (const auto& [ns, accounts] : accounts_) {
    for (const auto& [alias, record] : accounts) {
      reconnect.Add({ns, record.account().network(), alias},
                    record.account().needs_reconnecting() ? 1 : 0);
    }
  }
  for (GaugeTally* tally : {&sessions, &credits, &reconnect}) {
    out.push_back(std::move(*tally).Family());
  }
}

}  // namespace fanfare::coordinator
