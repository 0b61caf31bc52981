#include "engine/coordinator/notifications.h"

#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "base/proto_time.h"
#include "base/sha256.h"
#include "engine/expr/proto_value.h"
#include "engine/scheduler/scheduler.h"
#include "google/protobuf/util/json_util.h"

namespace fanfare::coordinator {
namespace {

// Outputs upstream of an approval are sent up to this size; beyond it the body says where to
// read them instead.
constexpr size_t kMaxSubjectBytes = 16 * 1024;

std::string EventId(absl::string_view kind, absl::string_view ns, absl::string_view subject,
                    int64_t seq) {
  return absl::StrCat("evt_", Sha256Hex(absl::StrCat(kind, "\n", ns, "\n", subject, "\n", seq))
                                  .substr(0, 32));
}

// " --namespace NS" for a command about namespace `ns`, "" for the default one.
std::string NamespaceFlag(absl::string_view ns) {
  return ns == "default" ? "" : absl::StrCat(" --namespace ", ns);
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

// Slack's markup: &, < and > are control characters in message text.
std::string SlackEscape(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}});
}

void Set(google::protobuf::Struct& data, const std::string& name, const std::string& value) {
  (*data.mutable_fields())[name].set_string_value(value);
}

// `message` as a google.protobuf.Value (through its JSON form); null if it does not convert.
google::protobuf::Value AsValue(const google::protobuf::Message& message) {
  google::protobuf::Value value;
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok() ||
      !google::protobuf::util::JsonStringToMessage(json, &value).ok()) {
    value.set_null_value(google::protobuf::NULL_VALUE);
  }
  return value;
}

Notification Begin(const scheduler::RunState& run, const v1::HistoryEvent& event,
                   absl::string_view type) {
  Notification n;
  n.ns = run.ns();
  n.type = std::string(type);
  n.event_id = EventId("run", run.ns(), run.run_id(), event.seq());
  n.at = FromProtoTime(event.time());
  Set(n.data, "run_id", run.run_id());
  Set(n.data, "campaign", run.campaign().name());
  (*n.data.mutable_fields())["campaign_version"].set_number_value(
      static_cast<double>(run.campaign().version()));
  if (!event.step_key().empty()) Set(n.data, "step", event.step_key());
  if (!event.message().empty()) Set(n.data, "message", event.message());
  if (event.has_error()) (*n.data.mutable_fields())["error"] = AsValue(event.error());
  return n;
}

void AddApprovalRequest(const scheduler::RunState& run, const scheduler::StepInstance& approval,
                        Notification& n) {
  auto& fields = *n.data.mutable_fields();
  const std::string& digest = approval.waiting.approval_digest();
  Set(n.data, "approval_digest", digest);
  if (approval.waiting.has_until()) {
    Set(n.data, "decide_by", Rfc3339(FromProtoTime(approval.waiting.until())));
  }
  if (run.campaign().spec().has_budget()) {
    fields["budget"] = AsValue(run.campaign().spec().budget());
  }
  // What it approves: the outputs of the steps before it (the copy, the creative, the
  // audience), as the digest covers them.
  google::protobuf::Value upstream;
  if (expr::ToProto(scheduler::UpstreamView(run, approval), &upstream).ok()) {
    if (upstream.ByteSizeLong() <= kMaxSubjectBytes) {
      fields["upstream"] = std::move(upstream);
    } else {
      fields["upstream"].set_string_value(
          absl::StrCat("too large to send (", upstream.ByteSizeLong(), " bytes): `fanfare get ",
                       run.run_id(), NamespaceFlag(run.ns()), "` shows it"));
    }
  }
  const std::string approve = absl::StrCat("fanfare approve ", run.run_id(), " ", approval.key,
                                           " --digest ", digest, NamespaceFlag(run.ns()));
  const std::string reject = absl::StrCat("fanfare reject ", run.run_id(), " ", approval.key,
                                          NamespaceFlag(run.ns()));
  google::protobuf::Struct& how = *fields["how"].mutable_struct_value();
  Set(how, "approve", approve);
  Set(how, "reject", reject);
  Set(how, "grpc", "fanfare.v1.CampaignService/ApproveStep (namespace, run_id, step_key, digest)");
  n.text = absl::StrCat(":raised_hand: Approval needed in *", SlackEscape(run.ns()), "*: run `",
                        SlackEscape(run.run_id()), "` (", SlackEscape(run.campaign().name()),
                        "), step `", SlackEscape(approval.key), "`");
  const std::string& message = approval.waiting.detail();
  if (!message.empty()) absl::StrAppend(&n.text, "\n>", SlackEscape(message));
  if (run.campaign().spec().has_budget()) {
    const v1::Budget& budget = run.campaign().spec().budget();
    std::vector<std::string> caps;
    if (budget.total_micros() > 0) {
      caps.push_back(absl::StrCat(budget.total_micros() / 1e6, " ", budget.currency(), " in all"));
    }
    if (budget.daily_max_micros() > 0) {
      caps.push_back(
          absl::StrCat(budget.daily_max_micros() / 1e6, " ", budget.currency(), " a day at most"));
    }
    if (!caps.empty()) absl::StrAppend(&n.text, "\nBudget: ", absl::StrJoin(caps, ", "));
  }
  absl::StrAppend(&n.text, "\nApprove: `", SlackEscape(approve), "`\nReject: `",
                  SlackEscape(reject), "`");
}

