// AES-256-GCM authenticated encryption for secrets at rest.
//
// Sealed form: 12-byte random nonce ‖ ciphertext ‖ 16-byte tag. `aad` binds the ciphertext to
// its context (e.g. the key id), so a sealed blob cannot be moved to another record.
#pragma once

#include <string>
#include <string_view>

#include "core/secret_bytes.h"
#include "core/status.h"

namespace signet::crypto {

inline constexpr size_t kAesGcmKeySize = 32;

Result<std::string> AesGcmSeal(const SecretBytes& key, const SecretBytes& plaintext,
                               std::string_view aad);
// FailedPrecondition "decryption failed (wrong master key or tampered data)" on a bad tag.
Result<SecretBytes> AesGcmOpen(const SecretBytes& key, std::string_view sealed,
                               std::string_view aad);

}  // namespace signet::crypto
