// Secrets encrypted at rest: network accounts' tokens and client secrets.
//
// Envelope encryption with AES-256-GCM (OpenSSL EVP). Each secret gets a data key of its own
// (256 random bits) that encrypts it; the master key encrypts ("wraps") the data key. Both
// encryptions are bound to the same associated data — the account's namespace, alias and
// record version — so a ciphertext copied to another account, or an old version replayed,
// fails to open. Rotating the master key re-wraps the data keys (Rewrap) without touching
// the secrets' ciphertexts.
//
//   ASSIGN_OR_RETURN(MasterKey master, MasterKey::FromFile("/etc/fanfare/master.key"));
//   ASSIGN_OR_RETURN(internal::SealedSecret sealed, Seal(master, tokens_json, aad));
//   ASSIGN_OR_RETURN(std::string tokens_json, Unseal(master, sealed, aad));
//
// Thread-safe: pure functions over values; a MasterKey is immutable.
#ifndef FANFARE_ACCOUNTS_SEALED_SECRET_H_
#define FANFARE_ACCOUNTS_SEALED_SECRET_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fanfare/internal/records.pb.h"

namespace fanfare::accounts {

class MasterKey {
 public:
  static constexpr size_t kSize = 32;

  // 32 random bytes from the operating system (OpenSSL's RAND_bytes).
  static absl::StatusOr<MasterKey> Generate();
  // From text: 64 hex digits, or the standard base64 of 32 bytes; surrounding whitespace is
  // ignored. InvalidArgument naming `source` (a file or a variable) otherwise.
  static absl::StatusOr<MasterKey> FromText(absl::string_view text, absl::string_view source);
  // From a file readable by its owner alone (mode 0600 or 0400): FailedPrecondition naming
  // the file if it is missing, unreadable or readable by others.
  static absl::StatusOr<MasterKey> FromFile(const std::string& path);

  // The key as 64 hex digits, for writing a new key file. Never log it.
  std::string ToHex() const;
  // A fingerprint that tells keys apart without revealing them (16 hex digits).
  std::string Id() const;
  const uint8_t* data() const { return bytes_.data(); }

 private:
  MasterKey() = default;
  std::array<uint8_t, kSize> bytes_{};
};

// Encrypts `plaintext` under a new data key wrapped by `master`, bound to
// `associated_data`. Internal only if OpenSSL fails.
absl::StatusOr<internal::SealedSecret> Seal(const MasterKey& master, absl::string_view plaintext,
                                            absl::string_view associated_data);

// Decrypts what Seal made. FailedPrecondition if `master` is not the key that sealed it
// (naming both fingerprints); DataLoss if the ciphertext, the wrapped key or the associated
// data differ from what was sealed (tampered with, or moved to another account).
absl::StatusOr<std::string> Unseal(const MasterKey& master, const internal::SealedSecret& sealed,
                                   absl::string_view associated_data);

// The same secret with its data key wrapped by `to` instead of `from`; the ciphertext is
// unchanged. Fails as Unseal does.
absl::StatusOr<internal::SealedSecret> Rewrap(const MasterKey& from, const MasterKey& to,
                                              const internal::SealedSecret& sealed,
                                              absl::string_view associated_data);

}  // namespace fanfare::accounts

#endif  // FANFARE_ACCOUNTS_SEALED_SECRET_H_
