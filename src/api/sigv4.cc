#include "api/sigv4.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <unordered_map>

#include "core/encoding.h"
#include "crypto/digest.h"
#include "crypto/hmac.h"

namespace signet::api {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

// HTTP header names and hex signatures are ASCII: lower-casing is the ASCII mapping, whatever
// the process locale.
char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

// Whether `name` lower-cased is `lower_name`, without building the lower-cased copy.
bool EqualsLowered(std::string_view name, std::string_view lower_name) {
  if (name.size() != lower_name.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (AsciiLower(name[i]) != lower_name[i]) return false;
  }
  return true;
}

// Appends `s` trimmed, its runs of whitespace collapsed to one space (AWS canonical header
// values): its words, one append each, separated by single spaces.
void AppendTrimmed(std::string& out, std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  bool first = true;
  for (size_t i = 0;;) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i == s.size()) return;
    const size_t word = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    if (!first) out += ' ';
    out.append(s.substr(word, i - word));
    first = false;
  }
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() &&
        std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      auto decoded = HexDecode(s.substr(i + 1, 2));
      out += (*decoded)[0];
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// botocore's remove_dot_segments: drops "." and empty segments, resolves "..".
std::string NormalizePath(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view seg = path.substr(start, slash - start);
    if (!seg.empty() && seg != ".") {
      if (seg == "..") {
        if (!out.empty()) out.pop_back();
      } else {
        out.push_back(seg);
      }
    }
    start = slash + 1;
  }
  std::string result = path.front() == '/' ? "/" : "";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i) result += '/';
    result += out[i];
  }
  if (path.back() == '/' && !out.empty()) result += '/';
  return result.empty() ? "/" : result;
}

using Params = std::vector<std::pair<std::string, std::string>>;

Params ParseQuery(std::string_view raw) {
  Params params;
  size_t start = 0;
  while (start < raw.size()) {
    size_t amp = raw.find('&', start);
    if (amp == std::string_view::npos) amp = raw.size();
    std::string_view pair = raw.substr(start, amp - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      params.emplace_back(PercentDecode(pair.substr(0, eq)),
                          eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1)));
    }
    start = amp + 1;
  }
  return params;
}

