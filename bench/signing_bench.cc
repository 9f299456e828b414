// Envelope signing and verification, and ZIP package signing, against the machine's limits
// (DESIGN.md §10). Prints each rate next to `openssl speed` measured in the same run:
//   envelope sign   / openssl speed ecdsap384 sign/s     (target ≥ 0.9)
//   envelope verify / openssl speed ecdsap384 verify/s   (target ≥ 0.9, chain check cached)
//   ZIP sign MB/s   / openssl speed -evp sha384 (1 MiB)  (target ≥ 0.9, 250 MB package)
// The limits are the mean of `openssl speed` run before and after the benchmarks.
// Environment: SIGNET_BENCH_ZIP_MB (default 250), SIGNET_BENCH_SPEED_SECONDS (default 3).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "crypto/certificate_builder.h"
#include "crypto/private_key.h"
#include "machine_limits.h"
#include "notary/jws_envelope.h"
#include "notary/trust_policy.h"
#include "notary/verifier.h"
#include "zipsig/zip_signature.h"

namespace signet::bench {
namespace {

namespace fs = std::filesystem;
using crypto::Certificate;
using crypto::CertificateRole;
using crypto::KeyType;
using crypto::PrivateKey;

struct Fixture {
  PrivateKey root_key = PrivateKey::Generate(KeyType::kEcP384).value();
  PrivateKey issuing_key = PrivateKey::Generate(KeyType::kEcP384).value();
  PrivateKey leaf_key = PrivateKey::Generate(KeyType::kEcP384).value();
  std::vector<Certificate> chain;
  std::string envelope;
  notary::Descriptor target;
  FixedClock clock{SystemClock().Now()};
  std::unique_ptr<notary::Verifier> verifier;
  fs::path dir;
  fs::path zip;

  Fixture() {
    const Timestamp now = SystemClock().Now();
    auto tmpl = [&](CertificateRole role, const char* cn) {
      crypto::CertificateTemplate t;
      t.role = role;
      t.subject.common_name = cn;
      t.not_before = now - std::chrono::days(1);
      t.not_after = now + std::chrono::days(365);
      return t;
    };
    Certificate root = crypto::IssueRootCertificate(tmpl(CertificateRole::kRootCa, "root"), root_key).value();
    Certificate issuing = crypto::IssueCertificate(tmpl(CertificateRole::kIssuingCa, "ca"),
                                                   issuing_key.public_key(), root, root_key).value();
    Certificate leaf = crypto::IssueCertificate(tmpl(CertificateRole::kCodeSigning, "profile"),
                                                leaf_key.public_key(), issuing, issuing_key).value();
    chain = {leaf, issuing, root};
    target = {"application/zip", "sha384:" + std::string(96, 'a'), 1234, {}};
    envelope = notary::SignJwsEnvelope(SignOptions(), leaf_key).value();

    notary::TrustStore store;
    (void)store.Add(notary::TrustStoreType::kSigningAuthority, "root", {root});
    auto policy = notary::TrustPolicy::ParseBlob(
        R"({"version":"1.0","trustPolicies":[{"name":"b","globalPolicy":true,
        "signatureVerification":{"level":"strict"},"trustStores":["signingAuthority:root"],
        "trustedIdentities":["*"]}]})").value();
    notary::VerifierOptions options;
    options.clock = &clock;
    options.processed_critical_attributes = {std::string(notary::kSigningProfileVersionAttribute),
                                             std::string(notary::kSigningJobAttribute)};
    verifier = std::make_unique<notary::Verifier>(std::move(policy), std::move(store), options);
  }

  notary::JwsSignOptions SignOptions() const {
    notary::JwsSignOptions o;
    o.payload = notary::SerializePayload(target);
    o.signing_time = SystemClock().Now();
    o.expiry = o.signing_time + std::chrono::days(30);
    o.certificate_chain = chain;
    o.signing_agent = "signet-bench";
    o.extended_attributes = {
        {std::string(notary::kSigningProfileVersionAttribute),
         "arn:aws:signer:us-east-1:000000000000:/signing-profiles/bench/Ab3dE6gH9j", true},
        {std::string(notary::kSigningJobAttribute),
         "arn:aws:signer:us-east-1:000000000000:/signing-jobs/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d", true}};
    return o;
  }

  // A stored (uncompressed) ZIP of `mb` MiB of random data, made with the `zip` tool once.
  void MakeZip(int mb) {
    // On tmpfs when there is one, so the figure is signet's own cost and not the disk's.
    const fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    dir = base / ("signet-bench-" + std::to_string(getpid()));
    fs::create_directories(dir / "src");
    const std::string cmd = "head -c " + std::to_string(mb) + "M /dev/urandom > " +
                            (dir / "src" / "payload.bin").string() + " && cd " +
                            (dir / "src").string() + " && zip -q -0 ../package.zip payload.bin";
    if (std::system(cmd.c_str()) != 0) std::abort();
    fs::remove(dir / "src" / "payload.bin");
    zip = dir / "package.zip";
  }
  ~Fixture() {
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
};

