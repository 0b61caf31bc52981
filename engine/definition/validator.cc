#include "engine/definition/validator.h"

#include <algorithm>
#include <utility>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/suggest.h"
#include "engine/definition/action_catalog.h"
#include "engine/definition/cron.h"
#include "engine/definition/internal/expression_check.h"
#include "engine/definition/internal/step_scope.h"
#include "engine/definition/internal/step_validator.h"
#include "engine/definition/limits.h"
#include "engine/definition/params.h"

namespace fanfare::definition {
namespace {

// DNS-label-like: lowercase letters, digits and '-', starting with a letter, at most 63.
bool IsResourceName(absl::string_view name) {
  if (name.empty() || name.size() > 63 || !absl::ascii_islower(name[0]) || name.back() == '-') {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
  });
}

bool IsParamName(absl::string_view name) {
  if (name.empty() || name.size() > 63 || !(absl::ascii_isalpha(name[0]) || name[0] == '_')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return absl::ascii_isalnum(c) || c == '_'; });
}

void CheckMetadata(const v1::Metadata& metadata, Diagnostics& diagnostics) {
  if (metadata.name().empty()) {
    diagnostics.Add("metadata.name", "", "the campaign has no `name`");
  } else if (!IsResourceName(metadata.name())) {
    diagnostics.Add("metadata.name", "",
                    absl::StrCat("campaign name '", metadata.name(),
                                 "' must be lowercase letters, digits and '-', starting with a "
                                 "letter, at most 63 characters (e.g. product-launch)"));
  }
  if (!metadata.namespace_().empty() && !IsResourceName(metadata.namespace_())) {
    diagnostics.Add("metadata.namespace", "",
                    "a namespace must be lowercase letters, digits and '-', starting with a "
                    "letter, at most 63 characters");
  }
  for (const auto& [key, value] : metadata.labels()) {
    if (!IsParamName(key) && !IsResourceName(key)) {
      diagnostics.Add(absl::StrCat("metadata.labels.", key), "",
                      absl::StrCat("label key '", key, "' must be letters, digits, '_' or '-'"));
    }
  }
}

void CheckParams(const v1::CampaignSpec& spec, Diagnostics& diagnostics) {
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < spec.params_size(); ++i) {
    const v1::ParamSpec& param = spec.params(i);
    const std::string path = absl::StrCat("params[", i, "]");
    if (!IsParamName(param.name())) {
      diagnostics.Add(path + ".name", "",
                      absl::StrCat("param name '", param.name(), "' must be an identifier "
                                   "(letters, digits, '_'; read as params.<name>)"));
    } else if (!seen.insert(param.name()).second) {
      diagnostics.Add(path + ".name", "", absl::StrCat("param '", param.name(), "' is declared twice"));
    }
    if (param.type() == v1::PARAM_TYPE_UNSPECIFIED) {
      diagnostics.Add(path + ".type", "", absl::StrCat("param '", param.name(), "' has no `type` (string, "
                                             "int, double, bool, list, map, duration, timestamp)"));
      continue;
    }
    if (!param.has_default_value()) continue;
    if (param.required()) {
      diagnostics.Add(path + ".default", "",
                      absl::StrCat("param '", param.name(), "' is required and has a default; "
                                   "drop one of the two"));
    }
    if (std::string want = ParamTypeMismatch(param.default_value(), param.type()); !want.empty()) {
      diagnostics.Add(path + ".default", "",
                      absl::StrCat("the default of param '", param.name(), "' must be ", want));
    } else if (std::string problem = ValueProblem(param.default_value(), "default");
               !problem.empty()) {
      diagnostics.Add(path + ".default", "", absl::StrCat("param '", param.name(), "' ", problem));
    }
  }
}

void CheckAccounts(const v1::CampaignSpec& spec, Diagnostics& diagnostics) {
  const ActionCatalog& catalog = ActionCatalog::Default();
  for (const auto& [network, accounts] : spec.accounts()) {
    const std::string path = absl::StrCat("accounts.", network);
    if (!IsLowerIdentifier(network)) {
      diagnostics.Add(path, "", absl::StrCat("'", network, "' is not a network name"));
    } else if (!catalog.IsBuiltinQueue(network)) {
      std::string near = ClosestMatch(network, catalog.networks());
      if (!near.empty()) {
        diagnostics.Add(path, "", absl::StrCat("unknown network '", network, "' (did you mean '",
                                               near, "'?)"));
      }
    }
    if (accounts.names().empty()) {
      diagnostics.Add(path, "", absl::StrCat("no account given for ", network));
    }
    for (int i = 0; i < accounts.names_size(); ++i) {
      if (accounts.names(i).empty()) {
        diagnostics.Add(absl::StrCat(path, "[", i, "]"), "", "an account name cannot be empty");
      }
    }
  }
}

