#include "engine/definition/yaml_reader.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/suggest.h"
#include "engine/definition/internal/yaml_fields.h"

namespace fanfare::definition {
namespace {

using internal::YamlFields;

const std::vector<std::string> kTopFields = {"name", "namespace", "description", "labels",
                                              "params", "accounts", "budget", "schedule",
                                              "steps"};
const std::vector<std::string> kParamFields = {"type", "default", "required", "description"};
const std::vector<std::string> kStepFields = {
    "id",       "description", "action",  "with",     "needs",
    "when",     "for_each",    "retry",   "timeouts", "continue_on_failure",
    "idempotent", "wait",      "approval", "signal",  "repeat"};
const std::vector<std::string> kRetryFields = {"max_attempts", "initial_backoff", "max_backoff",
                                                "backoff_multiplier", "jitter",
                                                "non_retryable_errors"};
const std::vector<std::string> kTimeoutFields = {"schedule_to_start", "start_to_close",
                                                  "heartbeat"};
const std::vector<std::string> kBudgetFields = {"currency", "total", "daily_max"};
const std::vector<std::string> kScheduleFields = {"cron", "timezone", "missed", "overlap",
                                                   "params"};
const std::vector<std::string> kWaitFields = {"duration", "until"};
const std::vector<std::string> kApprovalFields = {
    "message", "approvers", "timeout", "on_timeout", "min_approvers", "separation_of_duties"};
const std::vector<std::string> kSignalFields = {"name", "timeout"};
const std::vector<std::string> kRepeatFields = {"every", "until", "max_iterations", "steps"};

// Out-of-range counts stay out of range (for the validator to report) rather than wrap.
int32_t ClampToInt32(int64_t value) {
  return static_cast<int32_t>(std::clamp<int64_t>(value, std::numeric_limits<int32_t>::min(),
                                                  std::numeric_limits<int32_t>::max()));
}

// Converts a YAML document into a CampaignSpec, one message type per method.
class CampaignReader {
 public:
  CampaignReader(absl::string_view text, SourceMap* source_map, Diagnostics* diagnostics)
      : fields_(text, source_map, diagnostics) {}

  v1::CampaignSpec ReadDocument(const YAML::Node& root);

 private:
  void ReadTopField(const std::string& key, const YAML::Node& value, const std::string& path,
                    v1::CampaignSpec& spec);
  void ReadParams(const YAML::Node& node, const std::string& path, v1::CampaignSpec& spec);
  void ReadParam(const std::string& name, const YAML::Node& node, const std::string& path,
                 v1::ParamSpec& param);
  void ReadAccounts(const YAML::Node& node, const std::string& path, v1::CampaignSpec& spec);
  void ReadBudget(const YAML::Node& node, const std::string& path, v1::Budget& budget);
  void ReadSchedule(const YAML::Node& node, const std::string& path, v1::Schedule& schedule);
  void ReadSteps(const YAML::Node& node, const std::string& path,
                 google::protobuf::RepeatedPtrField<v1::Step>& steps);
  void ReadStep(const YAML::Node& node, const std::string& path, v1::Step& step);
  void ReadStepField(const std::string& key, const YAML::Node& value, const std::string& path,
                     v1::Step& step);
  void ReadForEach(const YAML::Node& node, const std::string& path, const std::string& step_id,
                   v1::ForEach& for_each);
  void ReadRetry(const YAML::Node& node, const std::string& path, const std::string& step_id,
                 v1::RetryPolicy& retry);
  void ReadTimeouts(const YAML::Node& node, const std::string& path,
                    const std::string& step_id, v1::Timeouts& timeouts);
  void ReadWait(const YAML::Node& node, const std::string& path, const std::string& step_id,
                v1::WaitSpec& wait);
  void ReadApproval(const YAML::Node& node, const std::string& path,
                    const std::string& step_id, v1::ApprovalSpec& approval);
  void ReadSignal(const YAML::Node& node, const std::string& path, const std::string& step_id,
                  v1::SignalSpec& signal);
  void ReadRepeat(const YAML::Node& node, const std::string& path, const std::string& step_id,
                  v1::RepeatSpec& repeat);
  void ReadStringMap(const YAML::Node& node, const std::string& path,
                     google::protobuf::Map<std::string, std::string>& out);
  std::optional<google::protobuf::Struct> ReadStruct(const YAML::Node& node,
                                                     const std::string& path,
                                                     const std::string& step_id);

