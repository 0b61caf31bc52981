#include "engine/renewal/http_token_renewer.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "sdk/worker/task_errors.h"
#include "workers/common/adapter.h"
#include "workers/common/oauth_refresh.h"

namespace fanfare::renewal {

using coordinator::RenewalAnswer;
using coordinator::RenewalOrder;

HttpTokenRenewer::HttpTokenRenewer(HttpTokenRenewerOptions options, Answered answered)
    : options_(std::move(options)),
      answered_(std::move(answered)),
      own_http_(options_.http == nullptr
                    // One try per order: a renewal is never resent blindly; the engine decides.
                    ? std::make_unique<workers::CurlHttpClient>(
                          workers::RetryPolicy{.max_attempts = 1})
                    : nullptr),
      http_(options_.http != nullptr ? options_.http : own_http_.get()),
      pool_(options_.threads) {}

HttpTokenRenewer::~HttpTokenRenewer() = default;

std::string HttpTokenRenewer::AuthBase(const std::string& network) const {
  if (auto it = options_.auth_bases.find(network); it != options_.auth_bases.end()) {
    return it->second;
  }
  return workers::DefaultEndpoints(network).auth;
}

bool HttpTokenRenewer::Renews(absl::string_view network) const {
  return workers::RefreshSpecOf(network, "", false).has_value();
}

void HttpTokenRenewer::Renew(RenewalOrder order) {
  pool_.Schedule([this, order = std::move(order)] {
    RenewalAnswer answer = Exchange(order);
    if (!pool_.stopping()) answered_(std::move(answer));
  });
}

RenewalAnswer HttpTokenRenewer::Exchange(const RenewalOrder& order) {
  RenewalAnswer answer;
  answer.ns = order.ns;
  answer.alias = order.alias;
  answer.uid = order.uid;
  answer.version = order.version;
  workers::AccountCredentials account;
  account.alias = order.alias;
  account.network = order.network;
  account.fields = order.settings;
  for (const auto& [name, value] : order.secrets) account.fields[name] = value;
  std::optional<workers::OAuthRefreshSpec> spec = workers::RefreshSpecOf(
      order.network, AuthBase(order.network), !account.Get("client_secret").empty());
  if (spec.has_value()) spec->timeout = options_.request_timeout;
  if (!spec.has_value()) {
    answer.outcome = RenewalAnswer::Outcome::kRefused;
    answer.message = absl::StrCat(order.network, " issues no refresh tokens");
    return answer;
  }
  absl::StatusOr<workers::TokenGrant> grant =
      workers::RefreshAccessToken(*http_, *spec, account);
  if (grant.ok()) {
    answer.outcome = RenewalAnswer::Outcome::kRenewed;
    answer.access_token = std::move(grant->access_token);
    answer.refresh_token = std::move(grant->refresh_token);
    answer.expires_in = grant->expires_in;
    return answer;
  }
  // RefreshAccessToken's messages name the network and the account; what the network said
  // is in them too, so any secret it might have echoed is taken out.
  answer.message = std::string(grant.status().message());
  for (const auto& [name, value] : order.secrets) {
    if (value.size() >= 6) absl::StrReplaceAll({{value, "[redacted]"}}, &answer.message);
  }
  answer.outcome = ErrorTypeOf(grant.status()) == v1::ERROR_TYPE_AUTH_EXPIRED
                       ? RenewalAnswer::Outcome::kRefused
                       : RenewalAnswer::Outcome::kNotNow;
  return answer;
}

}  // namespace fanfare::renewal
