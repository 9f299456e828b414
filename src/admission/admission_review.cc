#include "admission/admission_review.h"

#include <utility>

#include "core/encoding.h"

namespace signet::admission {
namespace {

using Json = nlohmann::json;

// A member that must be a string when present; "" when absent or null.
Result<std::string> OptionalString(const Json& object, const char* member, std::string_view where) {
  auto it = object.find(member);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) {
    return InvalidArgumentError(std::string(where) + "." + member + " must be a string");
  }
  return it->get<std::string>();
}

Result<std::string> RequiredString(const Json& object, const char* member, std::string_view where) {
  SIGNET_ASSIGN_OR_RETURN(std::string value, OptionalString(object, member, where));
  if (value.empty()) {
    return InvalidArgumentError(std::string(where) + "." + member + " is required");
  }
  return value;
}

// Bounds nesting before parsing, so that no recursive walk of the document can exhaust the stack
// (a 4 MiB body could otherwise nest two million arrays).
Status CheckNesting(std::string_view body) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        return InvalidArgumentError("the AdmissionReview nests deeper than " +
                                    std::to_string(kMaxJsonDepth) + " levels");
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return Status::Ok();
}

}  // namespace

std::string GroupVersionKind::ToString() const {
  return (group.empty() ? version : group + "/" + version) + " " + kind;
}

Result<AdmissionRequest> DecodeAdmissionReview(std::string_view body) {
  if (body.size() > kMaxAdmissionReviewBytes) {
    return InvalidArgumentError("the AdmissionReview is larger than " +
                                std::to_string(kMaxAdmissionReviewBytes) + " bytes");
  }
  SIGNET_RETURN_IF_ERROR(CheckNesting(body));
  Json review;
  try {
    review = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  } catch (const Json::exception&) {
    review = Json(Json::value_t::discarded);
  }
  if (review.is_discarded()) return InvalidArgumentError("the body is not JSON");
  if (!review.is_object()) return InvalidArgumentError("the body is not an AdmissionReview object");
  SIGNET_ASSIGN_OR_RETURN(std::string api_version, OptionalString(review, "apiVersion", "review"));
  SIGNET_ASSIGN_OR_RETURN(std::string kind, OptionalString(review, "kind", "review"));
  if (api_version != "admission.k8s.io/v1" || kind != "AdmissionReview") {
    return InvalidArgumentError("expected apiVersion admission.k8s.io/v1 kind AdmissionReview, got " +
                                (api_version.empty() ? "none" : api_version) + " " +
                                (kind.empty() ? "none" : kind) +
                                " (set admissionReviewVersions: [\"v1\"] in the webhook "
                                "configuration)");
  }
  auto request_it = review.find("request");
  if (request_it == review.end() || !request_it->is_object()) {
    return InvalidArgumentError("the AdmissionReview has no request object");
  }
  const Json& r = *request_it;
  AdmissionRequest out;
  SIGNET_ASSIGN_OR_RETURN(out.uid, RequiredString(r, "uid", "request"));
  auto kind_it = r.find("kind");
  if (kind_it == r.end() || !kind_it->is_object()) {
    return InvalidArgumentError("request.kind must be an object {group, version, kind}");
  }
  SIGNET_ASSIGN_OR_RETURN(out.kind.group, OptionalString(*kind_it, "group", "request.kind"));
  SIGNET_ASSIGN_OR_RETURN(out.kind.version, OptionalString(*kind_it, "version", "request.kind"));
  SIGNET_ASSIGN_OR_RETURN(out.kind.kind, RequiredString(*kind_it, "kind", "request.kind"));
  if (auto it = r.find("resource"); it != r.end() && !it->is_null()) {
    if (!it->is_object()) return InvalidArgumentError("request.resource must be an object");
    SIGNET_ASSIGN_OR_RETURN(out.resource, OptionalString(*it, "resource", "request.resource"));
  }
  SIGNET_ASSIGN_OR_RETURN(out.sub_resource, OptionalString(r, "subResource", "request"));
  SIGNET_ASSIGN_OR_RETURN(out.name, OptionalString(r, "name", "request"));
  SIGNET_ASSIGN_OR_RETURN(out.namespace_name, OptionalString(r, "namespace", "request"));
  SIGNET_ASSIGN_OR_RETURN(out.operation, RequiredString(r, "operation", "request"));
  if (auto it = r.find("dryRun"); it != r.end() && !it->is_null()) {
    if (!it->is_boolean()) return InvalidArgumentError("request.dryRun must be a boolean");
    out.dry_run = it->get<bool>();
  }
  if (auto it = r.find("object"); it != r.end()) out.object = *it;
  return out;
}

std::string Shorten(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  static constexpr std::string_view kEllipsis = "...";
  if (max_bytes < kEllipsis.size()) return std::string(kEllipsis.substr(0, max_bytes));
  size_t cut = max_bytes - kEllipsis.size();
  // Step back over UTF-8 continuation bytes so that no character is split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + std::string(kEllipsis);
}

std::string EncodeAdmissionReview(const AdmissionResponse& response) {
  Json r = {{"uid", response.uid}, {"allowed", response.allowed}};
  if (response.status_code != 0 || !response.status_message.empty()) {
    Json status = Json::object();
    if (response.status_code != 0) status["code"] = response.status_code;
    if (!response.status_message.empty()) status["message"] = response.status_message;
    r["status"] = std::move(status);
  }
  if (!response.warnings.empty()) {
    Json warnings = Json::array();
    for (const std::string& w : response.warnings) warnings.push_back(Shorten(w, kMaxWarningLength));
    r["warnings"] = std::move(warnings);
  }
  if (!response.patch.empty()) {
    Json ops = Json::array();
    for (const PatchReplace& op : response.patch) {
      ops.push_back({{"op", "replace"}, {"path", op.path}, {"value", op.value}});
    }
    r["patchType"] = "JSONPatch";
    r["patch"] = Base64Encode(ops.dump());
  }
  const Json review = {
      {"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}, {"response", r}};
  // Replace invalid UTF-8 (an image name echoed from the request) rather than throw.
  return review.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace signet::admission
