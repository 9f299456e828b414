// What crypto/ needs to know about an EVP_PKEY: which of the six supported key types it is, and
// how to set up a signing or verifying context for that type's one algorithm.
// Internal to crypto/.
#pragma once

#include <openssl/types.h>

#include <cstddef>

#include "core/status.h"
#include "crypto/signature_algorithm.h"

namespace signet::crypto {

// The KeyType of `pkey`, or InvalidArgument "unsupported key: RSA 1024 bits (...)" for anything
// else (other sizes and curves, explicit curve parameters, Ed25519, DSA, ...).
Result<KeyType> ClassifyKey(EVP_PKEY* pkey);

// Bytes of one ECDSA scalar (R or S) for an EC key type: 32, 48, 66; 0 for RSA.
size_t EcdsaScalarSize(KeyType type);

// Sets the digest (and for RSA, PSS padding with MGF1 = digest and salt = digest length) on a
// context initialised with EVP_PKEY_sign_init or EVP_PKEY_verify_init.
Status ConfigureSignatureContext(EVP_PKEY_CTX* ctx, KeyType type);

}  // namespace signet::crypto
