// TokenRenewer: how the engine has a held account's access token renewed by its network —
// the OAuth refresh-token grant — without waiting for the answer on its own thread.
//
// The engine is the one refresher of every account it holds (docs/networks.md, "One
// refresher per account"): it asks for at most one renewal per account at a time, only once
// the intent to renew is durable, and stores what comes back before any task uses it. The
// renewer only carries the exchange out.
#ifndef FANFARE_ENGINE_COORDINATOR_TOKEN_RENEWER_H_
#define FANFARE_ENGINE_COORDINATOR_TOKEN_RENEWER_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace fanfare::coordinator {

// One renewal to carry out.
struct RenewalOrder {
  std::string ns;
  std::string alias;
  std::string network;
  // The account's uid and version when the renewal was asked for: the answer is for them.
  std::string uid;
  int64_t version = 0;
  // The account's settings and secrets (refresh_token, client_id, client_secret, …), in
  // memory only.
  std::map<std::string, std::string> settings;
  std::map<std::string, std::string> secrets;
};

// What the network said.
struct RenewalAnswer {
  enum class Outcome {
    kRenewed,  // a new access token (and maybe a new refresh token)
    kRefused,  // the network refused the refresh token: a person must reconnect the account
    kNotNow,   // no answer, or a transient error: ask again later with the same refresh token
  };
  std::string ns;
  std::string alias;
  std::string uid;
  int64_t version = 0;
  Outcome outcome = Outcome::kNotNow;
  std::string access_token;
  // Empty when the network kept the refresh token it had.
  std::string refresh_token;
  // Zero when the network did not say.
  absl::Duration expires_in = absl::ZeroDuration();
  // Why it was refused or not answered, without any secret.
  std::string message;
};

// Thread-safe.
class TokenRenewer {
 public:
  virtual ~TokenRenewer() = default;
  // Whether `network` issues refresh tokens this renewer can exchange.
  virtual bool Renews(absl::string_view network) const = 0;
  // Starts the exchange and returns at once; the answer arrives later through the callback
  // the renewer was built with, exactly once per order, on another thread.
  virtual void Renew(RenewalOrder order) = 0;
};

}  // namespace fanfare::coordinator

#endif  // FANFARE_ENGINE_COORDINATOR_TOKEN_RENEWER_H_
