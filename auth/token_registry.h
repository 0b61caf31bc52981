// TokenRegistry: the API tokens in force, in memory, for authenticating calls without a trip
// to the store or the engine thread.
//
// The engine owns the registry and changes it only after the change is durable: a created
// token works once CreateToken has been committed, and a revoked one fails from the moment
// RevokeToken is acknowledged. Calls record their last use here; the engine writes last uses
// back at most once per `granularity` per token (TakeLastUses), as their own records, so
// that such a write can never undo a concurrent revocation.
//
// Thread-safe.
#ifndef FANFARE_AUTH_TOKEN_REGISTRY_H_
#define FANFARE_AUTH_TOKEN_REGISTRY_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "auth/access.h"
#include "fanfare/internal/records.pb.h"

namespace fanfare::auth {

class TokenRegistry {
 public:
  struct Entry {
    internal::TokenRecord record;
    absl::Time last_used = absl::InfinitePast();
  };

  // Adds or replaces the token `record.id()`; `last_used` as loaded from the store.
  void Put(internal::TokenRecord record, absl::Time last_used = absl::InfinitePast());

  // The principal `token_text` ("fft_…") stands for, at `now`, noting the use. UNAUTHENTICATED
  // when it is malformed, unknown, of a wrong secret, expired or revoked, saying which.
  absl::StatusOr<Principal> Authenticate(absl::string_view token_text, absl::Time now);

  std::optional<Entry> Find(absl::string_view id) const;
  // Tokens of namespace `ns`, or the cluster admins' tokens if `cluster_admins`, by name.
  std::vector<Entry> List(absl::string_view ns, bool cluster_admins) const;
  size_t size() const;

  // (id, last use) for each token used `granularity` or more after its last use was taken
  // (or loaded); marks them taken.
  std::vector<std::pair<std::string, absl::Time>> TakeLastUses(absl::Duration granularity);

 private:
  struct Slot {
    Entry entry;
    absl::Time last_used_taken = absl::InfinitePast();
  };

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Slot> tokens_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fanfare::auth

#endif  // FANFARE_AUTH_TOKEN_REGISTRY_H_
