#include "accounts/sealed_secret.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/files.h"
#include "base/openssl_ptr.h"
#include "base/sha256.h"

namespace fanfare::accounts {
namespace {

constexpr size_t kNonce = 12;
constexpr size_t kTag = 16;

const uint8_t* Bytes(absl::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// AES-256-GCM under `key` with a random nonce: nonce || ciphertext || tag.
absl::StatusOr<std::string> Encrypt(const uint8_t* key, absl::string_view plaintext,
                                    absl::string_view aad) {
  std::string out(kNonce + plaintext.size() + kTag, '\0');
  auto* p = reinterpret_cast<uint8_t*>(out.data());
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const bool ok =
      ctx != nullptr && RAND_bytes(p, kNonce) == 1 &&
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonce, nullptr) == 1 &&
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key, p) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) ==
          1 &&
      EVP_EncryptUpdate(ctx.get(), p + kNonce, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), p + kNonce + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag,
                          p + kNonce + plaintext.size()) == 1;
  if (!ok) return absl::InternalError("AES-256-GCM encryption failed in OpenSSL");
  return out;
}

// The inverse of Encrypt; DataLoss if the tag does not verify.
absl::StatusOr<std::string> Decrypt(const uint8_t* key, absl::string_view sealed,
                                    absl::string_view aad, absl::string_view what) {
  if (sealed.size() < kNonce + kTag) {
    return absl::DataLossError(absl::StrCat(what, " is too short to be AES-256-GCM output"));
  }
  const absl::string_view nonce = sealed.substr(0, kNonce);
  const absl::string_view body = sealed.substr(kNonce, sealed.size() - kNonce - kTag);
  std::string tag(sealed.substr(sealed.size() - kTag));
  std::string out(body.size(), '\0');
  auto* p = reinterpret_cast<uint8_t*>(out.data());
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const bool ok =
      ctx != nullptr &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonce, nullptr) == 1 &&
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key, Bytes(nonce)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) ==
          1 &&
      EVP_DecryptUpdate(ctx.get(), p, &len, Bytes(body), static_cast<int>(body.size())) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), p + len, &len) == 1;
  if (!ok) {
    OPENSSL_cleanse(out.data(), out.size());
    return absl::DataLossError(
        absl::StrCat(what, " does not decrypt: it was altered, or belongs to another account"));
  }
  return out;
}

// The data key of `sealed`, unwrapped by `master`.
absl::StatusOr<std::string> DataKey(const MasterKey& master, const internal::SealedSecret& sealed,
                                    absl::string_view aad) {
  if (sealed.master_key_id() != master.Id()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the secret was sealed with master key ", sealed.master_key_id(),
                     ", not with the key given (", master.Id(), ")"));
  }
  absl::StatusOr<std::string> key =
      Decrypt(master.data(), sealed.wrapped_key(), aad, "the wrapped data key");
  if (key.ok() && key->size() != MasterKey::kSize) {
    return absl::DataLossError("the wrapped data key has the wrong size");
  }
  return key;
}

// A string that wipes itself.
struct Cleansed {
  std::string bytes;
  ~Cleansed() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

}  // namespace

absl::StatusOr<MasterKey> MasterKey::Generate() {
  MasterKey key;
  if (RAND_bytes(key.bytes_.data(), kSize) != 1) {
    return absl::InternalError("the random source failed");
  }
  return key;
}

absl::StatusOr<MasterKey> MasterKey::FromText(absl::string_view text, absl::string_view source) {
  text = absl::StripAsciiWhitespace(text);
  Cleansed raw;
  const bool hex = text.size() == 2 * kSize &&
                   std::all_of(text.begin(), text.end(), [](char c) {
                     return absl::ascii_isxdigit(c);
                   });
  if (hex) {
    raw.bytes = absl::HexStringToBytes(text);
  } else if (!absl::Base64Unescape(text, &raw.bytes)) {
    raw.bytes.clear();
  }
  if (raw.bytes.size() != kSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, " must hold a 256-bit master key: 64 hex digits or the base64 of 32 bytes "
                "(make one with `openssl rand -hex 32`)"));
  }
  MasterKey key;
  std::copy(raw.bytes.begin(), raw.bytes.end(), key.bytes_.begin());
  return key;
}

absl::StatusOr<MasterKey> MasterKey::FromFile(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    return absl::FailedPreconditionError(absl::StrCat("cannot read the master key file ", path));
  }
  if ((info.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("the master key file ", path, " is readable by others: chmod 600 it"));
  }
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  Cleansed contents{*std::move(text)};
  return FromText(contents.bytes, path);
}

std::string MasterKey::ToHex() const {
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes_.data()), kSize));
}

std::string MasterKey::Id() const {
  Cleansed input{absl::StrCat("fanfare master key id:",
                              absl::string_view(reinterpret_cast<const char*>(bytes_.data()),
                                                kSize))};
  return Sha256Hex(input.bytes).substr(0, 16);
}

absl::StatusOr<internal::SealedSecret> Seal(const MasterKey& master, absl::string_view plaintext,
                                            absl::string_view associated_data) {
  Cleansed data_key{std::string(MasterKey::kSize, '\0')};
  if (RAND_bytes(reinterpret_cast<uint8_t*>(data_key.bytes.data()), MasterKey::kSize) != 1) {
    return absl::InternalError("the random source failed");
  }
  absl::StatusOr<std::string> ciphertext =
      Encrypt(Bytes(data_key.bytes), plaintext, associated_data);
  if (!ciphertext.ok()) return ciphertext.status();
  absl::StatusOr<std::string> wrapped = Encrypt(master.data(), data_key.bytes, associated_data);
  if (!wrapped.ok()) return wrapped.status();
  internal::SealedSecret sealed;
  sealed.set_master_key_id(master.Id());
  sealed.set_wrapped_key(*std::move(wrapped));
  sealed.set_ciphertext(*std::move(ciphertext));
  return sealed;
}

absl::StatusOr<std::string> Unseal(const MasterKey& master, const internal::SealedSecret& sealed,
                                   absl::string_view associated_data) {
  absl::StatusOr<std::string> key = DataKey(master, sealed, associated_data);
  if (!key.ok()) return key.status();
  Cleansed data_key{*std::move(key)};
  return Decrypt(Bytes(data_key.bytes), sealed.ciphertext(), associated_data, "the secret");
}

absl::StatusOr<internal::SealedSecret> Rewrap(const MasterKey& from, const MasterKey& to,
                                              const internal::SealedSecret& sealed,
                                              absl::string_view associated_data) {
  absl::StatusOr<std::string> key = DataKey(from, sealed, associated_data);
  if (!key.ok()) return key.status();
  Cleansed data_key{*std::move(key)};
  absl::StatusOr<std::string> wrapped = Encrypt(to.data(), data_key.bytes, associated_data);
  if (!wrapped.ok()) return wrapped.status();
  internal::SealedSecret rewrapped = sealed;
  rewrapped.set_master_key_id(to.Id());
  rewrapped.set_wrapped_key(*std::move(wrapped));
  return rewrapped;
}

}  // namespace fanfare::accounts
