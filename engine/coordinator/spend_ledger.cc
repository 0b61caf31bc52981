#include "engine/coordinator/spend_ledger.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace fanfare::coordinator {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

const Value* Field(const Struct& s, absl::string_view name) {
  auto it = s.fields().find(std::string(name));
  return it == s.fields().end() ? nullptr : &it->second;
}

std::string Text(const Struct& s, absl::string_view name) {
  const Value* v = Field(s, name);
  if (v == nullptr) return "";
  if (v->has_string_value()) return v->string_value();
  if (v->has_number_value()) return absl::StrCat(static_cast<int64_t>(v->number_value()));
  return "";
}

// A field holding an amount of currency units ("12.50" or 12.5) as micros; -1 if absent.
int64_t Micros(const Struct& s, absl::string_view name) {
  const Value* v = Field(s, name);
  double units = -1;
  if (v == nullptr) return -1;
  if (v->has_number_value()) units = v->number_value();
  if (v->has_string_value() && !absl::SimpleAtod(v->string_value(), &units)) return -1;
  return units < 0 ? -1 : static_cast<int64_t>(std::llround(units * 1'000'000));
}

// A field holding micros already; -1 if absent.
int64_t RawMicros(const Struct& s, absl::string_view name) {
  const Value* v = Field(s, name);
  return v != nullptr && v->has_number_value() ? static_cast<int64_t>(v->number_value()) : -1;
}

std::string Money(int64_t micros, const std::string& currency) {
  return absl::StrFormat("%.2f %s", static_cast<double>(micros) / 1e6, currency);
}

// What one output says about its ad: its budget, whether it runs, what it spent.
void ApplyOutput(absl::string_view verb, const Struct& out, internal::AdSpend& ad) {
  if (verb == "boost" || verb == "set_budget") {
    if (const int64_t committed = RawMicros(out, "budget_micros"); committed >= 0) {
      ad.set_budget_micros(committed);
    }
    if (verb == "boost") ad.set_active(true);
  } else if (verb == "pause" || verb == "resume") {
    ad.set_active(verb == "resume");
  } else if (const int64_t lifetime = RawMicros(out, "lifetime_spend_micros"); lifetime >= 0) {
    ad.set_spend_micros(std::max(ad.spend_micros(), lifetime));
  } else if (const int64_t spent = RawMicros(out, "spend_micros"); spent >= 0) {
    // Successive windows add up; a window that overlaps one already counted does not.
    absl::Time until;
    std::string error;
    const Value* window = Field(out, "window");
    const bool dated = window != nullptr &&
                       absl::ParseTime(absl::RFC3339_full, Text(window->struct_value(), "until"),
                                       &until, &error);
    if (dated && absl::ToUnixMicros(until) > ad.measured_until_us()) {
      ad.set_spend_micros(ad.spend_micros() + spent);
      ad.set_measured_until_us(absl::ToUnixMicros(until));
    }
  }
}

// A reservation whose step ended and whose last attempt can no longer act.
bool Lapsed(const internal::SpendReservation& r, int64_t now_us) {
  return r.release_at_us() != 0 && r.release_at_us() <= now_us;
}

// Drops `record`'s lapsed reservations, and those of task `task_id` (0: none); true if any.
bool DropReservations(internal::SpendRecord& record, absl::Time now, uint64_t task_id = 0) {
  const int64_t now_us = absl::ToUnixMicros(now);
  auto& reservations = *record.mutable_reservations();
  const int before = reservations.size();
  reservations.erase(std::remove_if(reservations.begin(), reservations.end(),
                                    [&](const internal::SpendReservation& r) {
                                      return (task_id != 0 && r.task_id() == task_id) ||
                                             Lapsed(r, now_us);
                                    }),
                     reservations.end());
  return reservations.size() != before;
}

}  // namespace

bool MovesMoney(absl::string_view verb) {
  return verb == "boost" || verb == "set_budget" || verb == "pause" || verb == "resume";
}

std::string SpendLedger::Key(absl::string_view ns, absl::string_view campaign) {
  return absl::StrCat(ns, "/", campaign);
}

const internal::SpendRecord* SpendLedger::Find(absl::string_view ns,
                                               absl::string_view campaign) const {
  auto it = campaigns_.find(Key(ns, campaign));
  return it == campaigns_.end() ? nullptr : &it->second;
}

