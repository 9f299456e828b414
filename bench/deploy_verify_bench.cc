// Deploy-time verification of a function package against the machine's limit (DESIGN.md §10):
//   ZIP deploy verify MB/s / openssl speed -evp sha384 (1 MiB blocks)   (target >= 0.9)
// The package (SIGNET_BENCH_DEPLOY_MB MiB, default 50, stored entries of random bytes) is signed
// by a real SignerService (SignPackage: file key store, the installation's CA, SQLite) and each
// iteration verifies it as the deploy gate does: open, InspectPackage (digest of the unsigned
// form), VerifyPackageContent under a strict policy whose trust store holds the root, so the
// signature and the whole chain are verified every time. The limit is the mean of `openssl
// speed` run before and after. Environment: SIGNET_BENCH_SPEED_SECONDS (default 3).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "api/metering_billing.h"
#include "core/encoding.h"
#include "core/ids.h"
#include "keys/file_key_store.h"
#include "machine_limits.h"
#include "notary/trust_policy.h"
#include "notary/verifier.h"
#include "signer/certificate_authority.h"
#include "signer/signer_service.h"
#include "store/sqlite_store.h"
#include "zipsig/zip_signature.h"

namespace signet::bench {
namespace {

namespace fs = std::filesystem;

template <typename T>
T OrDie(Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, r.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

struct Fixture {
  fs::path dir;
  fs::path signed_zip;
  std::unique_ptr<notary::Verifier> verifier;

  explicit Fixture(int mb) {
    // On tmpfs when there is one, so the figure is signet's own cost and not the disk's.
    const fs::path base =
        fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    dir = base / ("signet-deploy-bench-" + std::to_string(getpid()));
    fs::create_directories(dir / "src");
    const std::string cmd = "head -c " + std::to_string(mb) + "M /dev/urandom > " +
                            (dir / "src" / "payload.bin").string() + " && cd " +
                            (dir / "src").string() + " && zip -q -0 ../package.zip payload.bin";
    if (std::system(cmd.c_str()) != 0) {
      std::fprintf(stderr, "cannot make the package (are head and zip installed?)\n");
      std::exit(1);
    }
    fs::remove(dir / "src" / "payload.bin");

    const Timestamp now = SystemClock().Now();
    auto store = OrDie(store::SqliteStore::Open(dir / "signet.db"), "store");
    auto keys = OrDie(keys::FileKeyStore::Open(dir / "keys", SecretBytes(HexEncode(RandomBytes(32)))),
                      "key store");
    auto ca = OrDie(signer::CertificateAuthority::Open(*keys, dir / "ca", {}, now), "CA");
    metering::Meter meter(*store, OrDie(metering::DefaultMeteringConfig(), "metering"));
    api::MeteringBilling billing(meter);
    signer::SignerService service(*store, nullptr, *keys, *ca, billing, {});
    const signer::Caller caller{"000000000000", "arn:aws:iam::000000000000:user/bench"};
    signer::PutProfileRequest profile;
    profile.profile_name = "bench";
    profile.platform_id = std::string(signer::kLambdaPlatformId);
    OrDie(service.PutSigningProfile(caller, profile), "PutSigningProfile");
    signed_zip = dir / "signed.zip";
    auto in = OrDie(zipsig::ByteSource::OpenFile(dir / "package.zip"), "package");
    auto out = OrDie(zipsig::ByteSink::CreateFile(signed_zip), "signed package");
    OrDie(service.SignPackage(caller, {{"bench", std::nullopt}, "package.zip"}, *in, *out),
          "SignPackage");
    if (!out->Close().ok()) std::exit(1);

    notary::TrustStore trust;
    (void)trust.Add(notary::TrustStoreType::kSigningAuthority, "installation", {ca->root()});
    auto policy = OrDie(notary::TrustPolicy::ParseBlob(
                            R"({"version":"1.0","trustPolicies":[{"name":"deploy",
        "globalPolicy":true,"signatureVerification":{"level":"strict"},
        "trustStores":["signingAuthority:installation"],"trustedIdentities":["*"]}]})"),
                        "trust policy");
    notary::VerifierOptions options;
    options.processed_critical_attributes = {std::string(notary::kSigningProfileVersionAttribute),
                                             std::string(notary::kSigningJobAttribute)};
    verifier = std::make_unique<notary::Verifier>(std::move(policy), std::move(trust), options);
  }
  ~Fixture() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

Fixture* fixture = nullptr;

void BM_ZipDeployVerify(benchmark::State& state) {
  uint64_t bytes = 0;
  for (auto _ : state) {
    auto source = zipsig::ByteSource::OpenFile(fixture->signed_zip);
    if (!source.ok()) {
      state.SkipWithError(source.status().ToString().c_str());
      break;
    }
    auto content = zipsig::InspectPackage(**source);
    if (!content.ok()) {
      state.SkipWithError(content.status().ToString().c_str());
      break;
    }
    auto outcome = zipsig::VerifyPackageContent(*content, *fixture->verifier, "");
    if (!outcome.ok() || !outcome->verified()) {
      state.SkipWithError("the package did not verify");
      break;
    }
    bytes += (*source)->size();
  }
  state.counters["bytes_per_s"] =
      benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ZipDeployVerify)->Unit(benchmark::kMillisecond)->Iterations(5)->UseRealTime();

class RateReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      for (const auto& [name, counter] : run.counters) rate = counter.value;
    }
  }
  double rate = 0;
};

}  // namespace
}  // namespace signet::bench

int main(int argc, char** argv) {
  using namespace signet::bench;
  const char* mb_env = std::getenv("SIGNET_BENCH_DEPLOY_MB");
  const char* speed_env = std::getenv("SIGNET_BENCH_SPEED_SECONDS");
  const int mb = mb_env ? std::atoi(mb_env) : 50;
  const int speed_seconds = speed_env ? std::atoi(speed_env) : 3;

  std::printf("measuring the machine with openssl speed (%d s per test)...\n", speed_seconds);
  const std::optional<MachineLimits> before = MeasureMachineLimits(speed_seconds);
  if (!before) {
    std::fprintf(stderr, "openssl speed failed: is openssl installed?\n");
    return 1;
  }
  Fixture f(mb);
  fixture = &f;
  benchmark::Initialize(&argc, argv);
  RateReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);

  double limit = before->sha384_bytes_per_s;
  if (const std::optional<MachineLimits> after = MeasureMachineLimits(speed_seconds)) {
    std::printf("openssl speed -evp sha384 before/after: %.0f/%.0f MB/s\n",
                before->sha384_bytes_per_s / 1e6, after->sha384_bytes_per_s / 1e6);
    limit = (before->sha384_bytes_per_s + after->sha384_bytes_per_s) / 2;
  }
  std::printf("\n%-34s %14s %22s %8s %8s\n", "signet (one core)", "rate", "machine limit", "ratio",
              "target");
  std::printf("%-34s %9.0f MB/s %17.0f MB/s %8.2f %8s\n",
              ("ZIP deploy verify, " + std::to_string(mb) + " MiB").c_str(), reporter.rate / 1e6,
              limit / 1e6, reporter.rate / limit, ">= 0.9");
  std::printf("(package on %s; signature and chain verified each time)\n",
              f.dir.parent_path().c_str());
  return reporter.rate > 0 ? 0 : 1;
}
