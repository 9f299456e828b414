#include "api/admission_api.h"

#include <nlohmann/json.hpp>

namespace signet::api {
namespace {

ApiResponse Error(int status, const std::string& message, const char* operation) {
  ApiResponse response;
  response.status = status;
  response.body = nlohmann::json{{"message", message}}.dump(-1, ' ', false,
                                                            nlohmann::json::error_handler_t::replace);
  response.operation = operation;
  return response;
}

}  // namespace

bool IsAdmissionRequest(const HttpRequestView& request) {
  return request.raw_path == kAdmissionValidatePath || request.raw_path == kAdmissionMutatePath;
}

ApiResponse HandleAdmission(const HttpRequestView& request, admission::AdmissionWebhook* webhook,
                            bool tls) {
  const bool mutate = request.raw_path == kAdmissionMutatePath;
  const char* operation = mutate ? "AdmissionMutate" : "AdmissionValidate";
  if (webhook == nullptr) {
    return Error(404, "the admission webhook is not enabled: start signetd with --admission-policy",
                 operation);
  }
  if (!tls) {
    return Error(403, "the admission webhook is served over HTTPS only (--tls-cert, --tls-key)",
                 operation);
  }
  if (request.method != "POST") {
    ApiResponse response = Error(405, "use POST with an AdmissionReview", operation);
    response.SetHeader("Allow", "POST");
    return response;
  }
  Result<admission::AdmissionRequest> review = admission::DecodeAdmissionReview(request.body);
  if (!review.ok()) return Error(400, review.status().message(), operation);
  ApiResponse response;
  response.body = admission::EncodeAdmissionReview(webhook->Review(*review, mutate));
  response.operation = operation;
  return response;
}

}  // namespace signet::api