internal::SpendRecord& SpendLedger::Own(const SpendTask& task) {
  internal::SpendRecord& own = campaigns_[Key(task.ns, task.campaign)];
  if (own.campaign().empty()) {
    own.set_namespace_(std::string(task.ns));
    own.set_campaign(std::string(task.campaign));
    own.set_currency(task.budget->currency());
  }
  return own;
}

SpendLedger::Commitments SpendLedger::Committed(const SpendTask& task,
                                                const std::string& excluded_ad_set,
                                                absl::Time now) const {
  const int64_t now_us = absl::ToUnixMicros(now);
  // Each budget holder counts once, as the larger of its active budget and the reservations
  // on it; a boost's reservation (no holder yet) counts on its own.
  struct Holder {
    const std::string* network;
    const std::string* account;
    int64_t micros = 0;
  };
  Commitments c;
  for (const auto& [key, record] : campaigns_) {
    const bool same_campaign = record.namespace_() == task.ns && record.campaign() == task.campaign;
    absl::flat_hash_map<std::string, Holder> holders;
    const auto count = [&](const std::string& network, const std::string& account,
                           const std::string& holder, int64_t micros) {
      if (network == task.network && !excluded_ad_set.empty() && holder == excluded_ad_set) return;
      Holder& h = holders.try_emplace(absl::StrCat(network, "/", holder),
                                      Holder{&network, &account, 0}).first->second;
      h.micros = std::max(h.micros, micros);
    };
    for (const internal::AdSpend& ad : record.ads()) {
      if (same_campaign) c.spent += ad.spend_micros();
      if (!ad.active()) continue;
      count(ad.network(), ad.account(),
            ad.ad_set_id().empty() ? absl::StrCat("ad:", ad.ad_id()) : ad.ad_set_id(),
            ad.budget_micros());
    }
    for (const internal::SpendReservation& r : record.reservations()) {
      if (Lapsed(r, now_us) || (same_campaign && r.task_id() == task.task_id)) continue;
      count(r.network(), r.account(),
            r.ad_set_id().empty() ? absl::StrCat("task:", r.task_id()) : r.ad_set_id(),
            r.budget_micros());
    }
    for (const auto& [name, h] : holders) {
      if (same_campaign) c.campaign += h.micros;
      if (*h.network == task.network && *h.account == task.account) c.account += h.micros;
    }
  }
  return c;
}

std::pair<int64_t, std::string> SpendLedger::Requested(const SpendTask& task) const {
  std::string ad_set = Text(*task.input, "ad_set_id");
  if (task.verb != "resume") return {Micros(*task.input, "daily_budget"), ad_set};
  int64_t requested = -1;
  if (const internal::SpendRecord* record = Find(task.ns, task.campaign); record != nullptr) {
    for (const internal::AdSpend& ad : record->ads()) {
      if (ad.network() == task.network &&
          (ad.ad_id() == Text(*task.input, "ad_id") || ad.ad_set_id() == ad_set)) {
        requested = ad.budget_micros();
        ad_set = ad.ad_set_id();
      }
    }
  }
  return {requested, ad_set};
}

SpendLedger::Verdict SpendLedger::Judge(const SpendTask& task, int64_t requested,
                                        const Commitments& c) const {
  const v1::Budget& budget = *task.budget;
  const std::string& currency = budget.currency();
  int64_t headroom = std::numeric_limits<int64_t>::max();
  std::string binding;
  auto limit = [&](int64_t room, std::string why) {
    if (room < headroom) {
      headroom = room;
      binding = std::move(why);
    }
  };
  if (budget.daily_max_micros() > 0) {
    limit(budget.daily_max_micros() - c.campaign,
          absl::StrCat("budget.daily_max ", Money(budget.daily_max_micros(), currency), " with ",
                       Money(c.campaign, currency), " already committed per day"));
  }
  if (budget.total_micros() > 0) {
    limit(budget.total_micros() - c.spent - c.campaign,
          absl::StrCat("budget.total ", Money(budget.total_micros(), currency), " with ",
                       Money(c.spent, currency), " spent and ", Money(c.campaign, currency),
                       " committed per day"));
  }
  if (auto cap = caps_.account_caps.find(absl::StrCat(task.network, "/", task.account));
      cap != caps_.account_caps.end()) {
    limit(cap->second.daily_max_micros - c.account,
          absl::StrCat("account ", task.network, "/", task.account, " cap ",
                       Money(cap->second.daily_max_micros, cap->second.currency), " with ",
                       Money(c.account, cap->second.currency), " committed per day"));
  }
  Verdict verdict;
  if (requested <= headroom) return verdict;
  if (task.verb == "resume" || headroom <= 0) {
    verdict.kind = Verdict::Kind::kRefuse;
    verdict.reason = absl::StrCat(task.verb, " of ", Money(requested, currency),
                                  " per day refused: ", binding);
    return verdict;
  }
  verdict.kind = Verdict::Kind::kClip;
  verdict.budget_micros = headroom;
  verdict.reason = absl::StrCat("daily budget ", Money(requested, currency), " clipped to ",
                                Money(headroom, currency), ": ", binding);
  return verdict;
}