  template <typename Enum>
  std::optional<Enum> ReadEnum(const YAML::Node& node, const std::string& path,
                               const std::string& step_id,
                               const std::vector<std::pair<std::string, Enum>>& names);

  YamlFields fields_;
};

v1::CampaignSpec CampaignReader::ReadDocument(const YAML::Node& root) {
  v1::CampaignSpec spec;
  fields_.ForEachField(root, "", "", kTopFields,
                       [&](const std::string& key, const YAML::Node& value,
                           const std::string& path) { ReadTopField(key, value, path, spec); });
  return spec;
}

void CampaignReader::ReadTopField(const std::string& key, const YAML::Node& value,
                                  const std::string& path, v1::CampaignSpec& spec) {
  // Metadata fields sit at the top level in YAML; their paths follow the proto.
  auto* metadata = spec.mutable_metadata();
  if (key == "name" || key == "namespace" || key == "description") {
    const std::string proto_path = absl::StrCat("metadata.", key);
    fields_.Mark(value, proto_path);
    std::optional<std::string> s = fields_.String(value, proto_path, "");
    if (!s) return;
    if (key == "name") metadata->set_name(*s);
    if (key == "namespace") metadata->set_namespace_(*s);
    if (key == "description") metadata->set_description(*s);
  } else if (key == "labels") {
    fields_.Mark(value, "metadata.labels");
    ReadStringMap(value, "metadata.labels", *metadata->mutable_labels());
  } else if (key == "params") {
    ReadParams(value, path, spec);
  } else if (key == "accounts") {
    ReadAccounts(value, path, spec);
  } else if (key == "budget") {
    ReadBudget(value, path, *spec.mutable_budget());
  } else if (key == "schedule") {
    ReadSchedule(value, path, *spec.mutable_schedule());
  } else if (key == "steps") {
    ReadSteps(value, path, *spec.mutable_steps());
  }
}

void CampaignReader::ReadStringMap(const YAML::Node& node, const std::string& path,
                                   google::protobuf::Map<std::string, std::string>& out) {
  if (!node.IsMap()) {
    fields_.Error(node, path, "", absl::StrCat("'", path, "' must be a map of names to strings"));
    return;
  }
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    const std::string entry_path = absl::StrCat(path, ".", key);
    fields_.Mark(entry.first, entry_path);
    if (std::optional<std::string> value = fields_.String(entry.second, entry_path, "")) {
      out[key] = *value;
    }
  }
}

void CampaignReader::ReadParams(const YAML::Node& node, const std::string& path,
                                v1::CampaignSpec& spec) {
  if (!node.IsMap()) {
    fields_.Error(node, path, "",
                  "'params' must be a map from param name to {type, default, required, "
                  "description}");
    return;
  }
  for (const auto& entry : node) {
    const int index = spec.params_size();
    const std::string param_path = absl::StrCat(path, "[", index, "]");
    fields_.Mark(entry.first, param_path);
    fields_.Mark(entry.first, absl::StrCat(param_path, ".name"));
    ReadParam(entry.first.Scalar(), entry.second, param_path, *spec.add_params());
  }
}

void CampaignReader::ReadParam(const std::string& name, const YAML::Node& node,
                               const std::string& path, v1::ParamSpec& param) {
  static const std::vector<std::pair<std::string, v1::ParamType>> kTypes = {
      {"string", v1::PARAM_TYPE_STRING},     {"int", v1::PARAM_TYPE_INT},
      {"double", v1::PARAM_TYPE_DOUBLE},     {"bool", v1::PARAM_TYPE_BOOL},
      {"list", v1::PARAM_TYPE_LIST},         {"map", v1::PARAM_TYPE_MAP},
      {"duration", v1::PARAM_TYPE_DURATION}, {"timestamp", v1::PARAM_TYPE_TIMESTAMP}};
  param.set_name(name);
  fields_.ForEachField(node, path, "", kParamFields,
                       [&](const std::string& key, const YAML::Node& value,
                           const std::string& field_path) {
    if (key == "type") {
      if (auto type = ReadEnum(value, field_path, "", kTypes)) param.set_type(*type);
    } else if (key == "default") {
      if (auto v = fields_.Value(value, field_path, "")) *param.mutable_default_value() = *v;
    } else if (key == "required") {
      if (auto b = fields_.Bool(value, field_path, "")) param.set_required(*b);
    } else if (key == "description") {
      if (auto s = fields_.String(value, field_path, "")) param.set_description(*s);
    }
  });
}

void CampaignReader::ReadAccounts(const YAML::Node& node, const std::string& path,
                                  v1::CampaignSpec& spec) {
  if (!node.IsMap()) {
    fields_.Error(node, path, "",
                  "'accounts' must map each network to an account name or a list of names");
    return;
  }
  for (const auto& entry : node) {
    const std::string network = entry.first.Scalar();
    const std::string entry_path = absl::StrCat(path, ".", network);
    fields_.Mark(entry.first, entry_path);
    if (auto names = fields_.StringList(entry.second, entry_path, "")) {
      auto& accounts = (*spec.mutable_accounts())[network];
      for (std::string& name : *names) accounts.add_names(std::move(name));
    }
  }
}

void CampaignReader::ReadBudget(const YAML::Node& node, const std::string& path,
                                v1::Budget& budget) {
  fields_.ForEachField(node, path, "", kBudgetFields,
                       [&](const std::string& key, const YAML::Node& value,
                           const std::string& field_path) {
    if (key == "currency") {
      if (auto s = fields_.String(value, field_path, "")) budget.set_currency(*s);
      return;
    }
    // The proto's names carry the unit; the source map follows them.
    const std::string proto_path = absl::StrCat(path, ".", key, "_micros");
    fields_.Mark(value, proto_path);
    if (auto micros = fields_.Money(value, field_path, "")) {
      if (key == "total") budget.set_total_micros(*micros);
      if (key == "daily_max") budget.set_daily_max_micros(*micros);
    }
  });
}

void CampaignReader::ReadSchedule(const YAML::Node& node, const std::string& path,
                                  v1::Schedule& schedule) {
  static const std::vector<std::pair<std::string, v1::MissedFirePolicy>> kMissed = {
      {"skip", v1::MISSED_FIRE_POLICY_SKIP}, {"run_once", v1::MISSED_FIRE_POLICY_RUN_ONCE}};
  static const std::vector<std::pair<std::string, v1::OverlapPolicy>> kOverlap = {
      {"allow", v1::OVERLAP_POLICY_ALLOW},
      {"skip", v1::OVERLAP_POLICY_SKIP},
      {"cancel_previous", v1::OVERLAP_POLICY_CANCEL_PREVIOUS}};
  fields_.ForEachField(node, path, "", kScheduleFields,
                       [&](const std::string& key, const YAML::Node& value,
                           const std::string& field_path) {
    if (key == "cron") {
      if (auto s = fields_.String(value, field_path, "")) schedule.set_cron(*s);
    } else if (key == "timezone") {
      if (auto s = fields_.String(value, field_path, "")) schedule.set_timezone(*s);
    } else if (key == "missed") {
      if (auto m = ReadEnum(value, field_path, "", kMissed)) schedule.set_missed(*m);
    } else if (key == "overlap") {
      if (auto o = ReadEnum(value, field_path, "", kOverlap)) schedule.set_overlap(*o);
    } else if (key == "params") {
      if (auto s = ReadStruct(value, field_path, "")) *schedule.mutable_params() = *s;
    }
  });
}

void CampaignReader::ReadSteps(const YAML::Node& node, const std::string& path,
                               google::protobuf::RepeatedPtrField<v1::Step>& steps) {
  fields_.Mark(node, path);
  if (!node.IsSequence()) {
    fields_.Error(node, path, "", absl::StrCat("'", path, "' must be a list of steps"));
    return;
  }
  for (size_t i = 0; i < node.size(); ++i) {
    ReadStep(node[i], absl::StrCat(path, "[", i, "]"), *steps.Add());
  }
}

void CampaignReader::ReadStep(const YAML::Node& node, const std::string& path, v1::Step& step) {
  // The id comes first so that every other problem can name the step.
  if (node.IsMap() && node["id"] && node["id"].IsScalar()) step.set_id(node["id"].Scalar());
  fields_.ForEachField(node, path, step.id(), kStepFields,
                       [&](const std::string& key, const YAML::Node& value,
                           const std::string& field_path) {
                         ReadStepField(key, value, field_path, step);
                       });
}

void CampaignReader::ReadStepField(const std::string& key, const YAML::Node& value,
                                   const std::string& path, v1::Step& step) {
  const std::string& id = step.id();
  if (key == "id") {
    if (auto s = fields_.String(value, path, id)) step.set_id(*s);
  } else if (key == "description") {
    if (auto s = fields_.String(value, path, id)) step.set_description(*s);
  } else if (key == "action") {
    if (auto s = fields_.String(value, path, id)) step.set_action(*s);
  } else if (key == "with") {
    if (auto s = ReadStruct(value, path, id)) *step.mutable_with() = *s;
  } else if (key == "needs") {
    if (auto names = fields_.StringList(value, path, id)) {
      for (std::string& name : *names) step.add_needs(std::move(name));
    }
  } else if (key == "when") {
    if (auto s = fields_.String(value, path, id)) step.set_when(*s);
  } else if (key == "for_each") {
    ReadForEach(value, path, id, *step.mutable_for_each());
  } else if (key == "retry") {
    ReadRetry(value, path, id, *step.mutable_retry());
  } else if (key == "timeouts") {
    ReadTimeouts(value, path, id, *step.mutable_timeouts());
  } else if (key == "continue_on_failure") {
    if (auto b = fields_.Bool(value, path, id)) step.set_continue_on_failure(*b);
  } else if (key == "idempotent") {
    if (auto b = fields_.Bool(value, path, id)) step.set_idempotent(*b);
  } else if (key == "wait") {
    ReadWait(value, path, id, *step.mutable_wait());
  } else if (key == "approval") {
    ReadApproval(value, path, id, *step.mutable_approval());
  } else if (key == "signal") {
    ReadSignal(value, path, id, *step.mutable_signal());
  } else if (key == "repeat") {
    ReadRepeat(value, path, id, *step.mutable_repeat());
  }
}

void CampaignReader::ReadForEach(const YAML::Node& node, const std::string& path,
                                 const std::string& step_id, v1::ForEach& for_each) {
  if (node.IsSequence()) {
    if (auto v = fields_.Value(node, absl::StrCat(path, ".items"), step_id)) {
      *for_each.mutable_items() = v->list_value();
    }
  } else if (node.IsScalar()) {
    fields_.Mark(node, absl::StrCat(path, ".expression"));
    for_each.set_expression(node.Scalar());
  } else {
    fields_.Error(node, path, step_id,
                  "'for_each' must be a list ([facebook, x]) or an expression "
                  "(\"{{ params.networks }}\")");
  }
}

void CampaignReader::ReadRetry(const YAML::Node& node, const std::string& path,
                               const std::string& step_id, v1::RetryPolicy& retry) {
  fields_.ForEachField(node, path, step_id, kRetryFields,
                       [&](const std::string& key, const YAML::Node& value,
                           const std::string& field_path) {
    if (key == "max_attempts") {
      // 0 would read as "unset" (the default, 3 attempts): not what `max_attempts: 0` means.
      if (auto i = fields_.Int(value, field_path, step_id); i && *i < 1) {
        fields_.Error(value, field_path, step_id,
                      "max_attempts counts every attempt, the first included: at least 1 (1 "
                      "means no retry)");
      } else if (i) {
        retry.set_max_attempts(ClampToInt32(*i));
      }
    } else if (key == "initial_backoff") {
      if (auto d = fields_.Duration(value, field_path, step_id)) *retry.mutable_initial_backoff() = *d;
    } else if (key == "max_backoff") {
      if (auto d = fields_.Duration(value, field_path, step_id)) *retry.mutable_max_backoff() = *d;
    } else if (key == "backoff_multiplier") {
      if (auto x = fields_.Double(value, field_path, step_id)) retry.set_backoff_multiplier(*x);
    } else if (key == "jitter") {
      if (auto x = fields_.Double(value, field_path, step_id)) retry.set_jitter(*x);
    } else if (key == "non_retryable_errors") {
      if (auto names = fields_.StringList(value, field_path, step_id)) {
        for (std::string& name : *names) retry.add_non_retryable_errors(std::move(name));
      }
    }
  });
}

void CampaignReader::ReadTimeouts(const YAML::Node& node, const std::string& path,
                                  const std::string& step_id, v1::Timeouts& timeouts) {
  fields_.ForEachField(node, path, step_id, kTimeoutFields,
                       [&](const std::string& key, const YAML::Node& value,
                           const std::string& field_path) {
    auto d = fields_.Duration(value, field_path, step_id);
    if (!d) return;
    if (key == "schedule_to_start") *timeouts.mutable_schedule_to_start() = *d;
    if (key == "start_to_close") *timeouts.mutable_start_to_close() = *d;
    if (key == "heartbeat") *timeouts.mutable_heartbeat() = *d;
  });
}

void CampaignReader::ReadWait(const YAML::Node& node, const std::string& path,
                              const std::string& step_id, v1::WaitSpec& wait) {
  // `wait: 6h` is shorthand for `wait: {duration: 6h}`.
  if (node.IsScalar()) {
    fields_.Mark(node, absl::StrCat(path, ".duration"));
    if (auto d = fields_.Duration(node, path, step_id)) *wait.mutable_duration() = *d;
    return;
  }
  fields_.ForEachField(node, path, step_id, kWaitFields,
                       [&](const std::string& key, const YAML::Node& value,
                           const std::string& field_path) {
    if (key == "duration") {
      if (auto d = fields_.Duration(value, field_path, step_id)) *wait.mutable_duration() = *d;
    } else if (auto s = fields_.String(value, field_path, step_id)) {
      wait.set_until(*s);
    }
  });
}

void CampaignReader::ReadApproval(const YAML::Node& node, const std::string& path,
                                  const std::string& step_id, v1::ApprovalSpec& approval) {
  static const std::vector<std::pair<std::string, v1::ApprovalTimeoutOutcome>> kOutcomes = {
      {"reject", v1::APPROVAL_TIMEOUT_OUTCOME_REJECT}, {"skip", v1::APPROVAL_TIMEOUT_OUTCOME_SKIP}};
  // `approval: {}` or `approval:` with nothing else is a plain gate.
  if (node.IsNull()) {
    fields_.Mark(node, path);
    return;
  }
  fields_.ForEachField(node, path, step_id, kApprovalFields,
                       [&](const std::string& key, const YAML::Node& value,
                           const std::string& field_path) {
    if (key == "message") {
      if (auto s = fields_.String(value, field_path, step_id)) approval.set_message(*s);
    } else if (key == "approvers") {
      if (auto names = fields_.StringList(value, field_path, step_id)) {
        for (std::string& name : *names) approval.add_approvers(std::move(name));
      }
    } else if (key == "timeout") {
      if (auto d = fields_.Duration(value, field_path, step_id)) *approval.mutable_timeout() = *d;
    } else if (key == "on_timeout") {
      if (auto o = ReadEnum(value, field_path, step_id, kOutcomes)) approval.set_on_timeout(*o);
    } else if (key == "min_approvers") {
      if (auto i = fields_.Int(value, field_path, step_id)) {
        approval.set_min_approvers(ClampToInt32(*i));
      }
    } else if (key == "separation_of_duties") {
      if (auto b = fields_.Bool(value, field_path, step_id)) approval.set_separation_of_duties(*b);
    }
  });
}

void CampaignReader::ReadSignal(const YAML::Node& node, const std::string& path,
                                const std::string& step_id, v1::SignalSpec& signal) {
  // `signal: go_live` is shorthand for `signal: {name: go_live}`.
  if (node.IsScalar()) {
    fields_.Mark(node, absl::StrCat(path, ".name"));
    signal.set_name(node.Scalar());
    return;
  }
  fields_.ForEachField(node, path, step_id, kSignalFields,
                       [&](const std::string& key, const YAML::Node& value,
                           const std::string& field_path) {
    if (key == "name") {
      if (auto s = fields_.String(value, field_path, step_id)) signal.set_name(*s);
    } else if (auto d = fields_.Duration(value, field_path, step_id)) {
      *signal.mutable_timeout() = *d;
    }
  });
}

void CampaignReader::ReadRepeat(const YAML::Node& node, const std::string& path,
                                const std::string& step_id, v1::RepeatSpec& repeat) {
  fields_.ForEachField(node, path, step_id, kRepeatFields,
                       [&](const std::string& key, const YAML::Node& value,
                           const std::string& field_path) {
    if (key == "every") {
      if (auto d = fields_.Duration(value, field_path, step_id)) *repeat.mutable_every() = *d;
    } else if (key == "until") {
      if (auto s = fields_.String(value, field_path, step_id)) repeat.set_until(*s);
    } else if (key == "max_iterations") {
      if (auto i = fields_.Int(value, field_path, step_id)) {
        repeat.set_max_iterations(ClampToInt32(*i));
      }
    } else if (key == "steps") {
      ReadSteps(value, field_path, *repeat.mutable_steps());
    }
  });
}

std::optional<google::protobuf::Struct> CampaignReader::ReadStruct(const YAML::Node& node,
                                                                   const std::string& path,
                                                                   const std::string& step_id) {
  if (!node.IsMap()) {
    fields_.Error(node, path, step_id, absl::StrCat("'", path, "' must be a map"));
    return std::nullopt;
  }
  std::optional<google::protobuf::Value> value = fields_.Value(node, path, step_id);
  if (!value) return std::nullopt;
  return value->struct_value();
}

template <typename Enum>
std::optional<Enum> CampaignReader::ReadEnum(
    const YAML::Node& node, const std::string& path, const std::string& step_id,
    const std::vector<std::pair<std::string, Enum>>& names) {
  std::optional<std::string> text = fields_.String(node, path, step_id);
  if (!text) return std::nullopt;
  std::vector<std::string> allowed;
  for (const auto& [name, value] : names) {
    if (name == *text) return value;
    allowed.push_back(name);
  }
  fields_.Error(node, path, step_id,
                absl::StrCat("'", path, "' must be one of ", absl::StrJoin(allowed, ", "),
                             ", not '", *text, "'", DidYouMean(*text, allowed)));
  return std::nullopt;
}

}  // namespace

