// Fuzzes the Lambda REST-JSON layer (api/lambda_api.h) with whole requests, against a real
// LambdaService and deploy gate (SQLite store, file key store, CA in a directory made once).
//
// Input format: first line METHOD SP RAW_TARGET (path ["?" query]); the rest is the body.
// One Enforce code signing config exists (its ARN replaces "{csc}" in the target and body).
//
// Invariants: nothing crashes or throws; every response is a status the API uses, and an error
// response names its Lambda exception in x-amzn-ErrorType, with "Type" and a message member.
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/lambda_api.h"
#include "core/ids.h"
#include "deploy/package_verifier.h"
#include "fuzz_check.h"
#include "testing/signer_installation.h"

namespace {

using namespace signet;

struct World {
  test::SignerInstallation ins;  // store, keys and CA; no SignerService
  std::unique_ptr<deploy::PackageVerifier> verifier;
  std::unique_ptr<deploy::LambdaService> service;
  std::unique_ptr<api::LambdaApi> api;
  signer::Caller caller{"000000000000", "arn:aws:iam::000000000000:user/fuzz"};
  std::string csc;

  World() {
    std::error_code ec;
    const std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec)
                                           ? "/dev/shm"
                                           : std::filesystem::temp_directory_path();
    std::string pattern = (base / "signet-fuzz-XXXXXX").string();
    SIGNET_FUZZ_CHECK(::mkdtemp(pattern.data()) != nullptr);
    const std::filesystem::path dir = pattern;
    ins = test::SignerInstallation::Open(dir, SystemClock().Now(), {.buckets = false}).value();
    verifier = deploy::PackageVerifier::Create({ins.ca->root()}, *ins.store, SystemClock()).value();
    service = std::make_unique<deploy::LambdaService>(*ins.store, nullptr, *verifier,
                                                      deploy::LambdaOptions{});
    api = std::make_unique<api::LambdaApi>(*service);
    auto config = service->CreateCodeSigningConfig(
        caller,
        deploy::CodeSigningConfigInput{
            .allowed_profile_version_arns =
                std::vector<std::string>{
                    "arn:aws:signer:us-east-1:000000000000:/signing-profiles/app/Ab3dE6gH9j"},
            .untrusted_artifact_on_deployment = "Enforce"});
    SIGNET_FUZZ_CHECK(config.ok());
    csc = config->arn;
  }
};

World& TheWorld() {
  static World* world = new World();
  return *world;
}

std::string WithConfig(std::string_view text, const std::string& csc) {
  std::string out(text);
  for (size_t at = out.find("{csc}"); at != std::string::npos; at = out.find("{csc}", at)) {
    out.replace(at, 5, csc);
    at += csc.size();
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& world = TheWorld();
  const std::string input = WithConfig(fuzz::AsBytes(data, size), world.csc);
  const size_t eol = input.find('\n');
  const std::string_view line = std::string_view(input).substr(0, eol);
  const std::string_view body =
      eol == std::string::npos ? "" : std::string_view(input).substr(eol + 1);
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) return 0;

  api::ApiRequest request;
  request.method = std::string(line.substr(0, space));
  const std::string_view target = line.substr(space + 1);
  const size_t q = target.find('?');
  request.raw_path = std::string(target.substr(0, q));
  request.raw_query = q == std::string_view::npos ? "" : std::string(target.substr(q + 1));
  request.path = api::PercentDecode(request.raw_path).value_or(request.raw_path);
  request.query =
      api::ParseQuery(request.raw_query).value_or(std::multimap<std::string, std::string>{});
  request.body = body;
  request.caller = world.caller;
  request.service = "lambda";
  request.request_id = "fuzz";

  const api::ApiResponse response = world.api->Handle(request);
  SIGNET_FUZZ_CHECK(response.status >= 200 && response.status < 600);
  if (response.status >= 400) {
    const nlohmann::json error = nlohmann::json::parse(response.body, nullptr, false);
    SIGNET_FUZZ_CHECK(error.is_object() && error.contains("Type") &&
                      (error.contains("message") || error.contains("Message")));
    bool typed = false;
    for (const auto& [name, value] : response.headers) {
      if (name == "x-amzn-ErrorType") typed = !value.empty();
    }
    SIGNET_FUZZ_CHECK(typed);
  } else if (!response.body.empty()) {
    SIGNET_FUZZ_CHECK(!nlohmann::json::parse(response.body, nullptr, false).is_discarded());
  }
  return 0;
}
