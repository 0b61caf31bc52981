// ServerTls: fanfared's TLS, with optional client certificates (mTLS), from files that are
// watched: a certificate and key swapped on disk are served from the next handshake on
// (gRPC's FileWatcherCertificateProvider), without a restart.
#ifndef FANFARE_ENGINE_SERVICE_SERVER_TLS_H_
#define FANFARE_ENGINE_SERVICE_SERVER_TLS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/server_credentials.h"

namespace fanfare::service {

struct ServerTlsOptions {
  // PEM files: the server's certificate chain and its private key. Both empty: no TLS.
  std::string cert_path;
  std::string key_path;
  // PEM bundle of the CAs whose client certificates are accepted. Set: every client must
  // present a certificate one of them signed (mTLS). Empty: clients present none.
  std::string client_ca_path;
  // How often the files are read again for changes.
  absl::Duration refresh = absl::Minutes(1);

  bool enabled() const { return !cert_path.empty() || !key_path.empty(); }
};

// Checks the files once — readable, PEM, the key matching the certificate, the CA bundle
// parsing — so that a mistake is a clear error at start-up rather than every handshake
// failing, then returns credentials that keep watching them. FailedPrecondition naming the
// file and what is wrong.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerTlsCredentials(
    const ServerTlsOptions& options);

}  // namespace fanfare::service

#endif  // FANFARE_ENGINE_SERVICE_SERVER_TLS_H_
