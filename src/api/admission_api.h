// The Kubernetes admission webhook routes of signetd (issue 5):
//
//   POST /admission/validate   ValidatingWebhookConfiguration  (operation AdmissionValidate)
//   POST /admission/mutate     MutatingWebhookConfiguration    (operation AdmissionMutate)
//
// The body is an admission.k8s.io/v1 AdmissionReview; the answer is one, 200 application/json.
// Like the webhooks of Kyverno and Ratify these routes are not SigV4-signed: the Kubernetes API
// server authenticates the webhook by its serving certificate (the caBundle of the webhook
// configuration) and does not sign its calls. So they are served over HTTPS only: on a plain
// HTTP listener they answer 403. Other answers: 404 when signetd runs without an admission policy,
// 405 for another method, 400 for a body that is not an AdmissionReview (the API server then
// applies the configuration's failurePolicy: Fail). Errors are {"message": "..."}.
#pragma once

#include <string_view>

#include "admission/admission_webhook.h"
#include "api/http_message.h"
#include "api/sigv4.h"

namespace signet::api {

inline constexpr std::string_view kAdmissionValidatePath = "/admission/validate";
inline constexpr std::string_view kAdmissionMutatePath = "/admission/mutate";

bool IsAdmissionRequest(const HttpRequestView& request);

// `webhook` is null when signetd has no admission policy; `tls` says whether the request came
// over HTTPS.
ApiResponse HandleAdmission(const HttpRequestView& request, admission::AdmissionWebhook* webhook,
                            bool tls);

}  // namespace signet::api
