#include "imagesig/signature_manifest.h"

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "notary/signature_envelope.h"
#include "oci/digest.h"

namespace signet::imagesig {
namespace {

using ordered_json = nlohmann::ordered_json;

bool IsEnvelopeMediaType(std::string_view media_type) {
  return media_type == notary::kJwsMediaType || media_type == notary::kCoseMediaType;
}

// A descriptor in the member order of Go's ocispec.Descriptor (mediaType, digest, size, data).
ordered_json DescriptorJson(const oci::Descriptor& d) {
  ordered_json out;
  out["mediaType"] = d.media_type;
  out["digest"] = d.digest;
  out["size"] = d.size;
  return out;
}

// Reads the thumbprint annotation; empty when it is not a JSON array of hex strings.
std::vector<std::string> ParseThumbprints(const std::string& value) {
  const nlohmann::json doc = nlohmann::json::parse(value, nullptr, false);
  std::vector<std::string> out;
  if (!doc.is_array()) return {};
  for (const nlohmann::json& item : doc) {
    if (!item.is_string()) return {};
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

std::vector<std::string> ChainThumbprints(const std::vector<crypto::Certificate>& chain) {
  std::vector<std::string> out;
  out.reserve(chain.size());
  for (const crypto::Certificate& cert : chain) out.push_back(cert.Sha256Thumbprint());
  return out;
}

std::string ThumbprintAnnotationValue(const std::vector<std::string>& thumbprints) {
  return nlohmann::json(thumbprints).dump();
}

Result<std::string> BuildSignatureManifest(const oci::Descriptor& subject,
                                           const oci::Descriptor& envelope,
                                           const std::vector<std::string>& thumbprints,
                                           Timestamp created) {
  if (!IsEnvelopeMediaType(envelope.media_type)) {
    return InvalidArgumentError("signature envelope media type must be " +
                                std::string(notary::kJwsMediaType) + " or " +
                                std::string(notary::kCoseMediaType) + ", not '" +
                                envelope.media_type + "'");
  }
  SIGNET_RETURN_IF_ERROR(oci::ValidateDigest(envelope.digest));
  SIGNET_RETURN_IF_ERROR(oci::ValidateDigest(subject.digest));
  if (subject.media_type.empty()) return InvalidArgumentError("the subject has no media type");
  if (thumbprints.empty()) {
    return InvalidArgumentError("a signature manifest needs the thumbprints of the signing chain");
  }
  const oci::Descriptor config = oci::EmptyConfigDescriptor();
  ordered_json config_json = DescriptorJson(config);
  config_json["data"] = Base64Encode(oci::kEmptyJsonBlob);  // as oras-go embeds the empty blob

  ordered_json doc;
  doc["schemaVersion"] = 2;
  doc["mediaType"] = oci::kOciManifestMediaType;
  doc["artifactType"] = kNotarySignatureArtifactType;
  doc["config"] = std::move(config_json);
  doc["layers"] = ordered_json::array({DescriptorJson(envelope)});
  doc["subject"] = DescriptorJson(subject);
  ordered_json annotations;
  annotations[std::string(kThumbprintAnnotation)] = ThumbprintAnnotationValue(thumbprints);
  annotations[std::string(kCreatedAnnotation)] = FormatRfc3339(created);
  doc["annotations"] = std::move(annotations);
  return doc.dump();
}

Result<SignatureManifest> ParseSignatureManifest(std::string_view bytes) {
  if (bytes.size() > oci::kMaxManifestBytes) {
    return InvalidArgumentError("signature manifest is " + std::to_string(bytes.size()) +
                                " bytes, over the 4 MiB limit");
  }
  SIGNET_ASSIGN_OR_RETURN(oci::ManifestInfo info, oci::ParseManifest(bytes));
  if (!info.media_type.empty() && info.media_type != oci::kOciManifestMediaType) {
    return InvalidArgumentError("a signature manifest must be an OCI image manifest (" +
                                std::string(oci::kOciManifestMediaType) + "), not '" +
                                info.media_type + "'");
  }
  if (!info.config) {
    return InvalidArgumentError("a signature manifest must be an OCI image manifest with a config");
  }
  SignatureManifest out;
  if (info.artifact_type == kNotarySignatureArtifactType) {
    out.form = SignatureManifestForm::kArtifactType;
  } else if (info.artifact_type.empty() && info.config->media_type == kNotarySignatureArtifactType) {
    out.form = SignatureManifestForm::kLegacyConfig;
  } else {
    const std::string type = info.artifact_type.empty() ? info.config->media_type : info.artifact_type;
    return InvalidArgumentError("not a Notary signature manifest: its artifact type is '" + type +
                                "', not " + std::string(kNotarySignatureArtifactType));
  }
  if (!info.subject) return InvalidArgumentError("signature manifest has no subject");
  if (info.layers.size() != 1) {
    return InvalidArgumentError(
        "signature manifest requires exactly one signature envelope blob, got " +
        std::to_string(info.layers.size()));
  }
  const oci::Descriptor& layer = info.layers.front();
  if (!IsEnvelopeMediaType(layer.media_type)) {
    return InvalidArgumentError("signature envelope media type '" + layer.media_type +
                                "' is not supported (" + std::string(notary::kJwsMediaType) +
                                " or " + std::string(notary::kCoseMediaType) + ")");
  }
  if (layer.size > notary::kMaxEnvelopeSize) {
    return InvalidArgumentError("signature envelope is " + std::to_string(layer.size) +
                                " bytes, over the 32 MiB limit");
  }
  out.subject = *info.subject;
  out.envelope = layer;
  out.annotations = std::move(info.annotations);
  if (auto it = out.annotations.find(std::string(kThumbprintAnnotation)); it != out.annotations.end()) {
    out.thumbprints = ParseThumbprints(it->second);
  }
  if (auto it = out.annotations.find(std::string(kCreatedAnnotation)); it != out.annotations.end()) {
    if (Result<Timestamp> t = ParseRfc3339(it->second); t.ok()) out.created = *t;
  }
  return out;
}

}  // namespace signet::imagesig