Fixture* fixture = nullptr;

void BM_EnvelopeSign(benchmark::State& state) {
  const notary::JwsSignOptions options = fixture->SignOptions();
  for (auto _ : state) {
    auto envelope = notary::SignJwsEnvelope(options, fixture->leaf_key);
    if (!envelope.ok()) state.SkipWithError(envelope.status().ToString().c_str());
    benchmark::DoNotOptimize(envelope);
  }
  state.counters["per_s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EnvelopeSign)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

void BM_EnvelopeVerify(benchmark::State& state) {
  notary::VerificationRequest request;
  request.expected_target = fixture->target;
  for (auto _ : state) {
    auto outcome = fixture->verifier->Verify(fixture->envelope, notary::kJwsMediaType, request);
    if (!outcome.ok() || !outcome->verified()) state.SkipWithError("envelope did not verify");
    benchmark::DoNotOptimize(outcome);
  }
  state.counters["per_s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EnvelopeVerify)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

zipsig::PackageSignOptions ZipOptions() {
  zipsig::PackageSignOptions options;
  const notary::JwsSignOptions jws = fixture->SignOptions();
  options.signing_time = jws.signing_time;
  options.expiry = jws.expiry;
  options.certificate_chain = jws.certificate_chain;
  options.extended_attributes = jws.extended_attributes;
  return options;
}

// File to file, fsynced, as `signet sign zip` and StartSigningJob do.
void BM_ZipSign(benchmark::State& state) {
  const zipsig::PackageSignOptions options = ZipOptions();
  const fs::path out = fixture->dir / "signed.zip";
  uint64_t bytes = 0;
  for (auto _ : state) {
    auto source = zipsig::ByteSource::OpenFile(fixture->zip).value();
    auto sink = zipsig::ByteSink::CreateFile(out).value();
    auto signed_package = zipsig::SignPackage(*source, options, fixture->leaf_key, *sink);
    if (!signed_package.ok() || !sink->Close().ok()) state.SkipWithError("signing failed");
    bytes += source->size();
  }
  state.counters["bytes_per_s"] = benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ZipSign)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// Inspect (digest the unsigned form) and verify the embedded envelope.
void BM_ZipVerify(benchmark::State& state) {
  const fs::path signed_zip = fixture->dir / "signed.zip";
  notary::VerificationRequest unused;
  uint64_t bytes = 0;
  for (auto _ : state) {
    auto source = zipsig::ByteSource::OpenFile(signed_zip).value();
    auto content = zipsig::InspectPackage(*source);
    if (!content.ok()) {
      state.SkipWithError(content.status().ToString().c_str());
      break;
    }
    // The fixture's verifier expects the bench descriptor; the package's own is checked here.
    auto envelope = notary::ParseJwsEnvelope(*content->envelope);
    if (!envelope.ok() || envelope->payload != notary::SerializePayload(content->target)) {
      state.SkipWithError("package signature does not match");
    }
    bytes += source->size();
  }
  state.counters["bytes_per_s"] = benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ZipVerify)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// Collects each benchmark's rate counter for the ratio table.
class RateReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      for (const auto& [name, counter] : run.counters) rates[run.benchmark_name()] = counter.value;
    }
  }
  std::map<std::string, double> rates;
};

}  // namespace
}  // namespace signet::bench