std::string RunLine(const scheduler::RunState& run) {
  return absl::StrCat("run `", SlackEscape(run.run_id()), "` (",
                      SlackEscape(run.campaign().name()), ") in *", SlackEscape(run.ns()), "*");
}

}  // namespace

bool IsNotificationType(absl::string_view type) {
  return absl::c_linear_search(kNotificationTypes, type);
}

absl::string_view NotificationTypeOf(v1::EventType type) {
  switch (type) {
    case v1::EVENT_TYPE_RUN_SUCCEEDED:
      return "run.succeeded";
    case v1::EVENT_TYPE_RUN_FAILED:
      return "run.failed";
    case v1::EVENT_TYPE_STEP_UNKNOWN:
      return "step.unknown";
    case v1::EVENT_TYPE_BUDGET_GUARDRAIL:
      return "budget.capped";
    case v1::EVENT_TYPE_STEP_WAITING:
      return "approval.requested";
    default:
      return "";
  }
}

std::optional<Notification> RunNotification(scheduler::RunState& run,
                                            const v1::HistoryEvent& event) {
  switch (event.type()) {
    case v1::EVENT_TYPE_RUN_SUCCEEDED: {
      Notification n = Begin(run, event, "run.succeeded");
      n.text = absl::StrCat(":white_check_mark: ", RunLine(run), " succeeded");
      return n;
    }
    case v1::EVENT_TYPE_RUN_FAILED: {
      Notification n = Begin(run, event, "run.failed");
      n.text = absl::StrCat(":x: ", RunLine(run), " failed");
      const std::string& why = event.has_error() ? event.error().message() : event.message();
      if (!why.empty()) absl::StrAppend(&n.text, ": ", SlackEscape(why));
      return n;
    }
    case v1::EVENT_TYPE_STEP_UNKNOWN: {
      Notification n = Begin(run, event, "step.unknown");
      n.text = absl::StrCat(":warning: Step `", SlackEscape(event.step_key()), "` of ",
                            RunLine(run), ": outcome unknown (", SlackEscape(event.message()),
                            "). `fanfare get ", SlackEscape(run.run_id()),
                            SlackEscape(NamespaceFlag(run.ns())), "` shows it");
      return n;
    }
    case v1::EVENT_TYPE_BUDGET_GUARDRAIL: {
      Notification n = Begin(run, event, "budget.capped");
      if (event.has_detail()) (*n.data.mutable_fields())["detail"] = event.detail();
      n.text = absl::StrCat(":moneybag: Budget guardrail on step `", SlackEscape(event.step_key()),
                            "` of ", RunLine(run), ": ", SlackEscape(event.message()));
      return n;
    }
    case v1::EVENT_TYPE_STEP_WAITING: {
      // Only an approval step asking: a step held behind one, or waiting for a rate limit,
      // an account or a timer, asks nobody anything.
      const scheduler::StepInstance* instance = run.Find(event.step_key());
      if (instance == nullptr || instance->def == nullptr ||
          instance->def->kind != scheduler::StepDef::Kind::kApproval ||
          instance->waiting.kind() != v1::WaitingReason::KIND_APPROVAL) {
        return std::nullopt;
      }
      Notification n = Begin(run, event, "approval.requested");
      AddApprovalRequest(run, *instance, n);
      return n;
    }
    default:
      return std::nullopt;
  }
}

Notification ReconnectNotification(const std::string& ns, const std::string& alias,
                                   const std::string& network, const std::string& why,
                                   absl::Time since) {
  Notification n;
  n.ns = ns;
  n.type = "account.reconnect";
  n.event_id = EventId("account", ns, alias, absl::ToUnixMicros(since));
  n.at = since;
  Set(n.data, "account", alias);
  Set(n.data, "network", network);
  Set(n.data, "reason", why);
  const std::string how = absl::StrCat("fanfare accounts connect ", network, " --alias ", alias,
                                       " --client-id CLIENT_ID", NamespaceFlag(ns));
  google::protobuf::Struct& steps = *(*n.data.mutable_fields())["how"].mutable_struct_value();
  Set(steps, "reconnect", how);
  Set(steps, "or", absl::StrCat("fanfare accounts add ", alias, " --file FIELDS.json",
                                 NamespaceFlag(ns)));
  n.text = absl::StrCat(":electric_plug: Account `", SlackEscape(alias), "` (",
                        SlackEscape(network), ") in *", SlackEscape(ns),
                        "* needs reconnecting: ", SlackEscape(why), "\nReconnect: `",
                        SlackEscape(how), "`");
  return n;
}

std::string RenderBody(const Notification& notification, v1::WebhookFormat format) {
  google::protobuf::Struct body;
  if (format == v1::WEBHOOK_FORMAT_SLACK) {
    Set(body, "text", notification.text);
  } else {
    Set(body, "id", notification.event_id);
    Set(body, "type", notification.type);
    Set(body, "created_at", Rfc3339(notification.at));
    Set(body, "namespace", notification.ns);
    *(*body.mutable_fields())["data"].mutable_struct_value() = notification.data;
  }
  std::string json;
  // A Struct always prints.
  (void)google::protobuf::util::MessageToJsonString(body, &json);
  return json;
}

}  // namespace fanfare::coordinator
