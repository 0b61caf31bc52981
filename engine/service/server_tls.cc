#include "engine/service/server_tls.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/files.h"
#include "base/openssl_ptr.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace fanfare::service {
namespace {

absl::Status Bad(const std::string& path, absl::string_view what) {
  return absl::FailedPreconditionError(absl::StrCat("TLS: ", path, ": ", what));
}

absl::StatusOr<std::string> ReadPem(const std::string& path) {
  absl::StatusOr<std::string> pem = ReadWholeFile(path);
  if (!pem.ok()) return Bad(path, "cannot be read");
  return pem;
}


BioPtr Bio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// The first certificate of `pem`, or null.
X509Ptr FirstCertificate(const std::string& pem) {
  auto bio = Bio(pem);
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

absl::Status CheckIdentity(const ServerTlsOptions& options) {
  if (options.cert_path.empty() || options.key_path.empty()) {
    return absl::InvalidArgumentError("TLS needs both --tls-cert and --tls-key");
  }
  absl::StatusOr<std::string> cert = ReadPem(options.cert_path);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem(options.key_path);
  if (!key.ok()) return key.status();
  X509Ptr x509 = FirstCertificate(*cert);
  if (x509 == nullptr) return Bad(options.cert_path, "holds no PEM certificate");
  auto key_bio = Bio(*key);
  EvpPkeyPtr pkey(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (pkey == nullptr) return Bad(options.key_path, "holds no unencrypted PEM private key");
  if (X509_check_private_key(x509.get(), pkey.get()) != 1) {
    ERR_clear_error();
    return Bad(options.key_path, absl::StrCat("is not the key of the certificate in ",
                                              options.cert_path));
  }
  return absl::OkStatus();
}

absl::Status CheckClientCa(const std::string& path) {
  absl::StatusOr<std::string> bundle = ReadPem(path);
  if (!bundle.ok()) return bundle.status();
  if (FirstCertificate(*bundle) == nullptr) {
    ERR_clear_error();
    return Bad(path, "holds no PEM certificate");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerTlsCredentials(
    const ServerTlsOptions& options) {
  if (absl::Status status = CheckIdentity(options); !status.ok()) return status;
  const bool mutual = !options.client_ca_path.empty();
  if (mutual) {
    if (absl::Status status = CheckClientCa(options.client_ca_path); !status.ok()) return status;
  }
  const unsigned int refresh_seconds =
      static_cast<unsigned int>(std::max<int64_t>(1, absl::ToInt64Seconds(options.refresh)));
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      options.key_path, options.cert_path, options.client_ca_path, refresh_seconds);
  grpc::experimental::TlsServerCredentialsOptions tls(provider);
  tls.watch_identity_key_cert_pairs();
  if (mutual) {
    tls.watch_root_certs();
    tls.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  } else {
    tls.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  return grpc::experimental::TlsServerCredentials(tls);
}

}  // namespace fanfare::service