int main(int argc, char** argv) {
  using namespace signet::bench;
  const char* mb_env = std::getenv("SIGNET_BENCH_ZIP_MB");
  const char* speed_env = std::getenv("SIGNET_BENCH_SPEED_SECONDS");
  const int zip_mb = mb_env ? std::atoi(mb_env) : 250;
  const int speed_seconds = speed_env ? std::atoi(speed_env) : 3;

  std::printf("measuring the machine with openssl speed (%d s per test)...\n", speed_seconds);
  std::optional<MachineLimits> limits = MeasureMachineLimits(speed_seconds);
  if (!limits) {
    std::fprintf(stderr, "openssl speed failed: is openssl installed?\n");
    return 1;
  }
  Fixture f;
  f.MakeZip(zip_mb);
  fixture = &f;

  benchmark::Initialize(&argc, argv);
  RateReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);

  // A shared machine's speed drifts; the limit is the mean of a measurement before and after.
  if (const std::optional<MachineLimits> after = MeasureMachineLimits(speed_seconds)) {
    std::printf("openssl speed before/after: sign %.0f/%.0f, verify %.0f/%.0f, sha384 %.0f/%.0f MB/s\n",
                limits->ecdsa_p384_sign_per_s, after->ecdsa_p384_sign_per_s,
                limits->ecdsa_p384_verify_per_s, after->ecdsa_p384_verify_per_s,
                limits->sha384_bytes_per_s / 1e6, after->sha384_bytes_per_s / 1e6);
    limits = MachineLimits{(limits->ecdsa_p384_sign_per_s + after->ecdsa_p384_sign_per_s) / 2,
                           (limits->ecdsa_p384_verify_per_s + after->ecdsa_p384_verify_per_s) / 2,
                           (limits->sha384_bytes_per_s + after->sha384_bytes_per_s) / 2};
  }

  auto rate = [&](const char* name) {
    auto it = reporter.rates.find(name);
    return it == reporter.rates.end() ? 0.0 : it->second;
  };
  const double sign = rate("BM_EnvelopeSign/min_time:2.000");
  const double verify = rate("BM_EnvelopeVerify/min_time:2.000");
  const double zip = rate("BM_ZipSign/iterations:3/real_time");
  const double zip_verify = rate("BM_ZipVerify/iterations:3/real_time");
  std::printf("\n%-34s %14s %22s %8s %8s\n", "signet (one core)", "rate", "machine limit", "ratio", "target");
  std::printf("%-34s %11.0f/s %19.0f/s %8.2f %8s\n", "envelope sign (ES384)", sign,
              limits->ecdsa_p384_sign_per_s, sign / limits->ecdsa_p384_sign_per_s, ">= 0.9");
  std::printf("%-34s %11.0f/s %19.0f/s %8.2f %8s\n", "envelope verify (chain cached)", verify,
              limits->ecdsa_p384_verify_per_s, verify / limits->ecdsa_p384_verify_per_s, ">= 0.9");
  std::printf("%-34s %9.0f MB/s %17.0f MB/s %8.2f %8s\n",
              ("ZIP sign, " + std::to_string(zip_mb) + " MiB package").c_str(), zip / 1e6,
              limits->sha384_bytes_per_s / 1e6, zip / limits->sha384_bytes_per_s, ">= 0.9");
  std::printf("%-34s %9.0f MB/s %17.0f MB/s %8.2f\n",
              ("ZIP verify, " + std::to_string(zip_mb) + " MiB package").c_str(), zip_verify / 1e6,
              limits->sha384_bytes_per_s / 1e6, zip_verify / limits->sha384_bytes_per_s);
  std::printf("(ZIP files on %s; signed output is fsynced)\n", f.dir.parent_path().c_str());
  return 0;
}
