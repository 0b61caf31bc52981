#include "auth/worker_certificate.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace fanfare::auth {
namespace {

constexpr size_t kMaxPart = 63;

bool IsNamespace(absl::string_view s) {
  return !s.empty() && s.size() <= kMaxPart && absl::ascii_islower(s.front()) &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
         });
}

bool IsWorkerName(absl::string_view s) {
  return !s.empty() && s.size() <= kMaxPart && absl::ascii_isalnum(s.front()) &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-' || c == '_' ||
                  c == '.';
         });
}

}  // namespace

absl::StatusOr<Principal> WorkerFromCertificate(const std::vector<absl::string_view>& uris,
                                                absl::string_view trust_domain) {
  if (uris.size() != 1) {
    return absl::UnauthenticatedError(
        absl::StrCat("the client certificate names ", uris.size(),
                     " URIs; a worker's names exactly one: spiffe://", trust_domain,
                     "/ns/NAMESPACE/worker/NAME"));
  }
  const std::string prefix = absl::StrCat("spiffe://", trust_domain, "/");
  absl::string_view path = uris[0];
  const std::vector<absl::string_view> parts =
      absl::ConsumePrefix(&path, prefix) ? absl::StrSplit(path, '/')
                                         : std::vector<absl::string_view>{};
  if (parts.size() != 4 || parts[0] != "ns" || parts[2] != "worker" || !IsNamespace(parts[1]) ||
      !IsWorkerName(parts[3])) {
    return absl::UnauthenticatedError(
        absl::StrCat("the client certificate's URI '", uris[0].substr(0, 200),
                     "' is not spiffe://", trust_domain, "/ns/NAMESPACE/worker/NAME"));
  }
  Principal worker;
  // The namespace is part of who vouches for the name: meta-1 of acme is not meta-1 of globex.
  worker.issuer = absl::StrCat("spiffe://", trust_domain, "/ns/", parts[1]);
  worker.subject = std::string(parts[3]);
  worker.grants.push_back({std::string(parts[1]), Role::kWorker});
  return worker;
}

bool IdentifiedByCertificate(const Principal& principal) {
  return absl::StartsWith(principal.issuer, "spiffe://");
}

}  // namespace fanfare::auth