SpendLedger::Verdict SpendLedger::Reserve(const SpendTask& task, absl::Time now) {
  Verdict verdict;
  if (task.verb != "boost" && task.verb != "set_budget" && task.verb != "resume") return verdict;
  const std::string& currency = task.budget->currency();
  const std::string asked_currency = Text(*task.input, "currency");
  if (!currency.empty() && !asked_currency.empty() && asked_currency != currency) {
    verdict.kind = Verdict::Kind::kRefuse;
    verdict.reason = absl::StrCat("the budget is in ", currency, "; this ", task.verb, " is in ",
                                  asked_currency);
    return verdict;
  }
  const internal::SpendRecord* record = Find(task.ns, task.campaign);
  if (record != nullptr && record->capped()) {
    verdict.kind = Verdict::Kind::kRefuse;
    verdict.reason = "the campaign reached its total budget; its ads were paused";
    return verdict;
  }
  const auto [requested, ad_set] = Requested(task);
  if (requested < 0) return verdict;  // nothing to check: the adapter rejects a bad input
  verdict = Judge(task, requested, Committed(task, ad_set, now));
  if (verdict.kind == Verdict::Kind::kRefuse) return verdict;
  Hold(task, ad_set, verdict.kind == Verdict::Kind::kClip ? verdict.budget_micros : requested,
       now);
  return verdict;
}

void SpendLedger::Hold(const SpendTask& task, const std::string& ad_set_id, int64_t micros,
                       absl::Time now) {
  internal::SpendRecord& own = Own(task);
  // The task's earlier reservation (an earlier attempt's) and lapsed ones go.
  DropReservations(own, now, task.task_id);
  internal::SpendReservation& r = *own.add_reservations();
  r.set_task_id(task.task_id);
  r.set_network(std::string(task.network));
  r.set_account(std::string(task.account));
  r.set_ad_set_id(ad_set_id);
  r.set_budget_micros(micros);
  dirty_.push_back(Key(task.ns, task.campaign));
}

void SpendLedger::Release(absl::string_view ns, absl::string_view campaign, uint64_t task_id,
                          absl::Time until, absl::Time now) {
  auto it = campaigns_.find(Key(ns, campaign));
  if (it == campaigns_.end()) return;
  bool changed = false;
  for (internal::SpendReservation& r : *it->second.mutable_reservations()) {
    if (r.task_id() != task_id) continue;
    r.set_release_at_us(absl::ToUnixMicros(until));
    changed = true;
  }
  // This one if it is over already, and any other that has lapsed meanwhile.
  changed |= DropReservations(it->second, now);
  if (changed) dirty_.push_back(it->first);
}

internal::AdSpend* SpendLedger::FindAd(internal::SpendRecord& record, const std::string& network,
                                       const std::string& ad_id, const std::string& ad_set_id) {
  for (internal::AdSpend& ad : *record.mutable_ads()) {
    if (ad.network() != network) continue;
    if ((!ad_id.empty() && ad.ad_id() == ad_id) || (!ad_set_id.empty() && ad.ad_set_id() == ad_set_id)) {
      return &ad;
    }
  }
  return nullptr;
}

bool SpendLedger::TotalReached(const internal::SpendRecord& record, const v1::Budget& budget) const {
  if (budget.total_micros() <= 0 || record.capped()) return false;
  int64_t spent = 0, committed = 0;
  for (const internal::AdSpend& ad : record.ads()) {
    spent += ad.spend_micros();
    if (ad.active()) committed += ad.budget_micros();
  }
  return spent + committed > budget.total_micros();
}

