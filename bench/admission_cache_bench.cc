// Memory of the admission webhook's verification cache (issue 5: RSS with 100,000 cached entries,
// goal <= 200 MB): fills the real VerificationCache (admission/verification_cache.h) with N
// distinct images by tag, so each holds one tag resolution and one verified result (with the
// job and profile version ARNs a signet signature records), and reports the process RSS before
// and after, per entry, and the time of a cached lookup.
//
// The ImageChecker here is an IN-PROCESS STAND-IN that answers "verified" for any image without a
// registry: this bench measures the cache's memory and lookups, not verification (for that:
// bench/admission_cold_bench.sh, image_verify_bench).
//
//   admission_cache_bench [ENTRIES]   (default 100000)
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "admission/admission_policy.h"
#include "admission/verification_cache.h"
#include "core/time.h"

namespace {

using namespace signet;             // NOLINT(google-build-using-namespace)
using namespace signet::admission;  // NOLINT(google-build-using-namespace)

// IN-PROCESS STAND-IN (see above): every image is verified, its digest derived from its name.
class AlwaysVerified final : public ImageChecker {
 public:
  ImageCheckResult Check(const oci::Reference& image, const notary::TrustPolicy&,
                         const notary::TrustStore&,
                         std::chrono::steady_clock::time_point) const override {
    ImageCheckResult r;
    r.verdict = ImageCheckResult::Verdict::kVerified;
    char hex[65];
    std::snprintf(hex, sizeof hex, "%064zx", std::hash<std::string>{}(image.repository));
    r.digest = image.digest.empty() ? "sha256:" + std::string(hex) : image.digest;
    r.signed_by.push_back(
        {"arn:aws:signer:us-east-1:000000000000:/signing-jobs/0c6d1f5e-4b2a-4c1e-9f3a-" +
             std::string(hex).substr(0, 12),
         "arn:aws:signer:us-east-1:000000000000:/signing-profiles/images/AbCdEf1234"});
    return r;
  }
};

long RssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t entries = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100'000;
  char tmpl[] = "/tmp/admission-cache-bench-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return 1;
  const std::filesystem::path dir = tmpl;
  std::filesystem::create_directories(dir / "truststore" / "x509" / "ca" / "acme");
  std::ofstream(dir / "trustpolicy.json")
      << R"({"version":"1.0","trustPolicies":[{"name":"all","registryScopes":["*"],
            "signatureVerification":{"level":"strict"},"trustStores":["ca:acme"],
            "trustedIdentities":["*"]}]})";
  const std::string policy_json =
      R"({"rules":[{"name":"all","images":["**"],"trustPolicy":"trustpolicy.json",
          "trustStore":"truststore","mode":"Enforce"}],"cache":{"maxEntries":)" +
      std::to_string(entries) + "}}";
  Result<AdmissionPolicy> policy = AdmissionPolicy::Parse(policy_json, dir, nullptr, "bench");
  std::filesystem::remove_all(dir);
  if (!policy.ok()) {
    std::fprintf(stderr, "policy: %s\n", policy.status().message().c_str());
    return 1;
  }
  const AdmissionRule& rule = policy->rules()[0];
  AlwaysVerified checker;
  VerificationCache::Options options{policy->cache(), /*workers=*/2, /*max_queued=*/4096};
  VerificationCache cache(checker, options, SystemClock());

  std::vector<oci::Reference> images;
  images.reserve(entries);
  for (size_t i = 0; i < entries; ++i) {
    Result<oci::Reference> ref = oci::ParseReference(
        "registry.example.com/team-" + std::to_string(i % 100) + "/service-" + std::to_string(i) +
        ":v1.2." + std::to_string(i % 7));
    if (!ref.ok()) return 1;
    images.push_back(std::move(*ref));
  }
  const long before = RssKiB();
  const auto deadline = [] { return std::chrono::steady_clock::now() + std::chrono::seconds(10); };
  const auto fill_start = std::chrono::steady_clock::now();
  // In batches below the queue bound: all of a batch start before any is awaited.
  constexpr size_t kBatch = 1024;
  for (size_t i = 0; i < entries; i += kBatch) {
    std::vector<VerificationCache::Ticket> tickets;
    for (size_t j = i; j < std::min(entries, i + kBatch); ++j) {
      tickets.push_back(cache.Begin(images[j], rule, policy->revision(), deadline()));
    }
    for (const VerificationCache::Ticket& t : tickets) {
      if (cache.Await(t, deadline()).verdict != ImageCheckResult::Verdict::kVerified) return 1;
    }
  }
  const double fill_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - fill_start).count();
  const long after = RssKiB();

  // Cached lookups: every image again, each a tag hit and a result hit.
  const auto hit_start = std::chrono::steady_clock::now();
  size_t hits = 0;
  for (const oci::Reference& image : images) {
    VerificationCache::Ticket t = cache.Begin(image, rule, policy->revision(), deadline());
    hits += t.answered_from_cache() ? 1 : 0;
  }
  const double hit_ns =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - hit_start)
          .count() /
      static_cast<double>(entries);

  std::printf("admission cache bench (IN-PROCESS stand-in checker: every image 'verified', no "
              "registry; measures the cache, not verification)\n");
  std::printf("  entries: %zu results + %zu tag resolutions (%zu images by tag)\n",
              cache.result_entries(), cache.tag_entries(), entries);
  std::printf("  RSS: %.1f MB before, %.1f MB after: %.1f MB for the cache, %.0f bytes per image "
              "(goal: process RSS <= 200 MB at 100,000)\n",
              before / 1024.0, after / 1024.0, (after - before) / 1024.0,
              (after - before) * 1024.0 / static_cast<double>(entries));
  std::printf("  fill: %.2f s (%.0f misses/s through the worker queue)\n", fill_s,
              static_cast<double>(entries) / fill_s);
  std::printf("  cached lookup: %.0f ns each, %zu of %zu hits\n", hit_ns, hits, entries);
  return hits == entries ? 0 : 1;
}
