// Fuzzes the Signer REST-JSON layer (api/signer_api.h) with whole requests, against a real
// SignerService (SQLite store, file key store, CA and buckets in a directory made once).
//
// Input format: first line METHOD SP RAW_TARGET (path ["?" query]); the rest is the body.
// The caller is the owner account; one Notation and one Lambda profile exist. The directory
// is left behind (on tmpfs when there is one): a fuzz run makes it once.
//
// Invariants: nothing crashes or throws; every response is a status the API uses, JSON with a
// body, and an error response names its AWS error type in x-amzn-ErrorType and in "code".
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/metering_billing.h"
#include "api/signer_api.h"
#include "core/ids.h"
#include "fuzz_check.h"
#include "signer/signer_service.h"
#include "testing/signer_installation.h"

namespace {

using namespace signet;

struct World {
  std::unique_ptr<metering::Meter> meter;
  std::unique_ptr<api::MeteringBilling> billing;
  test::SignerInstallation ins;  // its service is not started: no job workers
  std::unique_ptr<api::SignerApi> api;
  signer::Caller caller{"000000000000", "arn:aws:iam::000000000000:user/fuzz"};

  World() {
    std::error_code ec;
    const std::filesystem::path base =
        std::filesystem::is_directory("/dev/shm", ec) ? "/dev/shm" : std::filesystem::temp_directory_path();
    std::string pattern = (base / "signet-fuzz-XXXXXX").string();
    SIGNET_FUZZ_CHECK(::mkdtemp(pattern.data()) != nullptr);
    const std::filesystem::path dir = pattern;
    ins = test::SignerInstallation::Open(dir, SystemClock().Now()).value();
    meter =
        std::make_unique<metering::Meter>(*ins.store, metering::DefaultMeteringConfig().value());
    billing = std::make_unique<api::MeteringBilling>(*meter);
    ins.MakeService(*billing);
    api = std::make_unique<api::SignerApi>(*ins.service);
    for (auto [name, platform] : {std::pair{"images", signer::kNotationPlatformId},
                                  std::pair{"lambda", signer::kLambdaPlatformId}}) {
      signer::PutProfileRequest put;
      put.profile_name = name;
      put.platform_id = std::string(platform);
      SIGNET_FUZZ_CHECK(ins.service->PutSigningProfile(caller, put).ok());
    }
  }
};

World& TheWorld() {
  static World* world = new World();
  return *world;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& world = TheWorld();
  const std::string_view input = fuzz::AsBytes(data, size);
  const size_t eol = input.find('\n');
  const std::string_view line = input.substr(0, eol);
  const std::string_view body = eol == std::string_view::npos ? "" : input.substr(eol + 1);
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) return 0;

  api::ApiRequest request;
  request.method = std::string(line.substr(0, space));
  const std::string_view target = line.substr(space + 1);
  const size_t q = target.find('?');
  request.raw_path = std::string(target.substr(0, q));
  request.raw_query = q == std::string_view::npos ? "" : std::string(target.substr(q + 1));
  request.path = api::PercentDecode(request.raw_path).value_or(request.raw_path);
  request.query = api::ParseQuery(request.raw_query).value_or(std::multimap<std::string, std::string>{});
  request.headers = {{"content-type", "application/json"}};
  request.body = body;
  request.caller = world.caller;
  request.service = "signer";
  request.request_id = "fuzz";

  const api::ApiResponse response = world.api->Handle(request);
  SIGNET_FUZZ_CHECK(response.status >= 200 && response.status < 600);
  if (response.status >= 400) {
    const nlohmann::json error = nlohmann::json::parse(response.body, nullptr, false);
    SIGNET_FUZZ_CHECK(error.is_object() && error.contains("code") && error.contains("message"));
    bool typed = false;
    for (const auto& [name, value] : response.headers) {
      if (name == "x-amzn-ErrorType") typed = value == error["code"].get<std::string>();
    }
    SIGNET_FUZZ_CHECK(typed);
  } else if (!response.body.empty()) {
    SIGNET_FUZZ_CHECK(!nlohmann::json::parse(response.body, nullptr, false).is_discarded());
  }
  return 0;
}
