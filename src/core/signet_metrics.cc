#include "core/signet_metrics.h"

namespace signet::metrics {
namespace {

// Latency buckets (seconds) from a keep-alive SignPayload (~1 ms) to a 250 MB package job.
const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> buckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                              0.25,  0.5,    1,     2.5,  5,     10,   30, 60};
  return buckets;
}

}  // namespace

CounterFamily& SignaturesTotal() {
  static CounterFamily& f = DefaultMetrics().Counter(
      "signet_signatures_total", "Successful signatures, each with one usage record.",
      {"platform", "profile", "environment"});
  return f;
}

CounterFamily& SigningCostMicrodollars() {
  static CounterFamily& f = DefaultMetrics().Counter(
      "signet_signing_cost_microdollars_total",
      "Price of the signatures made, in micro-dollars (1 USD = 1000000).",
      {"platform", "profile", "environment"});
  return f;
}

CounterFamily& SigningRefused() {
  static CounterFamily& f = DefaultMetrics().Counter(
      "signet_signing_refused_total",
      "Signings refused by environment policy: skipped, or denied over budget.",
      {"environment", "reason"});
  return f;
}

CounterFamily& BudgetWarnings() {
  static CounterFamily& f = DefaultMetrics().Counter(
      "signet_budget_warnings_total",
      "Signings that reached an environment's budget warning share or went over budget.",
      {"environment", "level"});
  return f;
}

HistogramFamily& SigningDuration() {
  static HistogramFamily& f = DefaultMetrics().Histogram(
      "signet_signing_duration_seconds",
      "Time from a signing request (or job start) to its durable signature.", {"platform"},
      LatencyBuckets());
  return f;
}

CounterFamily& HttpRequests() {
  static CounterFamily& f = DefaultMetrics().Counter(
      "signet_http_requests_total", "HTTP requests by service, API operation and status.",
      {"service", "operation", "status"});
  return f;
}

HistogramFamily& HttpRequestDuration() {
  static HistogramFamily& f = DefaultMetrics().Histogram(
      "signet_http_request_duration_seconds", "HTTP request handling time.",
      {"service", "operation"}, LatencyBuckets());
  return f;
}

CounterFamily& SignatureValidationErrors() {
  static CounterFamily& f = DefaultMetrics().Counter(
      "signet_signature_validation_errors_total",
      "Deploy-time signature check failures that were allowed with a warning.",
      {"function", "check"});
  return f;
}

CounterFamily& AdmissionDecisions() {
  static CounterFamily& f = DefaultMetrics().Counter(
      "signet_admission_decisions_total", "Admission webhook decisions.", {"decision", "mode"});
  return f;
}

CounterFamily& AdmissionCacheLookups() {
  static CounterFamily& f = DefaultMetrics().Counter(
      "signet_admission_cache_lookups_total",
      "Admission verification cache lookups (cache = result | tag) by result (hit | miss).",
      {"cache", "result"});
  return f;
}

HistogramFamily& AdmissionVerificationDuration() {
  static HistogramFamily& f = DefaultMetrics().Histogram(
      "signet_admission_verification_duration_seconds",
      "Image verifications run for the admission webhook (cache misses), by verdict.", {"verdict"},
      LatencyBuckets());
  return f;
}

CounterFamily& AdmissionRevocationPolls() {
  static CounterFamily& f = DefaultMetrics().Counter(
      "signet_admission_revocation_polls_total",
      "Polls of the installation's revocation events by the admission cache (ok | error).",
      {"result"});
  return f;
}

CounterFamily& AdmissionRevocationInvalidations() {
  static CounterFamily& f = DefaultMetrics().Counter(
      "signet_admission_revocation_invalidations_total",
      "Cached admission results dropped by revocations (job | profile_version | poll_error).",
      {"cause"});
  return f;
}

HistogramFamily& AdmissionRevocationStaleness() {
  static HistogramFamily& f = DefaultMetrics().Histogram(
      "signet_admission_revocation_staleness_seconds",
      "Longest time a revocation could stay unseen by this admission cache, per successful poll.",
      {}, LatencyBuckets());
  return f;
}

void RegisterSignetMetrics() {
  (void)SignaturesTotal();
  (void)SigningCostMicrodollars();
  (void)SigningRefused();
  (void)BudgetWarnings();
  (void)SigningDuration();
  (void)HttpRequests();
  (void)HttpRequestDuration();
  (void)SignatureValidationErrors();
  (void)AdmissionDecisions();
  (void)AdmissionCacheLookups();
  (void)AdmissionVerificationDuration();
  (void)AdmissionRevocationPolls();
  (void)AdmissionRevocationInvalidations();
  (void)AdmissionRevocationStaleness();
}

}  // namespace signet::metrics
