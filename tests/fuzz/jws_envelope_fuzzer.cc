// Fuzzes notary::ParseJwsEnvelope (every JWS envelope signet reads: ZIP comments, OCI referrers,
// plugin requests).
//
// Each input runs twice: as a whole envelope, and as the *decoded protected header* of an
// envelope built around it (a fixed RSA 3072 certificate from notation-go's test vectors, a
// fixed payload and signature). The second form lets the fuzzer reach the protected-header
// checks, which sit behind base64url in a whole envelope; seeds of both kinds are in the corpus.
//
// Invariants: a parsed envelope satisfies CheckEnvelopeContent; signed_bytes is the two
// base64url texts joined by "." and its second half decodes to the payload; and the envelope
// written back from the parsed content (canonical member names and order) parses to the same
// content.
#include <nlohmann/json.hpp>
#include <string>

#include "core/encoding.h"
#include "envelope_checks.h"
#include "notary/jws_envelope.h"

namespace {

using signet::Result;
using signet::notary::EnvelopeContent;

// x5c[0] of notation-go internal/mock/testdata/ca_valid_sig_env.json ("Notation Test Root",
// RSA 3072, so "alg" must be PS384).
constexpr const char* kLeafCertificateBase64 =
    "MIIEWDCCAsCgAwIBAgIBAjANBgkqhkiG9w0BAQsFADBaMQswCQYDVQQGEwJVUzELMAkGA1UECBMCV0ExEDAOBgNVBAcT"
    "B1NlYXR0bGUxDzANBgNVBAoTBk5vdGFyeTEbMBkGA1UEAxMSTm90YXRpb24gVGVzdCBSb290MCAXDTIwMTAwOTA3MDAw"
    "MFoYDzIxMjIwODA2MjAzODQ1WjBaMQswCQYDVQQGEwJVUzELMAkGA1UECBMCV0ExEDAOBgNVBAcTB1NlYXR0bGUxDzAN"
    "BgNVBAoTBk5vdGFyeTEbMBkGA1UEAxMSTm90YXRpb24gVGVzdCBSb290MIIBojANBgkqhkiG9w0BAQEFAAOCAY8AMIIB"
    "igKCAYEAwE8YkFUAA0R7aUkRYxHKYoVbFPx9xhuNovLKDy72/7X0+j4XdGP4C0aAX2KLfgy9OR1RIUwtpMyI7k7ZFRd+"
    "ljcMW/FgbirfhkY/8axjamOYMBO0Qg+w93oaI6HA1gvZ/WZem4PHu68LlZhLQ2BrQwCz/F/3Ft0IZ2S1aF6N6vajx2le"
    "8xTI5hQS+UZFPQGrBUqrjcYc6GkL8XqL+rLGZaKGfh3c7bF9cEbA1H2Tm6MDFnfoFemerbP3v19JoUH+EtOnvYmNZWEU"
    "51RaLsNGkC3E/unXAnIfXrNxHDcbehyfa5y3AT10Shiron6O4Bc9S0MvwtXyLT6qein3Nh0VKBFUMSdthu5ZrSR28T9w"
    "DWHMXngpa115VjHOQDY3gDPwfzZ0xitN3NpMnivxculGUCkEQpst957tqQNJpS/zipI5Mtej0YOAhVKGQMjDIJekZ2DX"
    "DNd1X3xfahrR5VEQF0gnRFhA3vhycDqFj4E6Hoc5y3SxnFqrhX3w2wyFt/xRAgMBAAGjJzAlMA4GA1UdDwEB/wQEAwIH"
    "gDATBgNVHSUEDDAKBggrBgEFBQcDAzANBgkqhkiG9w0BAQsFAAOCAYEAAdONCAJxdB7H0uFDw6H+8Z5MtoRdJe6ZhlM2"
    "O5WMzkC1DLSyrF7arPnUMTeSyNS2Fx1BU38n5R1wvdgSfWtjm7o2ZyR8JQ+AngPklUCTNeL18kxNNXpmjDuMvsRlfHcr"
    "5hherjiQ49jWlpFqGRrNtZQWiVEI0r9Qz8DtZTw3GYF4MSuotA6wuUjolI1V2oMn/gdt8FFo0XUTDyiA12qpZzkUHY1r"
    "g3zJxKq3pIk04E7k6rFakHyZL91ipV2UeSbNq9vwLL7cglfPJ8+J+9AKvIPDstDF5k0ivUCYH5fIFZBGoceLiNfHSMcq"
    "A/qWfErqLBWAkACRUNyCWpAEv3DfDRbTHId0n6QQwOXj5d9YnDrmOLvQcn/sa+ZBfFMK7RdG9uVwMRyo+sRUnxo+v2lc"
    "vYwWymL7ONQqVWZbTJCxuG90Unxa3cQHZiKB5mgKweMft+vp6C3IQFhFfP8j1kvRTJq8ZqSEBADppUuBZJ1KWalwauK0"
    "AE4jpHlE0KsYDXiP";

constexpr const char* kPayloadBase64Url =
    "eyJ0YXJnZXRBcnRpZmFjdCI6eyJkaWdlc3QiOiJzaGEyNTY6YWJjIiwibWVkaWFUeXBlIjoiYXBwbGljYXRp"
    "b24vemlwIiwic2l6ZSI6MX19";

std::string Dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

void CheckParsed(const EnvelopeContent& content) {
  signet::fuzz::CheckEnvelopeContent(content, signet::notary::kJwsMediaType);

  const size_t dot = content.signed_bytes.find('.');
  SIGNET_FUZZ_CHECK(dot != std::string::npos);
  SIGNET_FUZZ_CHECK(content.signed_bytes.find('.', dot + 1) == std::string::npos);
  const std::string protected_b64 = content.signed_bytes.substr(0, dot);
  const std::string payload_b64 = content.signed_bytes.substr(dot + 1);
  Result<std::string> payload = signet::Base64UrlDecode(payload_b64);
  SIGNET_FUZZ_CHECK(payload.ok() && *payload == content.payload);
  SIGNET_FUZZ_CHECK(signet::Base64UrlDecode(protected_b64).ok());

  nlohmann::json x5c = nlohmann::json::array();
  for (const auto& certificate : content.certificate_chain) {
    x5c.push_back(signet::Base64Encode(certificate.der()));
  }
  nlohmann::json header = {{"x5c", x5c}};
  if (!content.unsigned_attributes.signing_agent.empty()) {
    header[std::string(signet::notary::kHeaderSigningAgent)] =
        content.unsigned_attributes.signing_agent;
  }
  if (!content.unsigned_attributes.timestamp_token.empty()) {
    header[std::string(signet::notary::kHeaderTimestampSignature)] =
        signet::Base64Encode(content.unsigned_attributes.timestamp_token);
  }
  const nlohmann::json envelope = {{"header", header},
                                   {"payload", payload_b64},
                                   {"protected", protected_b64},
                                   {"signature", signet::Base64UrlEncode(content.signature)}};
  Result<EnvelopeContent> again = signet::notary::ParseJwsEnvelope(Dump(envelope));
  SIGNET_FUZZ_CHECK(again.ok());
  SIGNET_FUZZ_CHECK(signet::fuzz::SameEnvelopeContent(*again, content));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = signet::fuzz::AsBytes(data, size);

  if (Result<EnvelopeContent> content = signet::notary::ParseJwsEnvelope(input); content.ok()) {
    CheckParsed(*content);
  }

  const nlohmann::json wrapped = {{"header", {{"x5c", {kLeafCertificateBase64}}}},
                                  {"payload", kPayloadBase64Url},
                                  {"protected", signet::Base64UrlEncode(input)},
                                  {"signature", "c2lnbmF0dXJl"}};
  if (Result<EnvelopeContent> content = signet::notary::ParseJwsEnvelope(Dump(wrapped));
      content.ok()) {
    CheckParsed(*content);
  }
  return 0;
}
