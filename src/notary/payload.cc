#include "notary/payload.h"

#include <utility>

#include "notary/json_codec.h"

namespace signet::notary {
namespace {

using Json = nlohmann::json;

Status PayloadError(std::string message) {
  return InvalidArgumentError("invalid Notary payload: " + std::move(message));
}

// Lengths of the hex digests of the algorithms the Notary Project allows.
size_t HexLengthFor(std::string_view algorithm) {
  if (algorithm == "sha256") return 64;
  if (algorithm == "sha384") return 96;
  if (algorithm == "sha512") return 128;
  return 0;
}

Status ValidateDigest(std::string_view digest) {
  const size_t colon = digest.find(':');
  if (colon == std::string_view::npos) {
    return PayloadError("digest \"" + std::string(digest) +
                        "\" is not of the form <algorithm>:<hex>");
  }
  const std::string_view algorithm = digest.substr(0, colon);
  const std::string_view hex = digest.substr(colon + 1);
  const size_t want = HexLengthFor(algorithm);
  if (want == 0) {
    return PayloadError("digest algorithm \"" + std::string(algorithm) +
                        "\" is not supported (sha256, sha384, sha512)");
  }
  if (hex.size() != want) {
    return PayloadError("digest \"" + std::string(digest) + "\" must have " + std::to_string(want) +
                        " hex digits after \"" + std::string(algorithm) + ":\"");
  }
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return PayloadError("digest \"" + std::string(digest) + "\" is not lower-case hex");
    }
  }
  return Status::Ok();
}

Result<std::string> StringMember(const Json& object, std::string_view key) {
  const auto it = object.find(key);
  if (it == object.end()) return PayloadError("targetArtifact has no \"" + std::string(key) + "\"");
  if (!it->is_string()) {
    return PayloadError("targetArtifact \"" + std::string(key) + "\" must be a string, not " +
                        std::string(JsonTypeName(*it)));
  }
  return it->get<std::string>();
}

}  // namespace

bool SameContent(const Descriptor& a, const Descriptor& b) {
  return a.media_type == b.media_type && a.digest == b.digest && a.size == b.size;
}

std::string SerializePayload(const Descriptor& target) {
  Json descriptor = Json::object();
  descriptor["mediaType"] = target.media_type;
  descriptor["digest"] = target.digest;
  descriptor["size"] = target.size;
  if (!target.annotations.empty()) {
    Json annotations = Json::object();
    for (const auto& [key, value] : target.annotations) annotations[key] = value;
    descriptor["annotations"] = std::move(annotations);
  }
  Json payload = Json::object();
  payload["targetArtifact"] = std::move(descriptor);
  return MarshalJson(payload);
}

Status ValidateDescriptor(const Descriptor& target) {
  if (target.media_type.empty()) return PayloadError("targetArtifact has an empty mediaType");
  SIGNET_RETURN_IF_ERROR(ValidateDigest(target.digest));
  if (target.size < 0) return PayloadError("targetArtifact size is negative");
  return Status::Ok();
}

Result<Descriptor> ParsePayload(std::string_view payload) {
  SIGNET_ASSIGN_OR_RETURN(Json root, ParseJson(payload, "Notary payload"));
  if (!root.is_object()) return PayloadError("not a JSON object");
  for (const auto& [key, value] : root.items()) {
    if (key != "targetArtifact") return PayloadError("unknown member \"" + key + "\"");
  }
  const auto target = root.find("targetArtifact");
  if (target == root.end()) return PayloadError("no \"targetArtifact\"");
  if (!target->is_object()) return PayloadError("\"targetArtifact\" is not an object");

  for (const auto& [key, value] : target->items()) {
    // The optional members the OCI descriptor defines are tolerated (and not used); anything
    // else is refused rather than silently ignored.
    static constexpr std::string_view kKnown[] = {
        "mediaType", "digest", "size", "annotations", "urls", "artifactType", "platform", "data"};
    bool known = false;
    for (std::string_view k : kKnown) known = known || key == k;
    if (!known) return PayloadError("targetArtifact has unknown member \"" + key + "\"");
  }

  Descriptor descriptor;
  SIGNET_ASSIGN_OR_RETURN(descriptor.media_type, StringMember(*target, "mediaType"));
  SIGNET_ASSIGN_OR_RETURN(descriptor.digest, StringMember(*target, "digest"));
  const auto size = target->find("size");
  if (size == target->end()) return PayloadError("targetArtifact has no \"size\"");
  if (size->is_number_unsigned()) {
    const uint64_t value = size->get<uint64_t>();
    if (value > static_cast<uint64_t>(INT64_MAX)) {
      return PayloadError("targetArtifact size is too large");
    }
    descriptor.size = static_cast<int64_t>(value);
  } else if (size->is_number_integer()) {
    descriptor.size = size->get<int64_t>();
  } else {
    return PayloadError("targetArtifact \"size\" must be an integer, not " +
                        std::string(JsonTypeName(*size)));
  }
  if (const auto annotations = target->find("annotations"); annotations != target->end()) {
    if (!annotations->is_object()) {
      return PayloadError("targetArtifact \"annotations\" is not an object");
    }
    for (const auto& [key, value] : annotations->items()) {
      if (!value.is_string()) {
        return PayloadError("annotation \"" + key + "\" must be a string, not " +
                            std::string(JsonTypeName(value)));
      }
      descriptor.annotations.emplace(key, value.get<std::string>());
    }
  }
  SIGNET_RETURN_IF_ERROR(ValidateDescriptor(descriptor));
  return descriptor;
}

}  // namespace signet::notary
