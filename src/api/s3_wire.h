// Internal to api/: the S3 wire details S3Api's handlers share: XML text, payload checksums,
// aws-chunked bodies, Range headers and S3's URL encoding of listed keys.
//
// Everything here parses untrusted request bytes and must fail cleanly on any input.
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http_message.h"
#include "api/s3_api.h"
#include "core/status.h"

namespace signet::api::s3 {

inline constexpr std::string_view kXmlns = "http://s3.amazonaws.com/doc/2006-03-01/";

// Escapes &, <, >, " and ' for XML text and attribute values.
std::string XmlEscape(std::string_view text);
// `<name>escaped text</name>`.
std::string XmlElement(std::string_view name, std::string_view text);

// The name of the document's root element (after an optional prolog, comments and whitespace);
// nullopt when the text does not start like an XML document.
std::optional<std::string> XmlRootName(std::string_view xml);
// The unescaped text of the first element `name` (without a namespace prefix) anywhere in `xml`;
// nullopt when absent or malformed. For the small configuration documents S3 clients send.
std::optional<std::string> XmlElementText(std::string_view xml, std::string_view name);
// The text of every element `name` in `xml`, unescaped, in order (for DeleteObjects' <Object>s).
std::optional<std::vector<std::string>> XmlElements(std::string_view xml, std::string_view name);

// S3's encoding-type=url: every byte but [A-Za-z0-9-_.~/] percent-encoded (so '+' is %2B and
// botocore's unquote_plus gives the key back).
std::string UrlEncodeKey(std::string_view key);

// Checksums S3 accepts for a payload, by the suffix of their header x-amz-checksum-<name>.
// The value is the base64 of the big-endian checksum (or digest) bytes.
enum class ChecksumAlgorithm { kCrc32, kCrc32c, kCrc64Nvme, kSha256 };
std::optional<ChecksumAlgorithm> ChecksumAlgorithmFromName(std::string_view lower_case_name);
std::string ComputeChecksum(ChecksumAlgorithm algorithm, std::string_view data);
uint32_t Crc32(std::string_view data);
uint32_t Crc32c(std::string_view data);
uint64_t Crc64Nvme(std::string_view data);

// An aws-chunked body ("<hex size>[;ext]\r\n<data>\r\n" ..., "0\r\n", trailer lines, "\r\n"),
// decoded. Trailer names are lower-cased.
struct ChunkedBody {
  std::string data;
  std::vector<std::pair<std::string, std::string>> trailers;
};
Result<ChunkedBody> DecodeAwsChunked(std::string_view body);

// What a Range header asks of an object of `size` bytes. A header that is absent, malformed or
// asks for several ranges is ignored (the whole object), as RFC 9110 allows.
struct ByteRange {
  enum Kind { kWhole, kPartial, kUnsatisfiable } kind = kWhole;
  uint64_t first = 0;
  uint64_t length = 0;
};
ByteRange ParseRange(std::string_view header, uint64_t size);

// The payload of a PutObject or DeleteObjects: decoded from aws-chunked when sent so, and checked
// against every Content-MD5 and x-amz-checksum-* the client gave (header or trailer). Signed
// chunks are refused (NotImplemented): the chunk signatures would go unchecked.
struct Payload {
  std::string decoded;    // holds the bytes when the body was aws-chunked
  std::string_view data;  // the object's bytes (in `decoded` or the request body)
  std::vector<std::pair<std::string, std::string>> checksums;  // header name, value (verified)
};
// nullopt when the payload is fine. `out->data` may point into `request.body`.
std::optional<S3Error> ReadPayload(const ApiRequest& request, Payload* out);

}  // namespace signet::api::s3
