// The metric families signet records (DESIGN.md §8 and the Prometheus part of issue 6), each
// registered in DefaultMetrics() on first use so that /metrics shows it, with HELP and TYPE,
// even before its first sample. Label values must stay bounded (see core/metrics.h).
#pragma once

#include "core/metrics.h"

namespace signet::metrics {

// signet_signatures_total{platform,profile,environment}: successful, billed signatures.
CounterFamily& SignaturesTotal();
// signet_signing_cost_microdollars_total{platform,profile,environment}: their price, summed.
CounterFamily& SigningCostMicrodollars();
// signet_signing_refused_total{environment,reason}: reason = skipped | over_budget.
CounterFamily& SigningRefused();
// signet_budget_warnings_total{environment,level}: level = threshold | over_budget.
CounterFamily& BudgetWarnings();
// signet_signing_duration_seconds{platform}: from request (or job start) to durable signature.
HistogramFamily& SigningDuration();
// signet_http_requests_total{service,operation,status}: operation is the API operation name
// (e.g. SignPayload, GetObject), never a raw path.
CounterFamily& HttpRequests();
// signet_http_request_duration_seconds{service,operation}.
HistogramFamily& HttpRequestDuration();
// signet_signature_validation_errors_total{function,check}: deploy-time check warnings
// (DESIGN.md §6; check = integrity | expiry | mismatch | revocation).
CounterFamily& SignatureValidationErrors();
// signet_admission_decisions_total{decision,mode}: one per image reviewed; decision = allow |
// deny | warn, mode = enforce | warn | audit (the matching rule's) or unmatched.
CounterFamily& AdmissionDecisions();
// signet_admission_cache_lookups_total{cache,result}: cache = result | tag, result = hit | miss.
CounterFamily& AdmissionCacheLookups();
// signet_admission_verification_duration_seconds{verdict}: verified | failed | inconclusive.
HistogramFamily& AdmissionVerificationDuration();
// signet_admission_revocation_polls_total{result}: polls of the revocation change sequence
// (admission/revocation_watch.h), result = ok | error.
CounterFamily& AdmissionRevocationPolls();
// signet_admission_revocation_invalidations_total{cause}: cached results dropped, cause = job |
// profile_version | poll_error.
CounterFamily& AdmissionRevocationInvalidations();
// signet_admission_revocation_staleness_seconds: at each successful poll, the time since the
// previous successful one began: the longest a revocation committed meanwhile stayed unseen.
HistogramFamily& AdmissionRevocationStaleness();

// Registers every family above (signetd calls it at start, so a scrape lists them all).
void RegisterSignetMetrics();

}  // namespace signet::metrics
