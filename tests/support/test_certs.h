// Certificates made at test time (OpenSSL, P-256): a CA, and leaf certificates it signs —
// for the server (SAN 127.0.0.1 and localhost) or a client — valid now, or expired.
#ifndef FANFARE_TESTS_SUPPORT_TEST_CERTS_H_
#define FANFARE_TESTS_SUPPORT_TEST_CERTS_H_

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace fanfare::testing {

struct KeyAndCert {
  std::string key_pem;
  std::string cert_pem;
};

struct CertSpec {
  std::string common_name;
  // Subject alternative names, as OpenSSL writes them: "IP:127.0.0.1", "DNS:localhost",
  // "URI:spiffe://fanfare/ns/acme/worker/meta-1".
  std::vector<std::string> alt_names;
  bool is_ca = false;
  // Validity, relative to now.
  absl::Duration not_before = -absl::Hours(1);
  absl::Duration not_after = absl::Hours(24);
};

// A certificate for `spec`, signed by `issuer` (self-signed when null). Fails the test (and
// returns empty PEMs) if OpenSSL refuses.
KeyAndCert MakeCert(const CertSpec& spec, const KeyAndCert* issuer = nullptr);

// A CA, a server certificate it signed for 127.0.0.1/localhost, and a client's.
struct TestPki {
  KeyAndCert ca;
  KeyAndCert server;
  KeyAndCert client;
};
TestPki MakePki(const std::string& name);

}  // namespace fanfare::testing

#endif  // FANFARE_TESTS_SUPPORT_TEST_CERTS_H_
