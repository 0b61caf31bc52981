#include "tests/support/test_certs.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "absl/strings/str_join.h"
#include "base/openssl_ptr.h"
#include "gtest/gtest.h"

namespace fanfare::testing {
namespace {

using Cert = X509Ptr;
using Bio = BioPtr;

std::string ToPem(const std::function<int(BIO*)>& write) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (write(bio.get()) != 1) return "";
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

EvpPkeyPtr ReadKey(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return EvpPkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

Cert ReadCert(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

bool AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  if (extension == nullptr) return false;
  const bool added = X509_add_ext(cert, extension, -1) == 1;
  X509_EXTENSION_free(extension);
  return added;
}

}  // namespace

KeyAndCert MakeCert(const CertSpec& spec, const KeyAndCert* issuer) {
  static long serial = 1;
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  Cert cert(X509_new());
  if (key == nullptr || cert == nullptr) {
    ADD_FAILURE() << "OpenSSL could not make a key";
    return {};
  }
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), absl::ToInt64Seconds(spec.not_before));
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), absl::ToInt64Seconds(spec.not_after));
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1,
                             -1, 0);
  Cert issuer_cert = issuer == nullptr ? nullptr : ReadCert(issuer->cert_pem);
  EvpPkeyPtr issuer_key = issuer == nullptr ? nullptr : ReadKey(issuer->key_pem);
  X509* signer = issuer_cert != nullptr ? issuer_cert.get() : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  bool ok = AddExtension(cert.get(), signer, NID_basic_constraints,
                         spec.is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE") &&
            AddExtension(cert.get(), signer, NID_key_usage,
                         spec.is_ca ? "critical,keyCertSign,cRLSign"
                                    : "critical,digitalSignature,keyAgreement") &&
            AddExtension(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (!spec.is_ca) {
    ok = ok && AddExtension(cert.get(), signer, NID_ext_key_usage, "serverAuth,clientAuth");
  }
  if (!spec.alt_names.empty()) {
    ok = ok && AddExtension(cert.get(), signer, NID_subject_alt_name,
                            absl::StrJoin(spec.alt_names, ","));
  }
  EVP_PKEY* signing_key = issuer_key != nullptr ? issuer_key.get() : key.get();
  if (!ok || X509_sign(cert.get(), signing_key, EVP_sha256()) == 0) {
    ADD_FAILURE() << "OpenSSL could not make the certificate for " << spec.common_name;
    return {};
  }
  KeyAndCert out;
  out.key_pem = ToPem([&](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  out.cert_pem = ToPem([&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); });
  return out;
}

TestPki MakePki(const std::string& name) {
  TestPki pki;
  pki.ca = MakeCert({.common_name = name + " CA", .is_ca = true});
  pki.server = MakeCert(
      {.common_name = "fanfared", .alt_names = {"IP:127.0.0.1", "DNS:localhost"}}, &pki.ca);
  pki.client = MakeCert(
      {.common_name = "client", .alt_names = {"URI:spiffe://fanfare/ns/acme/worker/meta-1"}},
      &pki.ca);
  return pki;
}

}  // namespace fanfare::testing
