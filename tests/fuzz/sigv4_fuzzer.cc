// Fuzzes api::SigV4Verifier::Verify, the first code every API request meets, before any
// authentication.
//
// Input format (what the seed corpus uses), an HTTP/1.1 request head in text:
//   METHOD SP TARGET [SP VERSION] LF       TARGET = raw path ["?" raw query]
//   (NAME ":" VALUE LF)*                   lines without ":" are skipped; CR before LF dropped
//   LF BODY                                everything after the first empty line
// The request is verified at 2015-08-30T12:36:00Z against one key, AKIDEXAMPLE with the secret
// of AWS's SigV4 test suite, so the suite's requests verify.
//
// Invariants: a verified request names that key and a time inside the allowed window; a refused
// one says why; and the same request, stripped of its signature and signed afresh with
// SignSigV4 (header names permitting), verifies for services "signer" and "s3".
#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>

#include "api/sigv4.h"
#include "fuzz_check.h"

namespace {

using signet::SecretBytes;
using signet::api::HttpRequestView;

// One verifier for the run, as signetd has (its signing-key cache included).
const signet::api::SigV4Verifier& Verifier() {
  static const signet::api::SigV4Verifier verifier;
  return verifier;
}

constexpr std::string_view kAccessKeyId = "AKIDEXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

signet::Timestamp Now() { return signet::ParseRfc3339("2015-08-30T12:36:00Z").value(); }

std::optional<SecretBytes> Lookup(std::string_view access_key_id) {
  if (access_key_id == kAccessKeyId) return SecretBytes(std::string(kSecret));
  return std::nullopt;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// RFC 9110 token characters: what a header name can be, so the name can sit in SignedHeaders.
bool IsToken(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

HttpRequestView ParseRequest(std::string_view input) {
  HttpRequestView request;
  size_t head_end = input.find("\n\n");
  size_t body_start = head_end == std::string_view::npos ? input.size() : head_end + 2;
  if (const size_t crlf = input.find("\r\n\r\n");
      crlf != std::string_view::npos && crlf < head_end) {
    head_end = crlf;
    body_start = crlf + 4;
  }
  const std::string_view head = input.substr(0, std::min(head_end, input.size()));
  request.body = input.substr(std::min(body_start, input.size()));

  size_t pos = 0;
  bool first = true;
  while (pos < head.size()) {
    size_t eol = head.find('\n', pos);
    if (eol == std::string_view::npos) eol = head.size();
    std::string_view line = head.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first) {
      first = false;
      const size_t space = line.find(' ');
      request.method = std::string(line.substr(0, space));
      if (space == std::string_view::npos) continue;
      std::string_view target = line.substr(space + 1);
      target = target.substr(0, target.find(' '));
      const size_t question = target.find('?');
      request.raw_path = std::string(target.substr(0, question));
      if (question != std::string_view::npos) request.raw_query = target.substr(question + 1);
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    request.headers.emplace_back(std::string(line.substr(0, colon)),
                                 std::string(line.substr(colon + 1)));
  }
  return request;
}

// The request without its header-form signature, signed again by SignSigV4.
void CheckSignThenVerify(const HttpRequestView& received, std::string_view service) {
  HttpRequestView request = received;
  std::erase_if(request.headers, [](const auto& header) {
    const std::string name = Lower(header.first);
    return name == "authorization" || name == "x-amz-date" || name == "x-amz-content-sha256";
  });
  for (const auto& [name, value] : request.headers) {
    if (!IsToken(name)) return;
  }
  if (std::none_of(request.headers.begin(), request.headers.end(),
                   [](const auto& header) { return Lower(header.first) == "host"; })) {
    request.headers.emplace_back("Host", "example.amazonaws.com");
  }
  signet::api::SignSigV4(request, kAccessKeyId, SecretBytes(std::string(kSecret)), "us-east-1",
                         service, Now());
  const signet::api::SigV4Result result = Verifier().Verify(request, Lookup, Now());
  if (!result.identity) {
    std::fprintf(stderr, "re-signed request refused: %s\n", result.message.c_str());
  }
  SIGNET_FUZZ_CHECK(result.identity.has_value());
  SIGNET_FUZZ_CHECK(result.identity->service == service);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const HttpRequestView request = ParseRequest(signet::fuzz::AsBytes(data, size));
  const signet::api::SigV4Result result = Verifier().Verify(request, Lookup, Now());
  if (result.identity) {
    SIGNET_FUZZ_CHECK(result.identity->access_key_id == kAccessKeyId);
    SIGNET_FUZZ_CHECK(result.identity->signed_at <= Now() + std::chrono::minutes(5));
  } else {
    SIGNET_FUZZ_CHECK(!result.message.empty());
  }
  CheckSignThenVerify(request, "signer");
  CheckSignThenVerify(request, "s3");
  return 0;
}
