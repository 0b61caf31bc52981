// HttpTokenRenewer: the TokenRenewer fanfared uses, calling the networks' OAuth token
// endpoints (the refresh-token grant of workers/common/oauth_refresh.h) from threads of its
// own, so that a slow network never holds the engine.
//
//   HttpTokenRenewer renewer({.auth_bases = {{"x", "https://api.x.com"}}},
//                            [&](RenewalAnswer answer) { coordinator.Post(...); });
//
// Thread-safe. The destructor stops taking orders, waits for the exchanges in flight and
// drops their answers (the intent the engine stored makes the next start ask again).
#ifndef FANFARE_ENGINE_RENEWAL_HTTP_TOKEN_RENEWER_H_
#define FANFARE_ENGINE_RENEWAL_HTTP_TOKEN_RENEWER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "base/thread_pool.h"
#include "engine/coordinator/token_renewer.h"
#include "workers/common/http_client.h"

namespace fanfare::renewal {

struct HttpTokenRenewerOptions {
  // The base of each network's token endpoint (NetworkEndpoints::auth): "x" →
  // "https://api.x.com"; a network not listed uses its production host.
  std::map<std::string, std::string> auth_bases;
  // Exchanges carried out at once (each is one HTTP request).
  int threads = 2;
  absl::Duration request_timeout = absl::Seconds(20);
  // Null: a CurlHttpClient. Must outlive the renewer and be thread-safe.
  workers::HttpClient* http = nullptr;
};

class HttpTokenRenewer final : public coordinator::TokenRenewer {
 public:
  using Answered = std::function<void(coordinator::RenewalAnswer)>;
  HttpTokenRenewer(HttpTokenRenewerOptions options, Answered answered);
  ~HttpTokenRenewer() override;

  bool Renews(absl::string_view network) const override;
  void Renew(coordinator::RenewalOrder order) override;

 private:
  coordinator::RenewalAnswer Exchange(const coordinator::RenewalOrder& order);
  std::string AuthBase(const std::string& network) const;

  HttpTokenRenewerOptions options_;
  Answered answered_;
  std::unique_ptr<workers::HttpClient> own_http_;
  workers::HttpClient* http_;
  ThreadPool pool_;  // last: stopped first
};

}  // namespace fanfare::renewal

#endif  // FANFARE_ENGINE_RENEWAL_HTTP_TOKEN_RENEWER_H_
