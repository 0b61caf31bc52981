#include "workers/common/adapter.h"

#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "sdk/worker/task_errors.h"

namespace fanfare::workers {

NetworkEndpoints DefaultEndpoints(absl::string_view network) {
  if (network == "facebook" || network == "instagram") {
    return {"https://graph.facebook.com", "https://graph.facebook.com",
            "https://graph.facebook.com"};
  }
  if (network == "x") return {"https://api.x.com", "https://ads-api.x.com", "https://api.x.com"};
  if (network == "linkedin") {
    return {"https://api.linkedin.com", "https://api.linkedin.com", "https://www.linkedin.com"};
  }
  if (network == "youtube") {
    return {"https://www.googleapis.com", "https://www.googleapis.com",
            "https://oauth2.googleapis.com"};
  }
  if (network == "tiktok") {
    return {"https://open.tiktokapis.com", "https://business-api.tiktok.com",
            "https://open.tiktokapis.com"};
  }
  if (network == "snapchat") {
    return {"https://adsapi.snapchat.com", "https://adsapi.snapchat.com",
            "https://accounts.snapchat.com"};
  }
  return {};
}

absl::Status ParseApiBaseFlag(absl::string_view flag, AdapterOptions& options) {
  const size_t eq = flag.find('=');
  if (eq == absl::string_view::npos || eq == 0 || eq + 1 == flag.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--api-base '", flag, "': expected network=URL or network.api|ads|auth=URL"));
  }
  std::vector<std::string> key = absl::StrSplit(flag.substr(0, eq), '.');
  std::string url(flag.substr(eq + 1));
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (DefaultEndpoints(key[0]).api.empty() || key.size() > 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--api-base '", flag, "': unknown network '", key[0],
        "' (facebook, instagram, x, linkedin, youtube, tiktok, snapchat)"));
  }
  auto [it, inserted] = options.endpoints.emplace(key[0], DefaultEndpoints(key[0]));
  NetworkEndpoints& e = it->second;
  if (key.size() == 1) {
    e = {url, url, url};
  } else if (key[1] == "api") {
    e.api = url;
  } else if (key[1] == "ads") {
    e.ads = url;
  } else if (key[1] == "auth") {
    e.auth = url;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--api-base '", flag, "': the part after '.' must be api, ads or auth"));
  }
  return absl::OkStatus();
}

bool ActionCall::sandbox_extensions() const {
  if (options.sandbox_extensions.has_value()) return *options.sandbox_extensions;
  const std::string network = input.action().substr(0, input.action().find('.'));
  return endpoints.ads != DefaultEndpoints(network).ads;
}

bool ActionCall::PollWait() const {
  if (options.sleep) {
    options.sleep(options.poll_interval);
  } else {
    absl::SleepFor(options.poll_interval);
  }
  return !ctx.cancelled();
}

AdapterBase::AdapterBase(std::string network, const AdapterOptions& options)
    : network_(std::move(network)), options_(options) {
  auto it = options.endpoints.find(network_);
  endpoints_ = it != options.endpoints.end() ? it->second : DefaultEndpoints(network_);
}

void AdapterBase::Register(std::string verb, bool idempotent, ActionFn run, ActionFn reconcile) {
  order_.push_back(verb);
  verbs_[std::move(verb)] = Entry{idempotent, std::move(run), std::move(reconcile)};
}

std::vector<ActionSpec> AdapterBase::actions() const {
  std::vector<ActionSpec> specs;
  for (const std::string& verb : order_) specs.push_back({verb, verbs_.at(verb).idempotent});
  return specs;
}

absl::StatusOr<google::protobuf::Value> AdapterBase::Run(absl::string_view verb,
                                                         TaskContext& ctx) {
  auto it = verbs_.find(verb);
  if (it == verbs_.end()) {
    return RejectedInput(absl::StrCat(network_, ": no action '", verb, "'; actions are ",
                                      absl::StrJoin(order_, ", ")));
  }
  absl::StatusOr<Json> out = Dispatch(it->second, verb, ctx);
  if (!out.ok()) {
    return RedactStatus(out.status(), [this](absl::string_view text) {
      return options_.credentials->Redact(text);
    });
  }
  return ToValue(*out);
}

absl::StatusOr<Json> AdapterBase::Dispatch(const Entry& entry, absl::string_view verb,
                                           TaskContext& ctx) {
  const std::string action = absl::StrCat(network_, ".", verb);
  if (ctx.cancelled()) return absl::CancelledError(absl::StrCat(action, ": cancelled"));
  absl::StatusOr<AccountCredentials> account = options_.credentials->Get(ctx.account());
  if (!account.ok()) {
    return AuthExpired(absl::StrCat(action, ": ", account.status().message()));
  }
  if (account->network != network_) {
    return RejectedInput(absl::StrCat(action, ": account '", ctx.account(), "' is a ",
                                      account->network, " account, not a ", network_,
                                      " one"));
  }
  ActionCall call{ctx, TaskInput(action, ctx.input()), *std::move(account), options_,
                  endpoints_};
  if (!ctx.is_reconcile()) return entry.run(call);
  if (entry.reconcile) return entry.reconcile(call);
  if (entry.idempotent) return entry.run(call);
  return OutcomeUnknown(absl::StrCat(action, ": cannot read this action back from ", network_,
                                     "; check the account by hand before retrying"),
                        "reconcile_unsupported");
}

namespace {

// `status` (whose failure is `failure`) rebuilt with `message` and `code`; its type, custom
// type and retry_after kept.
absl::Status Rebuild(const absl::Status& status, const v1::TaskFailure& failure,
                     absl::string_view message, absl::string_view code) {
  switch (failure.type()) {
    case v1::ERROR_TYPE_RETRYABLE:
      if (!failure.custom_type().empty()) {
        return CustomFailure(failure.custom_type(), message, true);
      }
      return Retryable(message, code);
    case v1::ERROR_TYPE_THROTTLED:
      return Throttled(message,
                       absl::Nanoseconds(google::protobuf::util::TimeUtil::DurationToNanoseconds(
                           failure.retry_after())),
                       code);
    case v1::ERROR_TYPE_AUTH_EXPIRED: return AuthExpired(message, code);
    case v1::ERROR_TYPE_REJECTED_INPUT: return RejectedInput(message, code);
    case v1::ERROR_TYPE_DUPLICATE: return Duplicate(message, code);
    case v1::ERROR_TYPE_OUTCOME_UNKNOWN: return OutcomeUnknown(message, code);
    default: return absl::Status(status.code(), message);
  }
}

}  // namespace

absl::Status RedactStatus(const absl::Status& status,
                          const std::function<std::string(absl::string_view)>& redact) {
  if (status.ok()) return status;
  const v1::TaskFailure failure = ToTaskFailure(status);
  return Rebuild(status, failure, redact(failure.message()), failure.code());
}

absl::Status Recode(const absl::Status& status, absl::string_view code) {
  if (status.ok()) return status;
  const v1::TaskFailure failure = ToTaskFailure(status);
  return Rebuild(status, failure, failure.message(), code);
}

std::string ClientReference(absl::string_view idempotency_key) {
  // FNV-1a, 64 bit: stable across processes and releases (absl::Hash is not).
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : idempotency_key) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return absl::StrFormat("fanfare-%012x", h & 0xffffffffffffULL);
}

std::string AppendLink(std::string text, absl::string_view separator, absl::string_view link) {
  if (link.empty() || absl::StrContains(text, link)) return text;
  absl::StrAppend(&text, separator, link);
  return text;
}

}  // namespace fanfare::workers