bool SpendLedger::Record(const SpendTask& task, const Value& output_value) {
  if (!MovesMoney(task.verb) && task.verb != "insights") return false;
  const Struct& input = *task.input;
  const Struct& out = output_value.struct_value();
  const std::string network(task.network);
  const std::string ad_id = !Text(out, "ad_id").empty() ? Text(out, "ad_id") : Text(input, "ad_id");
  const std::string ad_set_id =
      !Text(out, "ad_set_id").empty() ? Text(out, "ad_set_id") : Text(input, "ad_set_id");
  internal::SpendRecord& own = Own(task);
  // The reservation becomes the ad's recorded budget below.
  DropReservations(own, absl::InfinitePast(), task.task_id);
  dirty_.push_back(Key(task.ns, task.campaign));
  // The ad may belong to another campaign of the namespace (a guard run pausing it).
  internal::SpendRecord* owner = &own;
  internal::AdSpend* ad = FindAd(own, network, ad_id, ad_set_id);
  for (auto it = campaigns_.begin(); ad == nullptr && it != campaigns_.end(); ++it) {
    if (it->second.namespace_() != task.ns) continue;
    ad = FindAd(it->second, network, ad_id, ad_set_id);
    if (ad != nullptr) owner = &it->second;
  }
  if (ad == nullptr && task.verb != "boost" && task.verb != "set_budget") return false;
  if (ad == nullptr) {
    ad = own.add_ads();
    ad->set_network(network);
    ad->set_account(std::string(task.account));
    ad->set_active(true);
  }
  if (!ad_id.empty()) ad->set_ad_id(ad_id);
  if (!ad_set_id.empty()) ad->set_ad_set_id(ad_set_id);
  ApplyOutput(task.verb, out, *ad);
  dirty_.push_back(Key(owner->namespace_(), owner->campaign()));
  return TotalReached(*owner, *task.budget) && owner == &own;
}

google::protobuf::ListValue SpendLedger::ActiveAds(const std::string& ns,
                                                   const std::string& campaign) const {
  google::protobuf::ListValue items;
  const internal::SpendRecord* record = Find(ns, campaign);
  if (record == nullptr) return items;
  for (const internal::AdSpend& ad : record->ads()) {
    if (!ad.active()) continue;
    auto& fields = *items.add_values()->mutable_struct_value()->mutable_fields();
    fields["id"].set_string_value(absl::StrCat(ad.network(), "-", ad.ad_id()));
    fields["network"].set_string_value(ad.network());
    fields["account"].set_string_value(ad.account());
    fields["ad_id"].set_string_value(ad.ad_id());
    fields["ad_set_id"].set_string_value(ad.ad_set_id());
  }
  return items;
}

void SpendLedger::MarkCapped(const std::string& ns, const std::string& campaign) {
  campaigns_[Key(ns, campaign)].set_capped(true);
  dirty_.push_back(Key(ns, campaign));
}

v1::SpendStatus SpendLedger::Status(const std::string& ns, const std::string& campaign,
                                    const v1::Budget& budget) const {
  const internal::SpendRecord* record = Find(ns, campaign);
  return SpendStatusOf(record != nullptr ? *record : internal::SpendRecord(), budget);
}

v1::SpendStatus SpendStatusOf(const internal::SpendRecord& record, const v1::Budget& budget) {
  v1::SpendStatus status;
  status.set_currency(budget.currency().empty() ? record.currency() : budget.currency());
  status.set_daily_max_micros(budget.daily_max_micros());
  status.set_total_micros(budget.total_micros());
  status.set_capped(record.capped());
  for (const internal::AdSpend& ad : record.ads()) {
    status.set_spent_micros(status.spent_micros() + ad.spend_micros());
    if (ad.active()) {
      status.set_committed_daily_micros(status.committed_daily_micros() + ad.budget_micros());
      status.set_active_ads(status.active_ads() + 1);
    } else {
      status.set_paused_ads(status.paused_ads() + 1);
    }
  }
  return status;
}

std::vector<std::pair<std::string, internal::SpendRecord>> SpendLedger::TakeDirty() {
  std::sort(dirty_.begin(), dirty_.end());
  dirty_.erase(std::unique(dirty_.begin(), dirty_.end()), dirty_.end());
  std::vector<std::pair<std::string, internal::SpendRecord>> out;
  for (const std::string& key : dirty_) out.emplace_back(key, campaigns_.at(key));
  dirty_.clear();
  return out;
}

void SpendLedger::Restore(const internal::SpendRecord& record) {
  campaigns_[Key(record.namespace_(), record.campaign())] = record;
}

}  // namespace fanfare::coordinator
