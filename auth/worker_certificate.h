// Workers identified by their client certificate (mTLS) alone.
//
// A worker's certificate names it by one URI SAN, a SPIFFE ID of the form
//
//   spiffe://<trust domain>/ns/<namespace>/worker/<name>
//
// e.g. spiffe://fanfare/ns/acme/worker/meta-1: the worker "meta-1" of namespace "acme" (issuer
// "spiffe://fanfare/ns/acme", subject "meta-1"). Such a
// certificate, signed by the client CA fanfared trusts, is a Principal with the worker role in
// that namespace and nothing else. Certificates with no URI SAN, several, or one of another
// form grant nothing (the call then needs a token).
//
// Pure functions; thread-safe.
#ifndef FANFARE_AUTH_WORKER_CERTIFICATE_H_
#define FANFARE_AUTH_WORKER_CERTIFICATE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "auth/access.h"

namespace fanfare::auth {

// The trust domain fanfared expects unless told otherwise (--worker_trust_domain).
inline constexpr absl::string_view kDefaultWorkerTrustDomain = "fanfare";

// The worker a certificate's URI SANs (`uris`, as verified by the TLS handshake) name, with
// `trust_domain`. UNAUTHENTICATED, saying why, if they name none: no URI SAN, more than one,
// another trust domain or path, or a namespace or name that is not lowercase letters, digits
// and '-' ('_' and '.' too in a name), 1 to 63 characters.
absl::StatusOr<Principal> WorkerFromCertificate(const std::vector<absl::string_view>& uris,
                                                absl::string_view trust_domain);

// Whether `principal` is a worker known by its certificate (WorkerFromCertificate): its
// worker id is then the certificate's name, whatever it says.
bool IdentifiedByCertificate(const Principal& principal);

}  // namespace fanfare::auth

#endif  // FANFARE_AUTH_WORKER_CERTIFICATE_H_