v1::CampaignSpec ReadYamlCampaign(absl::string_view text, SourceMap* source_map,
                                  Diagnostics* diagnostics) {
  std::vector<YAML::Node> documents;
  try {
    // yaml-cpp reports syntax errors (and nesting beyond its own depth guard) by exception;
    // they stop here.
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    diagnostics->AddAt(SourcePosition{e.mark.line + 1, e.mark.column + 1}, "", "",
                       absl::StrCat("YAML syntax error: ", e.msg));
    return v1::CampaignSpec();
  }
  if (documents.size() > 1) {
    // Applying the first and dropping the rest would lose what the author wrote.
    diagnostics->AddAt(internal::PositionOf(documents[1]), "", "",
                       absl::StrCat("the file holds ", documents.size(), " YAML documents; a "
                                    "campaign file holds exactly one (put each campaign in a "
                                    "file of its own)"));
    return v1::CampaignSpec();
  }
  const YAML::Node root = documents.empty() ? YAML::Node() : documents[0];
  if (!root.IsDefined() || root.IsNull()) {
    diagnostics->AddAt(SourcePosition{1, 1}, "", "", "the file is empty; a campaign needs at "
                       "least `name` and `steps`");
    return v1::CampaignSpec();
  }
  return CampaignReader(text, source_map, diagnostics).ReadDocument(root);
}

}  // namespace fanfare::definition
