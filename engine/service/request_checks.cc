#include "engine/service/request_checks.h"

#include <algorithm>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "accounts/account_secrets.h"
#include "auth/access.h"
#include "base/durations.h"
#include "base/loopback.h"
#include "base/status_macros.h"
#include "base/suggest.h"
#include "engine/coordinator/notifications.h"
#include "engine/definition/action_catalog.h"
#include "engine/definition/limits.h"
#include "engine/definition/loader.h"
#include "engine/dispatch/rate_limiter.h"

namespace fanfare::service {
namespace {

// How much of an input a message echoes.
constexpr size_t kMaxEchoBytes = 200;

// Outside input in a message: quoted, and cut to kMaxEchoBytes with "…".
std::string Quoted(absl::string_view text) {
  return absl::StrCat("'", definition::Echo(text, kMaxEchoBytes), "'");
}

absl::Status Invalid(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", what));
}

bool IsResourceName(absl::string_view name) {
  if (name.empty() || name.size() > 63 || !absl::ascii_islower(name[0]) || name.back() == '-') {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
  });
}

bool IsPrintable(absl::string_view text) {
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 && c != '\t'; });
}

absl::Status CheckText(absl::string_view field, absl::string_view text) {
  if (text.size() > kMaxTextLength) {
    return Invalid(field, absl::StrCat("at most ", kMaxTextLength, " characters"));
  }
  if (!IsPrintable(text)) return Invalid(field, "must not hold control characters");
  return absl::OkStatus();
}

// Empty, or a hex SHA-256 (an approval digest).
absl::Status CheckDigest(absl::string_view digest) {
  const bool hex = std::all_of(digest.begin(), digest.end(), [](char c) {
    return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
  });
  if (digest.empty() || (digest.size() == 64 && hex)) return absl::OkStatus();
  return Invalid("digest", "64 lowercase hex digits: the step's waiting.approval_digest");
}

absl::Status CheckCampaignName(absl::string_view name) {
  if (!IsResourceName(name)) {
    return Invalid("campaign", "lowercase letters, digits and '-', starting with a letter, at "
                               "most 63 characters");
  }
  return absl::OkStatus();
}

absl::Status CheckStepKey(absl::string_view key) {
  if (key.empty() || key.size() > 256 || !IsPrintable(key)) {
    return Invalid("step_key", "a step instance key such as approve_copy or publish[x]");
  }
  return absl::OkStatus();
}

