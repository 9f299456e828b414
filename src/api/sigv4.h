// AWS Signature Version 4: verifying requests (signetd) and signing them (the signet CLI).
//
// Both sides build the same canonical request (AWS "Create a canonical request"):
//   METHOD \n canonical URI \n canonical query \n canonical headers \n signed headers \n payload hash
// The canonical URI is the path as sent, dot segments removed and percent-encoded once more,
// except for service "s3", whose path is used as sent. Query parameters are decoded, re-encoded
// with the RFC 3986 unreserved set and sorted. The payload hash is x-amz-content-sha256 when
// present (and must then match the body, unless it is UNSIGNED-PAYLOAD for s3) or SHA-256 of the
// body. Header form (Authorization: AWS4-HMAC-SHA256 …) and presigned query form
// (X-Amz-Signature=…) are both accepted. Signatures are compared in constant time.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/secret_bytes.h"
#include "core/time.h"

namespace signet::api {

// A request as it arrived (or as it is about to be sent).
struct HttpRequestView {
  std::string method;
  std::string raw_path;  // percent-encoded, as on the request line, without the query
  std::string raw_query;  // after '?', as sent; may be empty
  // Header names in any case; repeated headers appear repeatedly.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
};

struct SigV4Identity {
  std::string access_key_id;
  std::string region;
  std::string service;
  Timestamp signed_at;
};

enum class SigV4Error {
  kMissing,       // no Authorization header and no X-Amz-Signature: MissingAuthenticationToken
  kMalformed,     // an Authorization/credential/date that cannot be parsed: IncompleteSignature
  kUnknownKey,    // access key id not known: UnrecognizedClientException
  kBadSignature,  // InvalidSignatureException
  kExpired,       // outside the allowed clock skew / presigned expiry: InvalidSignatureException
};

struct SigV4Result {
  std::optional<SigV4Identity> identity;  // set iff the request verified
  SigV4Error error = SigV4Error::kMissing;
  std::string message;  // AWS-worded, safe to return to the caller
};

// Returns the secret access key of an access key id, or nullopt if it is unknown.
using SecretLookup = std::function<std::optional<SecretBytes>(std::string_view access_key_id)>;

struct SigV4VerifierOptions {
  std::chrono::seconds max_clock_skew{std::chrono::minutes(5)};
};

// Verifies SigV4-signed requests, header and presigned-query forms. Signing keys derived from
// a secret are cached per (access key, date, region, service), in this verifier, and used only
// while the secret is unchanged. Thread-safe.
class SigV4Verifier {
 public:
  explicit SigV4Verifier(SigV4VerifierOptions options = {});
  ~SigV4Verifier();
  SigV4Verifier(const SigV4Verifier&) = delete;
  SigV4Verifier& operator=(const SigV4Verifier&) = delete;

  SigV4Result Verify(const HttpRequestView& request, const SecretLookup& secrets,
                     Timestamp now) const;

 private:
  class KeyCache;
  const SigV4VerifierOptions options_;
  const std::unique_ptr<KeyCache> keys_;
};

// Adds x-amz-date, x-amz-content-sha256 and Authorization headers to `request` (which must
// already carry a Host header), signing every header it has. The payload hash is
// `payload_sha256_hex` when given (a body streamed from elsewhere), else SHA-256 of request.body.
void SignSigV4(HttpRequestView& request, std::string_view access_key_id,
               const SecretBytes& secret_access_key, std::string_view region,
               std::string_view service, Timestamp now,
               std::optional<std::string> payload_sha256_hex = std::nullopt);

// Exposed for tests (AWS's published examples): the pieces of the algorithm.
std::string UriEncode(std::string_view s, bool encode_slash);
std::string CanonicalRequest(const HttpRequestView& request, std::string_view service,
                             const std::vector<std::string>& signed_headers,
                             std::string_view payload_hash);
std::string SigV4SigningKey(const SecretBytes& secret, std::string_view date,
                            std::string_view region, std::string_view service);

}  // namespace signet::api