void CheckBudget(const v1::CampaignSpec& spec, Diagnostics& diagnostics) {
  if (!spec.has_budget()) return;
  const v1::Budget& budget = spec.budget();
  const std::string& currency = budget.currency();
  if (currency.size() != 3 || !std::all_of(currency.begin(), currency.end(), absl::ascii_isupper)) {
    diagnostics.Add("budget.currency", "",
                    "the budget needs `currency`: an ISO 4217 code such as USD or EUR");
  }
  if (budget.total_micros() == 0 && budget.daily_max_micros() == 0) {
    // At budget.total: where a total is expected, and where a total that could not be read
    // was reported already.
    diagnostics.Add("budget.total", "", "the budget sets neither `total` nor `daily_max`");
  }
  for (const auto& [field, micros] : {std::pair<const char*, int64_t>{"budget.total_micros", budget.total_micros()},
                                     {"budget.daily_max_micros", budget.daily_max_micros()}}) {
    if (std::string problem = MoneyProblem(micros); !problem.empty()) {
      diagnostics.Add(field, "", absl::StrCat(field, " ", problem));
    }
  }
  if (budget.total_micros() > 0 && budget.daily_max_micros() > budget.total_micros()) {
    diagnostics.Add("budget.daily_max_micros", "", "budget.daily_max is larger than budget.total");
  }
}

// Every scheduled run starts with schedule.params: check them once, here, rather than fail
// each run at its fire time.
void CheckScheduledParams(const v1::CampaignSpec& spec, Diagnostics& diagnostics) {
  const auto& given = spec.schedule().params().fields();
  std::vector<std::string> declared;
  for (const v1::ParamSpec& param : spec.params()) declared.push_back(param.name());
  std::vector<std::string> names;
  for (const auto& [name, value] : given) names.push_back(name);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const std::string path = absl::StrCat("schedule.params.", name);
    auto param = std::find_if(spec.params().begin(), spec.params().end(),
                              [&](const v1::ParamSpec& p) { return p.name() == name; });
    if (param == spec.params().end()) {
      diagnostics.Add(path, "", absl::StrCat("schedule.params gives unknown param '", name, "'",
                                             DidYouMean(name, declared),
                                             "; declare it under `params:`"));
    } else if (std::string want = ParamTypeMismatch(given.at(name), param->type());
               !want.empty() && param->type() != v1::PARAM_TYPE_UNSPECIFIED) {
      diagnostics.Add(path, "", absl::StrCat("param '", name, "' must be ", want));
    }
  }
  for (const v1::ParamSpec& param : spec.params()) {
    if (param.required() && !param.has_default_value() && !given.contains(param.name())) {
      diagnostics.Add("schedule.params", "",
                      absl::StrCat("param '", param.name(), "' is required: give it under "
                                   "schedule.params, or every scheduled run would fail"));
    }
  }
}

void CheckSchedule(const v1::CampaignSpec& spec, Diagnostics& diagnostics) {
  if (!spec.has_schedule()) return;
  if (absl::StatusOr<CronSchedule> cron = CronSchedule::Parse(spec.schedule().cron()); !cron.ok()) {
    diagnostics.Add("schedule.cron", "", std::string(cron.status().message()));
  }
  absl::TimeZone zone;
  const std::string& tz = spec.schedule().timezone();
  if (!tz.empty() && !absl::LoadTimeZone(tz, &zone)) {
    diagnostics.Add("schedule.timezone", "",
                    absl::StrCat("unknown time zone '", tz, "'; use an IANA name such as "
                                 "Europe/Paris or America/Los_Angeles"));
  }
  CheckScheduledParams(spec, diagnostics);
}

// Checks the campaign's size against the limits. False if it is too large to check further:
// a campaign far beyond the limits gets one clear answer, in time linear in its size.
bool CheckSize(const v1::CampaignSpec& spec, Diagnostics& diagnostics) {
  if (const size_t bytes = spec.ByteSizeLong(); bytes > kMaxCampaignBytes) {
    diagnostics.Add("", "", absl::StrCat("the campaign is ", bytes, " bytes as a CampaignSpec; "
                                         "at most ", kMaxCampaignBytes, " (1 MiB) are allowed"));
    return false;
  }
  // Every step, repeat blocks' included (however deeply a malformed spec nests them).
  size_t steps = 0;
  std::vector<const google::protobuf::RepeatedPtrField<v1::Step>*> scopes = {&spec.steps()};
  while (!scopes.empty()) {
    const auto* scope = scopes.back();
    scopes.pop_back();
    steps += scope->size();
    for (const v1::Step& step : *scope) {
      if (step.has_repeat()) scopes.push_back(&step.repeat().steps());
    }
  }
  if (steps > static_cast<size_t>(kMaxSteps)) {
    diagnostics.Add("steps", "", absl::StrCat("the campaign has ", steps, " steps; at most ",
                                              kMaxSteps, " are allowed (steps inside repeat "
                                              "blocks count too): split it into campaigns"));
    return false;
  }
  return true;
}

}  // namespace

void ValidateCampaign(const v1::CampaignSpec& spec, Diagnostics* diagnostics) {
  if (!CheckSize(spec, *diagnostics)) return;
  CheckMetadata(spec.metadata(), *diagnostics);
  CheckParams(spec, *diagnostics);
  CheckAccounts(spec, *diagnostics);
  CheckBudget(spec, *diagnostics);
  CheckSchedule(spec, *diagnostics);
  absl::flat_hash_set<std::string> params;
  for (const v1::ParamSpec& param : spec.params()) params.insert(param.name());
  internal::ExpressionChecker expressions(&params, diagnostics);
  internal::StepValidator steps(&expressions, diagnostics);
  internal::StepScope top(spec.steps(), "steps", nullptr, -1);
  steps.ValidateScope(top);
}

}  // namespace fanfare::definition
