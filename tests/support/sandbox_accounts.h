// The first tokens of a sandbox account, as `fanfare accounts connect` would obtain them:
// one exchange of the account's first refresh token at the sandbox, made into the request
// that puts the account in the coordinator.
#ifndef FANFARE_TESTS_SUPPORT_SANDBOX_ACCOUNTS_H_
#define FANFARE_TESTS_SUPPORT_SANDBOX_ACCOUNTS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "fanfare/v1/accounts.pb.h"

namespace fanfare::testing {

// X account `alias` of the sandbox whose X API is at `x_base` (its seeded refresh token is
// "sbxr_x_<alias>"), with the sandbox's client id. With `now`, the request says when the
// access token expires.
absl::StatusOr<v1::PutAccountRequest> ConnectSandboxX(const std::string& x_base,
                                                      const std::string& alias,
                                                      std::optional<absl::Time> now);

}  // namespace fanfare::testing

#endif  // FANFARE_TESTS_SUPPORT_SANDBOX_ACCOUNTS_H_