std::string CanonicalQuery(const Params& params, bool drop_signature) {
  std::vector<std::pair<std::string, std::string>> encoded;
  for (const auto& [k, v] : params) {
    if (drop_signature && k == "X-Amz-Signature") continue;
    encoded.emplace_back(UriEncode(k, true), UriEncode(v, true));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

// Appends the canonical value of header `lower_name` (its values trimmed, joined by ",") to
// `out`; false, appending nothing, if the request has no such header.
bool AppendHeaderValue(std::string& out, const HttpRequestView& r, std::string_view lower_name) {
  bool found = false;
  for (const auto& [name, v] : r.headers) {
    if (!EqualsLowered(name, lower_name)) continue;
    if (found) out += ',';
    found = true;
    AppendTrimmed(out, v);
  }
  return found;
}

std::optional<std::string> HeaderValue(const HttpRequestView& r, std::string_view lower_name) {
  std::string value;
  if (!AppendHeaderValue(value, r, lower_name)) return std::nullopt;
  return value;
}

std::optional<std::string> QueryValue(const Params& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return std::nullopt;
}

// The pieces of `s` between `sep`s, as views into `s`.
std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

// "20261126T220000Z"
std::optional<Timestamp> ParseAmzDate(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  std::string rfc;
  rfc.reserve(20);
  rfc.append(s.substr(0, 4)).append(1, '-').append(s.substr(4, 2)).append(1, '-');
  rfc.append(s.substr(6, 2)).append(1, 'T').append(s.substr(9, 2)).append(1, ':');
  rfc.append(s.substr(11, 2)).append(1, ':').append(s.substr(13, 2)).append(1, 'Z');
  auto t = ParseRfc3339(rfc);
  if (!t.ok()) return std::nullopt;
  return *t;
}

std::string FormatAmzDate(Timestamp t) {
  std::string r = FormatRfc3339(t);  // YYYY-MM-DDTHH:MM:SSZ
  std::string out;
  for (char c : r) {
    if (c != '-' && c != ':') out += c;
  }
  return out;
}

SigV4Result Fail(SigV4Error e, std::string message) {
  SigV4Result r;
  r.error = e;
  r.message = std::move(message);
  return r;
}

constexpr std::string_view kMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";

}  // namespace

std::string UriEncode(std::string_view s, bool encode_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encode_slash)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string CanonicalRequest(const HttpRequestView& request, std::string_view service,
                             const std::vector<std::string>& signed_headers,
                             std::string_view payload_hash) {
  const std::string path = request.raw_path.empty() ? "/" : request.raw_path;
  const std::string uri = service == "s3" ? path : UriEncode(NormalizePath(path), false);
  const std::string query = CanonicalQuery(ParseQuery(request.raw_query), true);
  std::string out;
  out.reserve(512);
  out.append(request.method).append(1, '\n').append(uri).append(1, '\n').append(query);
  out += '\n';
  for (const std::string& h : signed_headers) {
    out.append(h).append(1, ':');
    AppendHeaderValue(out, request, h);
    out += '\n';
  }
  out += '\n';
  for (size_t i = 0; i < signed_headers.size(); ++i) {
    if (i > 0) out += ';';
    out += signed_headers[i];
  }
  out.append(1, '\n').append(payload_hash);
  return out;
}

std::string SigV4SigningKey(const SecretBytes& secret, std::string_view date,
                            std::string_view region, std::string_view service) {
  std::string k = crypto::HmacSha256("AWS4" + std::string(secret.reveal()), date);
  k = crypto::HmacSha256(k, region);
  k = crypto::HmacSha256(k, service);
  return crypto::HmacSha256(k, "aws4_request");
}

// The verifier's signing keys by (access key id, date, region, service): a key serves every
// request of its credential scope for a day, so deriving it (four HMACs) per request is waste.
// An entry answers only for the very secret it was derived from, so a rotated secret misses.
// Keys are SecretBytes (wiped when dropped); the cache empties itself when it grows past
// kMaxEntries (the dates roll over; the set of keys in use is small).
class SigV4Verifier::KeyCache {
 public:
  SecretBytes Get(std::string_view access_key_id, const SecretBytes& secret,
                  std::string_view date, std::string_view region, std::string_view service) {
    std::string id;
    id.reserve(access_key_id.size() + date.size() + region.size() + service.size() + 3);
    id.append(access_key_id).append(1, '\n').append(date).append(1, '\n').append(region)
        .append(1, '\n').append(service);
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = entries_.find(id);
      if (it != entries_.end() && it->second.secret == secret) return it->second.key;
    }
    SecretBytes key(SigV4SigningKey(secret, date, region, service));
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() >= kMaxEntries) entries_.clear();
    entries_.insert_or_assign(std::move(id), Entry{secret, key});
    return key;
  }

 private:
  static constexpr size_t kMaxEntries = 1024;
  struct Entry {
    SecretBytes secret;
    SecretBytes key;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

SigV4Verifier::SigV4Verifier(SigV4VerifierOptions options)
    : options_(options), keys_(std::make_unique<KeyCache>()) {}

SigV4Verifier::~SigV4Verifier() = default;

SigV4Result SigV4Verifier::Verify(const HttpRequestView& request, const SecretLookup& secrets,
                                  Timestamp now) const {
  const Params params = ParseQuery(request.raw_query);
  const std::optional<std::string> authorization = HeaderValue(request, "authorization");
  const bool presigned = !authorization && QueryValue(params, "X-Amz-Signature").has_value();
  if (!authorization && !presigned) return Fail(SigV4Error::kMissing, "Missing Authentication Token");

  std::string credential, signed_headers_text, signature, amz_date;
  std::optional<std::chrono::seconds> expires;
  if (presigned) {
    if (QueryValue(params, "X-Amz-Algorithm").value_or("") != kAlgorithm) {
      return Fail(SigV4Error::kMalformed, "X-Amz-Algorithm must be AWS4-HMAC-SHA256");
    }
    credential = QueryValue(params, "X-Amz-Credential").value_or("");
    signed_headers_text = QueryValue(params, "X-Amz-SignedHeaders").value_or("");
    signature = QueryValue(params, "X-Amz-Signature").value_or("");
    amz_date = QueryValue(params, "X-Amz-Date").value_or("");
    const std::string e = QueryValue(params, "X-Amz-Expires").value_or("");
    if (e.empty() || e.size() > 6 || !std::all_of(e.begin(), e.end(), ::isdigit) ||
        std::stol(e) < 1 || std::stol(e) > 604800) {
      return Fail(SigV4Error::kMalformed, "X-Amz-Expires must be between 1 and 604800 seconds");
    }
    expires = std::chrono::seconds(std::stol(e));
  } else {
    std::string_view a = *authorization;
    if (a.substr(0, kAlgorithm.size()) != kAlgorithm || a.size() == kAlgorithm.size() ||
        a[kAlgorithm.size()] != ' ') {
      return Fail(SigV4Error::kMalformed,
                  "Authorization header requires the AWS4-HMAC-SHA256 algorithm");
    }
    // HeaderValue has trimmed the header and collapsed its whitespace runs to single spaces,
    // so trimming a part is dropping a space at either end.
    for (std::string_view part : Split(a.substr(kAlgorithm.size() + 1), ',')) {
      if (part.starts_with(' ')) part.remove_prefix(1);
      if (part.ends_with(' ')) part.remove_suffix(1);
      const size_t eq = part.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string_view key = part.substr(0, eq), value = part.substr(eq + 1);
      if (key == "Credential") credential = value;
      if (key == "SignedHeaders") signed_headers_text = value;
      if (key == "Signature") signature = value;
    }
    amz_date = HeaderValue(request, "x-amz-date").value_or("");
  }
  if (credential.empty() || signed_headers_text.empty() || signature.empty()) {
    return Fail(SigV4Error::kMalformed,
                "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'");
  }
  const std::vector<std::string_view> scope = Split(credential, '/');
  if (scope.size() != 5 || scope[4] != "aws4_request" || scope[0].empty()) {
    return Fail(SigV4Error::kMalformed,
                "Credential should be scoped to a valid region, e.g. AKID/20261126/us-east-1/signer/aws4_request");
  }
  const std::optional<Timestamp> signed_at = ParseAmzDate(amz_date);
  if (!signed_at) {
    return Fail(SigV4Error::kMalformed, "X-Amz-Date must be in the form YYYYMMDD'T'HHMMSS'Z'");
  }
  if (amz_date.substr(0, 8) != scope[1]) {
    return Fail(SigV4Error::kBadSignature, "Date in Credential scope does not match X-Amz-Date");
  }
  const std::vector<std::string_view> signed_header_names = Split(signed_headers_text, ';');
  std::vector<std::string> signed_headers(signed_header_names.begin(), signed_header_names.end());
  if (!std::is_sorted(signed_headers.begin(), signed_headers.end()) ||
      std::find(signed_headers.begin(), signed_headers.end(), "host") == signed_headers.end()) {
    return Fail(SigV4Error::kBadSignature, "SignedHeaders must be sorted and include host");
  }

  // Time window: the signature is valid within the clock skew (or until a presigned URL expires).
  const std::chrono::seconds skew = options_.max_clock_skew;
  if (presigned) {
    if (now > *signed_at + *expires) {
      return Fail(SigV4Error::kExpired, "Request has expired");
    }
    if (*signed_at > now + skew) {
      return Fail(SigV4Error::kExpired, "Request is not yet valid");
    }
  } else if (*signed_at + skew < now || *signed_at > now + skew) {
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(skew);
    const bool late = *signed_at < now;
    return Fail(SigV4Error::kExpired,
                std::string("Signature ") + (late ? "expired: " : "not yet current: ") + amz_date +
                    (late ? " is now earlier than " : " is still later than ") +
                    FormatAmzDate(late ? now - skew : now + skew) +
                    " (" + FormatAmzDate(now) + (late ? " - " : " + ") +
                    std::to_string(minutes.count()) + " min.)");
  }

  const std::string_view service = scope[3];
  std::string payload_hash;
  if (std::optional<std::string> declared = HeaderValue(request, "x-amz-content-sha256")) {
    // S3 lets the client leave the body unsigned, or stream it in aws-chunked encoding, whose
    // framing and trailing checksum the S3 endpoint checks itself.
    const bool s3_unhashed =
        service == "s3" && (*declared == kUnsignedPayload || declared->rfind("STREAMING-", 0) == 0);
    if (!s3_unhashed && *declared != HexEncode(crypto::Sha256(request.body))) {
      return Fail(SigV4Error::kBadSignature,
                  "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    payload_hash = *declared;
  } else {
    payload_hash = presigned && service == "s3" ? std::string(kUnsignedPayload)
                                                : HexEncode(crypto::Sha256(request.body));
  }

  const std::optional<SecretBytes> secret = secrets(scope[0]);
  if (!secret) {
    return Fail(SigV4Error::kUnknownKey, "The security token included in the request is invalid.");
  }
  const std::string canonical = CanonicalRequest(request, service, signed_headers, payload_hash);
  // kAlgorithm \n amz_date \n date/region/service/aws4_request \n hex SHA-256 of the canonical
  std::string string_to_sign;
  string_to_sign.reserve(kAlgorithm.size() + amz_date.size() + credential.size() + 68);
  string_to_sign.append(kAlgorithm).append(1, '\n').append(amz_date).append(1, '\n');
  string_to_sign.append(scope[1]).append(1, '/').append(scope[2]).append(1, '/');
  string_to_sign.append(scope[3]).append("/aws4_request\n");
  string_to_sign.append(HexEncode(crypto::Sha256(canonical)));
  const SecretBytes key = keys_->Get(scope[0], *secret, scope[1], scope[2], service);
  const std::string expected = HexEncode(crypto::HmacSha256(key.reveal(), string_to_sign));
  if (!ConstantTimeEquals(expected, Lower(signature))) {
    return Fail(SigV4Error::kBadSignature, std::string(kMismatch));
  }
  SigV4Result ok;
  ok.identity =
      SigV4Identity{std::string(scope[0]), std::string(scope[2]), std::string(service), *signed_at};
  return ok;
}

void SignSigV4(HttpRequestView& request, std::string_view access_key_id,
               const SecretBytes& secret_access_key, std::string_view region,
               std::string_view service, Timestamp now,
               std::optional<std::string> payload_sha256_hex) {
  const std::string amz_date = FormatAmzDate(now);
  const std::string date = amz_date.substr(0, 8);
  const std::string payload_hash =
      payload_sha256_hex ? std::move(*payload_sha256_hex) : HexEncode(crypto::Sha256(request.body));
  request.headers.emplace_back("x-amz-date", amz_date);
  request.headers.emplace_back("x-amz-content-sha256", payload_hash);
  std::vector<std::string> names;
  for (const auto& [name, value] : request.headers) names.push_back(Lower(name));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  const std::string canonical = CanonicalRequest(request, service, names, payload_hash);
  const std::string scope = date + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  const std::string string_to_sign = std::string(kAlgorithm) + "\n" + amz_date + "\n" + scope +
                                     "\n" + HexEncode(crypto::Sha256(canonical));
  const std::string signature = HexEncode(crypto::HmacSha256(
      SigV4SigningKey(secret_access_key, date, region, service), string_to_sign));
  std::string signed_names;
  for (const std::string& n : names) signed_names += (signed_names.empty() ? "" : ";") + n;
  request.headers.emplace_back("Authorization", std::string(kAlgorithm) + " Credential=" +
                                                    std::string(access_key_id) + "/" + scope +
                                                    ", SignedHeaders=" + signed_names +
                                                    ", Signature=" + signature);
}

}  // namespace signet::api