absl::Status CheckLabels(const google::protobuf::Map<std::string, std::string>& labels) {
  if (labels.size() > kMaxLabels) return Invalid("labels", absl::StrCat("at most ", kMaxLabels));
  for (const auto& [key, value] : labels) {
    if (key.empty() || key.size() > 63 || !IsPrintable(key)) {
      return Invalid("labels", absl::StrCat("bad label key ", Quoted(key)));
    }
    if (absl::Status s = CheckText(absl::StrCat("labels.", key), value); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status CheckTaskRef(absl::string_view field, uint64_t task_id, int attempt) {
  if (task_id == 0) return Invalid(field, "task_id is required");
  if (attempt < 1) return Invalid(field, "attempt must be 1 or more");
  return absl::OkStatus();
}

// A worker's retry_after must be a well-formed protobuf Duration. Its value is not refused:
// where outcomes are applied, a negative one counts as zero and a long one as kMaxHold
// (dispatch::ClampHold), since a worker's clock arithmetic ("reset - now") can go either way.
absl::Status CheckFailure(absl::string_view field, const v1::TaskFailure& failure) {
  if (failure.code().size() > kMaxIdLength || failure.custom_type().size() > kMaxIdLength) {
    return Invalid(field, absl::StrCat("code and custom_type are at most ", kMaxIdLength,
                                       " characters"));
  }
  if (!failure.has_retry_after()) return absl::OkStatus();
  const int64_t seconds = failure.retry_after().seconds();
  const int32_t nanos = failure.retry_after().nanos();
  if (nanos < -999'999'999 || nanos > 999'999'999 || (seconds > 0 && nanos < 0) ||
      (seconds < 0 && nanos > 0)) {
    return Invalid(absl::StrCat(field, ".retry_after"),
                   absl::StrCat("not a valid duration: nanos must be within ±999999999 and "
                                "of the same sign as seconds (got seconds ", seconds,
                                ", nanos ", nanos, "); a negative duration counts as 0, and "
                                "one longer than ", fanfare::FormatDuration(dispatch::kMaxHold),
                                " as ", fanfare::FormatDuration(dispatch::kMaxHold)));
  }
  return absl::OkStatus();
}

// A success's output is stored and read back as JSON: it may hold only finite numbers.
absl::Status CheckSuccess(absl::string_view field, const v1::TaskSuccess& success) {
  if (std::string problem = definition::ValueProblem(success.output(), "output");
      !problem.empty()) {
    return Invalid(field, problem);
  }
  return absl::OkStatus();
}

// A queue some campaign can route a task to: a built-in queue, or a custom worker pool that
// is not a misspelt network (the validator refuses step actions on those, so no task would
// ever come).
absl::Status CheckQueue(absl::string_view queue) {
  const definition::ActionCatalog& catalog = definition::ActionCatalog::Default();
  if (!definition::IsLowerIdentifier(queue)) {
    return Invalid("queues", absl::StrCat(Quoted(queue),
                                          " is not a queue name: a network such as facebook, "
                                          "or a worker pool, in lowercase letters, digits and "
                                          "'_', starting with a letter"));
  }
  if (catalog.IsBuiltinQueue(queue)) return absl::OkStatus();
  if (queue == "fanfare" || queue == "builtin") {
    return Invalid("queues", absl::StrCat("'", queue, "' is not a queue: the built-in step kinds "
                                          "never leave the coordinator"));
  }
  if (std::string near = ClosestMatch(queue, catalog.queues()); !near.empty()) {
    return Invalid("queues", absl::StrCat("unknown network '", queue, "' (did you mean '", near,
                                          "'?); the built-in queues are ",
                                          absl::StrJoin(catalog.queues(), ", "),
                                          ", and a custom worker pool must not look like one"));
  }
  return absl::OkStatus();
}

// An action a campaign can produce on one of `queues`: <queue>.<verb>, and one of the
// catalog's verbs if the queue is built in.
absl::Status CheckAction(absl::string_view action,
                         const google::protobuf::RepeatedPtrField<std::string>& queues) {
  absl::StatusOr<definition::ActionName> name = definition::ParseActionName(action);
  if (!name.ok()) {
    return Invalid("actions", absl::StrCat("malformed action ", Quoted(action),
                                           ": write <queue>.<verb> in lowercase, e.g. "
                                           "facebook.publish or content.generate"));
  }
  if (std::find(queues.begin(), queues.end(), name->queue) == queues.end()) {
    return Invalid("actions", absl::StrCat("'", action, "' is not on a queue the worker serves (",
                                           absl::StrJoin(queues, ", "), "); add '", name->queue,
                                           "' to its queues or leave the action out"));
  }
  const definition::ActionCatalog& catalog = definition::ActionCatalog::Default();
  if (catalog.IsBuiltinQueue(name->queue) && catalog.Find(name->queue, name->verb) == nullptr) {
    const std::vector<std::string> verbs = catalog.Verbs(name->queue);
    return Invalid("actions", absl::StrCat(name->queue, " has no action '", name->verb, "'",
                                           DidYouMean(name->verb, verbs), "; its actions are ",
                                           absl::StrJoin(verbs, ", ")));
  }
  return absl::OkStatus();
}

absl::Status CheckQueues(const google::protobuf::RepeatedPtrField<std::string>& queues,
                         const google::protobuf::RepeatedPtrField<std::string>& actions) {
  if (queues.empty() || queues.size() > kMaxQueues) {
    return Invalid("queues", absl::StrCat("name 1 to ", kMaxQueues, " queues"));
  }
  if (actions.size() > kMaxActions) {
    return Invalid("actions", absl::StrCat("at most ", kMaxActions, " (or none: every action)"));
  }
  for (const std::string& queue : queues) RETURN_IF_ERROR(CheckQueue(queue));
  for (const std::string& action : actions) RETURN_IF_ERROR(CheckAction(action, queues));
  return absl::OkStatus();
}

absl::Status CheckWorkerId(absl::string_view worker_id) {
  if (worker_id.size() > kMaxIdLength || !IsPrintable(worker_id)) {
    return Invalid("worker_id", absl::StrCat("at most ", kMaxIdLength, " printable characters"));
  }
  return absl::OkStatus();
}

template <typename... Checks>
absl::Status All(Checks... statuses) {
  for (const absl::Status& s : {statuses...}) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

// 1 to 64 of letters, digits, '.', '_' and '-': a token's or a webhook's name.
absl::Status CheckName(absl::string_view name, bool optional) {
  if ((optional && name.empty()) ||
      (!name.empty() && name.size() <= 64 && absl::c_all_of(name, [](char c) {
        return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-';
      }))) {
    return absl::OkStatus();
  }
  return Invalid("name", "1 to 64 of letters, digits, '.', '_' and '-'");
}

}  // namespace

absl::Status CheckNamespace(absl::string_view ns) {
  if (!ns.empty() && !IsResourceName(ns)) {
    return Invalid("namespace", "lowercase letters, digits and '-', at most 63 characters");
  }
  return absl::OkStatus();
}

absl::Status CheckRunId(absl::string_view run_id, bool required) {
  if (run_id.empty()) return required ? Invalid("run_id", "is required") : absl::OkStatus();
  const bool ok = run_id.size() <= kMaxIdLength &&
                  std::all_of(run_id.begin(), run_id.end(), [](char c) {
                    return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.';
                  });
  return ok ? absl::OkStatus()
            : Invalid("run_id", "letters, digits, '-', '_' and '.', at most 128 characters");
}

absl::Status CheckPageSize(int page_size) {
  if (page_size < 0 || page_size > kMaxPageSize) {
    return Invalid("page_size", absl::StrCat("between 0 and ", kMaxPageSize));
  }
  return absl::OkStatus();
}

absl::Status Check(const v1::ApplyCampaignRequest& request) {
  if (!request.has_spec()) return Invalid("spec", "is required");
  if (request.spec().ByteSizeLong() > 4 * kMaxValueBytes) {
    return Invalid("spec", "at most 1 MiB");
  }
  if (absl::Status s = All(CheckNamespace(request.spec().metadata().namespace_()),
                           CheckText("source_name", request.source_name()));
      !s.ok()) {
    return s;
  }
  // The whole campaign, here on the RPC's thread: a campaign that is refused costs the
  // engine thread nothing.
  return definition::CheckCampaign(
             request.spec(), request.source_name().empty() ? "campaign" : request.source_name())
      .status;
}

absl::Status Check(const v1::GetCampaignRequest& request) {
  if (request.version() < 0) return Invalid("version", "0 for the latest, or a version number");
  return All(CheckNamespace(request.namespace_()), CheckCampaignName(request.name()));
}

absl::Status Check(const v1::ListCampaignsRequest& request) {
  return All(CheckNamespace(request.namespace_()), CheckPageSize(request.page_size()));
}

absl::Status Check(const v1::StartRunRequest& request) {
  if (request.priority() < -100 || request.priority() > 100) {
    return Invalid("priority", "between -100 and 100");
  }
  if (request.params().ByteSizeLong() > kMaxValueBytes) return Invalid("params", "at most 256 KiB");
  for (const auto& [name, value] : request.params().fields()) {
    if (std::string problem = definition::ValueProblem(value, definition::Echo(name, 63));
        !problem.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("params.", problem));
    }
  }
  if (request.campaign_version() < 0) return Invalid("campaign_version", "0 or more");
  if (request.has_start_at()) {
    if (std::string problem = definition::TimestampProblem(request.start_at()); !problem.empty()) {
      return Invalid("start_at", problem);
    }
  }
  return All(CheckNamespace(request.namespace_()), CheckCampaignName(request.campaign()),
             CheckRunId(request.run_id(), false), CheckLabels(request.labels()),
             CheckText("identity", request.identity()));
}

absl::Status Check(const v1::GetRunRequest& request) {
  return All(CheckNamespace(request.namespace_()), CheckRunId(request.run_id(), true));
}

absl::Status Check(const v1::ListRunsRequest& request) {
  if (!request.campaign().empty()) {
    if (absl::Status s = CheckCampaignName(request.campaign()); !s.ok()) return s;
  }
  return All(CheckNamespace(request.namespace_()), CheckPageSize(request.page_size()),
             CheckLabels(request.labels()));
}

absl::Status Check(const v1::WatchRunRequest& request) {
  if (request.from_seq() < 0) return Invalid("from_seq", "0 or more");
  return All(CheckNamespace(request.namespace_()), CheckRunId(request.run_id(), true));
}

absl::Status Check(const v1::GetHistoryRequest& request) {
  if (request.from_seq() < 0) return Invalid("from_seq", "0 or more");
  return All(CheckNamespace(request.namespace_()), CheckRunId(request.run_id(), true),
             CheckPageSize(request.page_size()));
}

absl::Status Check(const v1::CancelRunRequest& request) {
  return All(CheckNamespace(request.namespace_()), CheckRunId(request.run_id(), true),
             CheckText("reason", request.reason()), CheckText("identity", request.identity()));
}

absl::Status Check(const v1::PauseRunRequest& request) {
  return All(CheckNamespace(request.namespace_()), CheckRunId(request.run_id(), true),
             CheckText("reason", request.reason()), CheckText("identity", request.identity()));
}

absl::Status Check(const v1::ResumeRunRequest& request) {
  return All(CheckNamespace(request.namespace_()), CheckRunId(request.run_id(), true),
             CheckText("identity", request.identity()));
}

absl::Status Check(const v1::RetryRunRequest& request) {
  return All(CheckNamespace(request.namespace_()), CheckRunId(request.run_id(), true),
             CheckText("from_step", request.from_step()), CheckText("identity", request.identity()));
}

absl::Status Check(const v1::DecideStepRequest& request) {
  return All(CheckNamespace(request.namespace_()), CheckRunId(request.run_id(), true),
             CheckStepKey(request.step_key()), CheckText("identity", request.identity()),
             CheckText("comment", request.comment()), CheckDigest(request.digest()));
}

absl::Status Check(const v1::SignalRunRequest& request) {
  if (!definition::IsLowerIdentifier(request.signal())) {
    return Invalid("signal", "a signal name in lowercase letters, digits and '_'");
  }
  if (request.payload().ByteSizeLong() > kMaxValueBytes) return Invalid("payload", "at most 256 KiB");
  if (std::string problem = definition::ValueProblem(request.payload(), "payload");
      !problem.empty()) {
    return absl::InvalidArgumentError(problem);
  }
  return All(CheckNamespace(request.namespace_()), CheckRunId(request.run_id(), true),
             CheckText("identity", request.identity()));
}

absl::Status Check(const v1::GetDispatchStateRequest& request) {
  return CheckNamespace(request.namespace_());
}

absl::Status Check(const v1::ListCommunityAuthorsRequest& request) {
  if (!definition::IsLowerIdentifier(request.network())) {
    return Invalid("network", "a network such as x or youtube");
  }
  if (request.account().empty() || request.account().size() > kMaxIdLength ||
      !IsPrintable(request.account())) {
    return Invalid("account", absl::StrCat("an account alias of 1 to ", kMaxIdLength,
                                           " printable characters"));
  }
  RETURN_IF_ERROR(CheckPageSize(request.page_size()));
  // A token holds an author id (up to 256 bytes), base64.
  if (request.page_token().size() > 1024) {
    return Invalid("page_token", "a token from ListCommunityAuthors");
  }
  return CheckNamespace(request.namespace_());
}

namespace {

constexpr int kMaxDeliveredComments = 500;
constexpr size_t kMaxCommentIdBytes = 256;
constexpr size_t kMaxCommentTextBytes = 4096;
constexpr size_t kMaxCommentUrlBytes = 2048;
constexpr absl::Time kYear10000 = absl::FromUnixSeconds(253'402'300'800);

absl::Status CheckCommentString(const google::protobuf::Struct& s, const std::string& path,
                                const std::string& name, size_t max_bytes, bool required) {
  auto it = s.fields().find(name);
  const std::string field = absl::StrCat(path, ".", name);
  if (it == s.fields().end()) return required ? Invalid(field, "is required") : absl::OkStatus();
  if (!it->second.has_string_value()) return Invalid(field, "must be a string");
  const std::string& value = it->second.string_value();
  if (required && value.empty()) return Invalid(field, "must not be empty");
  if (value.size() > max_bytes) return Invalid(field, absl::StrCat("at most ", max_bytes, " bytes"));
  return absl::OkStatus();
}

absl::Status CheckCommentAuthor(const google::protobuf::Value& value, const std::string& path) {
  if (!value.has_struct_value()) return Invalid(path, "must be an object");
  const google::protobuf::Struct& author = value.struct_value();
  for (const auto& [name, field] : author.fields()) {
    if (name == "id" || name == "handle") {
      RETURN_IF_ERROR(CheckCommentString(author, path, name, kMaxCommentIdBytes, false));
    } else if (name == "followers") {
      if (!field.has_number_value() || !(field.number_value() >= 0) ||
          field.number_value() > 1e12) {
        return Invalid(absl::StrCat(path, ".followers"), "a number from 0 to 1e12");
      }
    } else {
      return Invalid(absl::StrCat(path, ".", Quoted(name)), "unknown (id, handle, followers)");
    }
  }
  return absl::OkStatus();
}

// One comment as `<network>.comments` returns it, as a worker delivers it.
absl::Status CheckDeliveredComment(const google::protobuf::Struct& comment, const std::string& path) {
  RETURN_IF_ERROR(CheckCommentString(comment, path, "id", kMaxCommentIdBytes, true));
  for (const auto& [name, field] : comment.fields()) {
    if (name == "id") continue;
    if (name == "parent_id" || name == "post_id") {
      RETURN_IF_ERROR(CheckCommentString(comment, path, name, kMaxCommentIdBytes, false));
    } else if (name == "text") {
      RETURN_IF_ERROR(CheckCommentString(comment, path, name, kMaxCommentTextBytes, false));
    } else if (name == "url") {
      RETURN_IF_ERROR(CheckCommentString(comment, path, name, kMaxCommentUrlBytes, false));
    } else if (name == "created_at") {
      absl::Time at;
      std::string err;
      if (!field.has_string_value() || field.string_value().size() > 64 ||
          !absl::ParseTime(absl::RFC3339_full, field.string_value(), &at, &err) ||
          at < absl::UnixEpoch() || at >= kYear10000) {
        return Invalid(absl::StrCat(path, ".created_at"), "an RFC 3339 time from 1970 to 9999");
      }
    } else if (name == "hidden") {
      if (!field.has_bool_value()) return Invalid(absl::StrCat(path, ".hidden"), "a boolean");
    } else if (name == "author") {
      RETURN_IF_ERROR(CheckCommentAuthor(field, absl::StrCat(path, ".author")));
    } else {
      return Invalid(absl::StrCat(path, ".", Quoted(name)),
                     "unknown (id, parent_id, post_id, author, text, created_at, hidden, url)");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Check(const v1::DeliverCommentsRequest& request) {
  RETURN_IF_ERROR(CheckNamespace(request.namespace_()));
  const definition::ActionCatalog& catalog = definition::ActionCatalog::Default();
  if (!absl::c_linear_search(catalog.networks(), request.network()) ||
      catalog.Find(request.network(), "comments") == nullptr) {
    return Invalid("network", "a network with comments: facebook, instagram, x, youtube, "
                              "linkedin or tiktok");
  }
  if (request.account().empty() || request.account().size() > kMaxIdLength ||
      !IsPrintable(request.account())) {
    return Invalid("account", absl::StrCat("an account alias of 1 to ", kMaxIdLength,
                                           " printable characters"));
  }
  if (request.comments().empty() || request.comments_size() > kMaxDeliveredComments) {
    return Invalid("comments", absl::StrCat("1 to ", kMaxDeliveredComments, " comments"));
  }
  for (int i = 0; i < request.comments_size(); ++i) {
    RETURN_IF_ERROR(
        CheckDeliveredComment(request.comments(i), absl::StrCat("comments[", i, "]")));
  }
  return absl::OkStatus();
}

absl::Status Check(const v1::ReleaseHoldRequest& request) {
  if (!request.network().empty() && !definition::IsLowerIdentifier(request.network())) {
    return Invalid("network", "a network or pool name such as facebook, or empty for all");
  }
  if (request.account().size() > kMaxIdLength || !IsPrintable(request.account())) {
    return Invalid("account", absl::StrCat("an account alias of at most ", kMaxIdLength,
                                           " printable characters"));
  }
  return CheckNamespace(request.namespace_());
}

absl::Status Check(const v1::WorkerHello& hello) {
  if (hello.max_concurrency() < 1 || hello.max_concurrency() > kMaxConcurrency) {
    return Invalid("hello.max_concurrency", absl::StrCat("between 1 and ", kMaxConcurrency));
  }
  return All(CheckWorkerId(hello.worker_id()), CheckText("hello.identity", hello.identity()),
             CheckNamespace(hello.namespace_()), CheckQueues(hello.queues(), hello.actions()));
}

absl::Status Check(const v1::WorkerMessage& message) {
  if (message.has_hello()) return Invalid("hello", "only the first message may carry hello");
  if (message.credit() < 0 || message.credit() > kMaxConcurrency) {
    return Invalid("credit", absl::StrCat("between 0 and ", kMaxConcurrency));
  }
  for (const v1::TaskOutcome& outcome : message.outcomes()) {
    if (absl::Status s = All(CheckTaskRef("outcomes", outcome.task_id(), outcome.attempt()),
                             CheckSuccess("outcomes.success", outcome.success()),
                             CheckFailure("outcomes.failure", outcome.failure()));
        !s.ok()) {
      return s;
    }
  }
  for (const v1::TaskRef& ref : message.heartbeats()) {
    if (absl::Status s = CheckTaskRef("heartbeats", ref.task_id(), ref.attempt()); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status Check(const v1::PollTasksRequest& request) {
  if (request.max_tasks() < 0 || request.max_tasks() > kMaxPageSize) {
    return Invalid("max_tasks", "between 0 and 1000");
  }
  return All(CheckNamespace(request.namespace_()), CheckWorkerId(request.worker_id()),
             CheckQueues(request.queues(), request.actions()));
}

absl::Status Check(const v1::CompleteTaskRequest& request) {
  return All(CheckWorkerId(request.worker_id()),
             CheckTaskRef("task", request.task_id(), request.attempt()),
             CheckSuccess("success", request.success()));
}

absl::Status Check(const v1::FailTaskRequest& request) {
  if (!request.has_failure()) return Invalid("failure", "is required");
  return All(CheckWorkerId(request.worker_id()),
             CheckTaskRef("task", request.task_id(), request.attempt()),
             CheckFailure("failure", request.failure()));
}

absl::Status Check(const v1::HeartbeatRequest& request) {
  for (const v1::TaskRef& ref : request.tasks()) {
    if (absl::Status s = CheckTaskRef("tasks", ref.task_id(), ref.attempt()); !s.ok()) return s;
  }
  return CheckWorkerId(request.worker_id());
}

absl::Status Check(const v1::CreateTokenRequest& request) {
  RETURN_IF_ERROR(CheckName(request.name(), /*optional=*/false));
  if (request.cluster_admin()) {
    if (!request.namespace_().empty() || !request.role().empty()) {
      return Invalid("cluster_admin", "a cluster admin's token takes no namespace and no role");
    }
  } else if (!auth::ParseRole(request.role()).has_value()) {
    return Invalid("role", "viewer, operator, approver, worker or admin");
  }
  if (request.has_expires_in() &&
      (request.expires_in().seconds() <= 0 || request.expires_in().seconds() > 10 * 366 * 86400)) {
    return Invalid("expires_in", "longer than zero and at most ten years");
  }
  return CheckNamespace(request.namespace_());
}

absl::Status Check(const v1::ListTokensRequest& request) {
  return CheckNamespace(request.namespace_());
}

absl::Status Check(const v1::RevokeTokenRequest& request) {
  if (request.id().size() != 16 || !absl::c_all_of(request.id(), [](char c) {
        return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
      })) {
    return Invalid("id", "the token's 16 hex digits, as `fanfare admin tokens list` shows");
  }
  return CheckNamespace(request.namespace_());
}

absl::Status Check(const v1::ListAuditRequest& request) {
  return All(CheckNamespace(request.namespace_()), CheckPageSize(request.page_size()));
}

absl::Status Check(const v1::CreateBackupRequest& request) {
  if (request.directory().size() > 4096 ||
      request.directory().find('\0') != std::string::npos) {
    return Invalid("directory", "a path of at most 4096 bytes");
  }
  if (request.keep() < 0 || request.keep() > 10000) {
    return Invalid("keep", "0 (keep every backup) to 10000");
  }
  return absl::OkStatus();
}

namespace {

// https://HOST[:PORT]/…, or http:// to a loopback host: deliveries carry signed event data,
// which travels encrypted unless it never leaves the machine.
absl::Status CheckWebhookUrl(absl::string_view url) {
  if (url.size() > 2048 || !absl::c_all_of(url, [](char c) { return c > ' ' && c < 0x7f; })) {
    return Invalid("url", "at most 2048 bytes of printable ASCII, without spaces");
  }
  const bool https = absl::StartsWith(url, "https://");
  if (!https && !absl::StartsWith(url, "http://")) {
    return Invalid("url", "an https:// URL (or http:// to a loopback address)");
  }
  absl::string_view authority = url.substr(https ? 8 : 7);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (absl::StrContains(authority, '@')) {
    return Invalid("url", "a URL without credentials before its host");
  }
  const size_t colon = authority.rfind(':');
  const bool has_port =
      colon != absl::string_view::npos && authority.find(']', colon) == absl::string_view::npos;
  const absl::string_view host = has_port ? authority.substr(0, colon) : authority;
  if (host.empty()) return Invalid("url", "a URL with a host");
  int port = 0;
  if (has_port && (!absl::SimpleAtoi(authority.substr(colon + 1), &port) || port < 1 ||
                   port > 65535)) {
    return Invalid("url", "a port from 1 to 65535 after the host");
  }
  if (!https && !IsLoopbackHost(host)) {
    return Invalid("url", "https:// (plain http:// only to 127.0.0.0/8, [::1] or localhost)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Check(const v1::AddWebhookRequest& request) {
  RETURN_IF_ERROR(All(CheckNamespace(request.namespace_()), CheckWebhookUrl(request.url()),
                      CheckName(request.name(), /*optional=*/true),
                      CheckText("identity", request.identity())));
  if (absl::StartsWith(request.name(), "wh_")) {
    return Invalid("name", "a name not starting with wh_, which webhook ids do");
  }
  if (request.events().empty()) {
    return Invalid("events", absl::StrCat("one or more of ",
                                          absl::StrJoin(coordinator::kNotificationTypes, ", ")));
  }
  for (int i = 0; i < request.events_size(); ++i) {
    const std::string& type = request.events(i);
    if (!coordinator::IsNotificationType(type)) {
      return Invalid(absl::StrCat("events[", i, "]"),
                     absl::StrCat("'", definition::Echo(type, 40), "' is none of ",
                                  absl::StrJoin(coordinator::kNotificationTypes, ", ")));
    }
    if (std::count(request.events().begin(), request.events().begin() + i, type) > 0) {
      return Invalid(absl::StrCat("events[", i, "]"), absl::StrCat("'", type, "' twice"));
    }
  }
  if (!v1::WebhookFormat_IsValid(request.format())) {
    return Invalid("format", "json or slack");
  }
  return absl::OkStatus();
}

absl::Status Check(const v1::ListWebhooksRequest& request) {
  return CheckNamespace(request.namespace_());
}

absl::Status Check(const v1::RemoveWebhookRequest& request) {
  if (request.id().size() != 19 || !absl::StartsWith(request.id(), "wh_") ||
      !absl::c_all_of(request.id().substr(3), [](char c) {
        return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f');
      })) {
    return Invalid("id", "wh_ and 16 hex digits, as `fanfare admin webhooks list` shows");
  }
  return All(CheckNamespace(request.namespace_()), CheckText("identity", request.identity()));
}

namespace {

constexpr int kMaxAccountFields = 32;
constexpr size_t kMaxSettingBytes = 1024;
constexpr size_t kMaxSecretBytes = 8 * 1024;

// An account alias: what credentials files and campaigns name ("acme_x").
absl::Status CheckAlias(absl::string_view alias) {
  if (alias.empty() || alias.size() > 64 || !absl::c_all_of(alias, [](char c) {
        return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_';
      })) {
    return Invalid("alias", "1 to 64 lowercase letters, digits and '_'");
  }
  return absl::OkStatus();
}

// `fields` (settings or secrets): at most kMaxAccountFields, named as identifiers, each value
// at most `max_bytes` of printable text. A secret's value is never echoed.
absl::Status CheckAccountFields(absl::string_view what,
                                const google::protobuf::Map<std::string, std::string>& fields,
                                size_t max_bytes) {
  if (fields.size() > kMaxAccountFields) {
    return Invalid(what, absl::StrCat("at most ", kMaxAccountFields, " fields"));
  }
  for (const auto& [name, value] : fields) {
    const std::string field = absl::StrCat(what, ".", definition::Echo(name, 40));
    if (!definition::IsLowerIdentifier(name) || name.size() > 64) {
      return Invalid(field, "a field name is lowercase letters, digits and '_'");
    }
    if (value.size() > max_bytes || !IsPrintable(value)) {
      return Invalid(field, absl::StrCat("at most ", max_bytes, " bytes of printable text"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Check(const v1::PutAccountRequest& request) {
  RETURN_IF_ERROR(All(CheckNamespace(request.namespace_()), CheckAlias(request.alias()),
                      CheckText("identity", request.identity())));
  const std::vector<std::string>& networks = definition::ActionCatalog::Default().networks();
  if (!absl::c_linear_search(networks, request.network())) {
    return Invalid("network",
                   "facebook, instagram, x, linkedin, youtube, tiktok or snapchat");
  }
  RETURN_IF_ERROR(CheckAccountFields("settings", request.settings(), kMaxSettingBytes));
  for (const auto& [name, value] : request.settings()) {
    if (accounts::IsSecretName(name)) {
      return Invalid(absl::StrCat("settings.", name),
                     "a secret (…_token, …_secret): send it among the secrets");
    }
  }
  return CheckAccountFields("secrets", request.secrets(), kMaxSecretBytes);
}

absl::Status Check(const v1::ListAccountsRequest& request) {
  return CheckNamespace(request.namespace_());
}

absl::Status Check(const v1::RemoveAccountRequest& request) {
  return All(CheckNamespace(request.namespace_()), CheckAlias(request.alias()),
             CheckText("identity", request.identity()));
}

}  // namespace fanfare::service
