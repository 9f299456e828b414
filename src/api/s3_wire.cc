#include "api/s3_wire.h"

#include "api/sigv4.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/encoding.h"
#include "crypto/digest.h"

namespace signet::api::s3 {
namespace {

// Reflected CRC with all-ones initial value and final xor: CRC-32 (zlib), CRC-32C (Castagnoli),
// CRC-64/NVME; the polynomials are given reflected.
template <typename T, T kPoly>
T ReflectedCrc(std::string_view data) {
  static const std::array<T, 256> table = [] {
    std::array<T, 256> t{};
    for (unsigned i = 0; i < 256; ++i) {
      T c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  T crc = ~T{0};
  for (unsigned char c : data) crc = table[(crc ^ c) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

template <typename T>
std::string BigEndian(T value) {
  std::string out(sizeof(T), '\0');
  for (size_t i = 0; i < sizeof(T); ++i) {
    out[sizeof(T) - 1 - i] = static_cast<char>(value & 0xFF);
    value >>= 8;
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Replaces the five predefined entities and numeric character references; nullopt for anything
// else after '&'.
std::optional<std::string> XmlUnescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    const size_t semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) return std::nullopt;
    const std::string_view entity = text.substr(i + 1, semi - i - 1);
    static constexpr std::pair<std::string_view, char> kNamed[] = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
    bool named = false;
    for (const auto& [name, c] : kNamed) {
      if (entity == name) out += c, named = true;
    }
    if (!named) {
      if (entity.size() < 2 || entity[0] != '#') return std::nullopt;
      const bool hex = entity[1] == 'x';
      uint32_t cp = 0;
      const std::string_view digits = entity.substr(hex ? 2 : 1);
      if (digits.empty()) return std::nullopt;
      for (char c : digits) {
        const int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                      : hex && std::isxdigit(static_cast<unsigned char>(c))
                          ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                          : -1;
        if (v < 0 || cp > 0x10FFFF) return std::nullopt;
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
      }
      if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
      if (cp < 0x80) {
        out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
    }
    i = semi;
  }
  return out;
}

// Finds the next element `name` at or after `from`: the raw text between its tags, and where
// scanning continues. nullopt when there is none; an error for an unclosed element.
Result<std::optional<std::pair<std::string_view, size_t>>> NextElement(std::string_view xml,
                                                                       std::string_view name,
                                                                       size_t from) {
  std::string open("<");
  open.append(name);
  std::string close("</");
  close.append(name).append(">");
  size_t at = from;
  while ((at = xml.find(open, at)) != std::string_view::npos) {
    const size_t after = at + open.size();
    if (after < xml.size() && (xml[after] == '>' || xml[after] == ' ' || xml[after] == '/')) break;
    at = after;
  }
  if (at == std::string_view::npos) return std::optional<std::pair<std::string_view, size_t>>();
  const size_t gt = xml.find('>', at);
  if (gt == std::string_view::npos) return InvalidArgumentError("unterminated XML tag");
  if (xml[gt - 1] == '/') return std::optional(std::pair(std::string_view(), gt + 1));
  const size_t end = xml.find(close, gt + 1);
  if (end == std::string_view::npos) {
    return InvalidArgumentError("element <" + std::string(name) + "> is not closed");
  }
  return std::optional(std::pair(xml.substr(gt + 1, end - gt - 1), end + close.size()));
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 has no way to write most control characters; S3 writes them as references
        // (clients that care ask for encoding-type=url).
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
          out += "&#" + std::to_string(static_cast<int>(c)) + ";";
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string XmlElement(std::string_view name, std::string_view text) {
  std::string out("<");
  out.append(name).append(">").append(XmlEscape(text)).append("</").append(name).append(">");
  return out;
}

std::optional<std::string> XmlRootName(std::string_view xml) {
  size_t i = 0;
  while (true) {
    while (i < xml.size() && std::isspace(static_cast<unsigned char>(xml[i]))) ++i;
    if (xml.substr(i, 2) == "<?" || xml.substr(i, 4) == "<!--") {
      const std::string_view close = xml[i + 1] == '?' ? "?>" : "-->";
      const size_t end = xml.find(close, i);
      if (end == std::string_view::npos) return std::nullopt;
      i = end + close.size();
      continue;
    }
    break;
  }
  if (i >= xml.size() || xml[i] != '<') return std::nullopt;
  size_t end = i + 1;
  while (end < xml.size() && !std::isspace(static_cast<unsigned char>(xml[end])) &&
         xml[end] != '>' && xml[end] != '/') {
    ++end;
  }
  if (end == i + 1 || end >= xml.size()) return std::nullopt;
  return std::string(xml.substr(i + 1, end - i - 1));
}

std::optional<std::string> XmlElementText(std::string_view xml, std::string_view name) {
  auto found = NextElement(xml, name, 0);
  if (!found.ok() || !*found) return std::nullopt;
  return XmlUnescape((*found)->first);
}

std::optional<std::vector<std::string>> XmlElements(std::string_view xml, std::string_view name) {
  std::vector<std::string> out;
  size_t from = 0;
  while (true) {
    auto found = NextElement(xml, name, from);
    if (!found.ok()) return std::nullopt;
    if (!*found) return out;
    out.emplace_back((*found)->first);
    from = (*found)->second;
  }
}

std::string UrlEncodeKey(std::string_view key) { return UriEncode(key, /*encode_slash=*/false); }

uint32_t Crc32(std::string_view data) { return ReflectedCrc<uint32_t, 0xEDB88320u>(data); }
uint32_t Crc32c(std::string_view data) { return ReflectedCrc<uint32_t, 0x82F63B78u>(data); }
uint64_t Crc64Nvme(std::string_view data) {
  return ReflectedCrc<uint64_t, 0x9A6C9329AC4BC9B5ull>(data);
}

std::optional<ChecksumAlgorithm> ChecksumAlgorithmFromName(std::string_view name) {
  if (name == "crc32") return ChecksumAlgorithm::kCrc32;
  if (name == "crc32c") return ChecksumAlgorithm::kCrc32c;
  if (name == "crc64nvme") return ChecksumAlgorithm::kCrc64Nvme;
  if (name == "sha256") return ChecksumAlgorithm::kSha256;
  return std::nullopt;
}

std::string ComputeChecksum(ChecksumAlgorithm algorithm, std::string_view data) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
      return Base64Encode(BigEndian(Crc32(data)));
    case ChecksumAlgorithm::kCrc32c:
      return Base64Encode(BigEndian(Crc32c(data)));
    case ChecksumAlgorithm::kCrc64Nvme:
      return Base64Encode(BigEndian(Crc64Nvme(data)));
    case ChecksumAlgorithm::kSha256:
      return Base64Encode(crypto::Sha256(data));
  }
  return {};
}

Result<ChunkedBody> DecodeAwsChunked(std::string_view body) {
  ChunkedBody out;
  size_t pos = 0;
  auto line = [&](std::string_view* text) {
    const size_t end = body.find("\r\n", pos);
    if (end == std::string_view::npos) return false;
    *text = body.substr(pos, end - pos);
    pos = end + 2;
    return true;
  };
  while (true) {
    std::string_view header;
    if (!line(&header)) return InvalidArgumentError("aws-chunked body: missing chunk header");
    const std::string_view hex = header.substr(0, header.find(';'));
    if (hex.empty() || hex.size() > 15) {
      return InvalidArgumentError("aws-chunked body: malformed chunk size");
    }
    uint64_t size = 0;
    for (char c : hex) {
      if (!std::isxdigit(static_cast<unsigned char>(c))) {
        return InvalidArgumentError("aws-chunked body: malformed chunk size");
      }
      size = size * 16 + static_cast<uint64_t>(std::isdigit(static_cast<unsigned char>(c))
                                                   ? c - '0'
                                                   : std::tolower(c) - 'a' + 10);
    }
    if (size == 0) break;
    if (size > body.size() - pos || body.size() - pos - size < 2 ||
        body.substr(pos + size, 2) != "\r\n") {
      return InvalidArgumentError("aws-chunked body: chunk of " + std::to_string(size) +
                                  " bytes is truncated or not followed by CRLF");
    }
    out.data.append(body.substr(pos, size));
    pos += size + 2;
  }
  // Trailer lines "name:value" up to an empty line (or the end of the body).
  std::string_view trailer;
  while (pos < body.size()) {
    if (!line(&trailer)) return InvalidArgumentError("aws-chunked body: unterminated trailer");
    if (trailer.empty()) break;
    const size_t colon = trailer.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return InvalidArgumentError("aws-chunked body: malformed trailer line");
    }
    std::string_view value = trailer.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    std::string_view name = trailer.substr(0, colon);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    out.trailers.emplace_back(Lower(name), std::string(value));
  }
  if (pos != body.size()) return InvalidArgumentError("aws-chunked body: data after the trailer");
  return out;
}

ByteRange ParseRange(std::string_view header, uint64_t size) {
  ByteRange whole;
  if (!header.starts_with("bytes=")) return whole;
  const std::string_view spec = header.substr(6);
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) return whole;
  auto number = [](std::string_view s) -> std::optional<uint64_t> {
    if (s.empty() || s.size() > 19) return std::nullopt;
    uint64_t n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    return n;
  };
  const std::optional<uint64_t> first = number(spec.substr(0, dash));
  const std::optional<uint64_t> last = number(spec.substr(dash + 1));
  if (!first && !last) return whole;
  if (!first) {  // suffix range: the last N bytes
    if (*last == 0 || size == 0) return {ByteRange::kUnsatisfiable, 0, 0};
    const uint64_t n = std::min(*last, size);
    return {ByteRange::kPartial, size - n, n};
  }
  if (dash + 1 != spec.size() && !last) return whole;
  if (last && *last < *first) return whole;
  if (*first >= size) return {ByteRange::kUnsatisfiable, 0, 0};
  const uint64_t end = last ? std::min(*last, size - 1) : size - 1;
  return {ByteRange::kPartial, *first, end - *first + 1};
}

std::optional<S3Error> ReadPayload(const ApiRequest& request, Payload* out) {
  const std::string sha = request.Header("x-amz-content-sha256");
  if (sha.starts_with("STREAMING-AWS4-") || sha.starts_with("STREAMING-AWS4-ECDSA")) {
    return S3Error{
        501, "NotImplemented",
        "signed aws-chunked payloads (x-amz-content-sha256: " + sha +
            ") are not supported; send the payload unsigned (UNSIGNED-PAYLOAD or "
            "STREAMING-UNSIGNED-PAYLOAD-TRAILER) or with its SHA-256 in x-amz-content-sha256"};
  }
  out->data = request.body;
  std::vector<std::pair<std::string, std::string>> given;  // lower-case name, value
  for (const auto& [name, value] : request.headers) given.emplace_back(Lower(name), value);
  if (sha == "STREAMING-UNSIGNED-PAYLOAD-TRAILER" ||
      Lower(request.Header("content-encoding")).find("aws-chunked") != std::string::npos) {
    auto chunked = s3::DecodeAwsChunked(request.body);
    if (!chunked.ok()) return S3Error{400, "IncompleteBody", chunked.status().message()};
    out->decoded = std::move(chunked->data);
    out->data = out->decoded;
    const std::string declared = request.Header("x-amz-decoded-content-length");
    if (!declared.empty() && declared != std::to_string(out->data.size())) {
      return S3Error{400, "IncompleteBody",
                     "x-amz-decoded-content-length is " + declared + " but the chunks hold " +
                         std::to_string(out->data.size()) + " bytes"};
    }
    const std::string announced = Lower(request.Header("x-amz-trailer"));
    if (!announced.empty() && std::none_of(chunked->trailers.begin(), chunked->trailers.end(),
                                           [&](const auto& t) { return t.first == announced; })) {
      return S3Error{400, "MalformedTrailerError",
                     "x-amz-trailer announces " + announced + " but the body has no such trailer"};
    }
    given.insert(given.end(), chunked->trailers.begin(), chunked->trailers.end());
  }
  for (const auto& [name, value] : given) {
    if (name == "content-md5") {
      auto md5 = Base64Decode(value);
      if (!md5.ok() || md5->size() != 16) {
        return S3Error{400, "InvalidDigest", "The Content-MD5 you specified was invalid."};
      }
      if (*md5 != crypto::Md5(out->data)) {
        return S3Error{400, "BadDigest",
                       "The Content-MD5 you specified did not match what we received."};
      }
      continue;
    }
    if (!name.starts_with("x-amz-checksum-")) continue;
    const std::string algorithm = name.substr(15);
    if (algorithm == "mode" || algorithm == "type") continue;
    const auto known = s3::ChecksumAlgorithmFromName(algorithm);
    if (!known) {
      return S3Error{
          501, "NotImplemented",
          "the checksum " + name + " is not supported; use crc32, crc32c, crc64nvme or sha256"};
    }
    std::string computed = s3::ComputeChecksum(*known, out->data);
    if (computed != value) {
      return S3Error{400, "BadDigest",
                     "The " + algorithm + " you specified did not match the calculated checksum."};
    }
    out->checksums.emplace_back(name, std::move(computed));
  }
  return std::nullopt;
}

}  // namespace signet::api::s3
