// Fuzzes the S3 endpoint's parsers of untrusted bytes (api/s3_wire.h, api/http_message.h):
// aws-chunked bodies, Range headers, the XML request bodies, query strings and percent-encoding.
//
// Invariants: nothing crashes; a decoded aws-chunked body is never longer than its encoding; a
// partial range lies inside the object; percent-decoding what UrlEncodeKey wrote gives the input
// back.
#include <string>

#include "api/http_message.h"
#include "api/s3_wire.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace signet::api;
  const std::string_view input = signet::fuzz::AsBytes(data, size);

  if (auto chunked = s3::DecodeAwsChunked(input); chunked.ok()) {
    SIGNET_FUZZ_CHECK(chunked->data.size() <= input.size());
  }

  // Ranges against a few object sizes, including empty and one byte.
  for (uint64_t object_size : {uint64_t{0}, uint64_t{1}, uint64_t{1000}, uint64_t{1} << 40}) {
    const s3::ByteRange range = s3::ParseRange(input, object_size);
    if (range.kind == s3::ByteRange::kPartial) {
      SIGNET_FUZZ_CHECK(range.length > 0);
      SIGNET_FUZZ_CHECK(range.first < object_size);
      SIGNET_FUZZ_CHECK(range.length <= object_size - range.first);
    }
  }

  (void)s3::XmlRootName(input);
  (void)s3::XmlElementText(input, "Status");
  (void)s3::XmlElements(input, "Key");
  (void)ParseQuery(input);

  const std::string encoded = s3::UrlEncodeKey(input);
  const std::optional<std::string> decoded = PercentDecode(encoded);
  SIGNET_FUZZ_CHECK(decoded.has_value() && *decoded == input);
  return 0;
}
