// The metering parts of the API against a real SignerService and Meter: the environment header,
// skip and budget answers (SignerApi), and GET /usage/cost (cost_api.h).
#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/cost_api.h"
#include "api/metering_billing.h"
#include "api/signer_api.h"
#include "core/encoding.h"
#include "metering/meter.h"
#include "signer/signer_service.h"
#include "testing/signer_installation.h"
#include "testing/temp_dir.h"

namespace signet::api {
namespace {

using Json = nlohmann::json;

const signer::Caller kAlice{"111111111111", "arn:aws:iam::111111111111:user/alice"};
const signer::Caller kBob{"222222222222", "arn:aws:iam::222222222222:user/bob"};
constexpr int64_t kNow = 1717200000;  // 2024-06-01T00:00:00Z

constexpr char kConfig[] = R"({
  "default_environment": "staging",
  "environments": {
    "dev": {"signing": "skip"},
    "staging": {},
    "capped": {"budget": {"monthly_micros": 1000000, "warn_at": 0.5, "over_budget": "deny"}}
  }
})";

std::string Header(const ApiResponse& response, std::string_view name) {
  for (const auto& [n, v] : response.headers) {
    if (n == name) return v;
  }
  return "";
}

class MeteringApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ins = test::SignerInstallation::Open(dir_.path(), clock_.Now(), {.buckets = false});
    ASSERT_TRUE(ins.ok()) << ins.status().ToString();
    ins_ = std::move(*ins);
    store_ = ins_.store.get();
    auto config = metering::ParseMeteringConfig(kConfig, "test");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    meter_ = std::make_unique<metering::Meter>(*store_, std::move(*config));
    billing_ = std::make_unique<MeteringBilling>(*meter_);
    signer::SignerOptions options;
    options.clock = &clock_;
    ASSERT_TRUE(ins_.StartService(*billing_, options).ok());
    api_ = std::make_unique<SignerApi>(*ins_.service);
    ApiResponse put = Call("PUT", "/signing-profiles/images", "",
                           R"({"platformId":"Notation-OCI-SHA384-ECDSA"})");
    ASSERT_EQ(put.status, 200) << put.body;
  }

  ApiResponse Call(std::string method, std::string path, std::string query = "",
                   std::string body = "", std::string environment = "",
                   const signer::Caller& caller = kAlice) {
    ApiRequest request;
    request.method = std::move(method);
    request.raw_path = path;
    request.path = path;
    request.raw_query = std::move(query);
    request.query = ParseQuery(request.raw_query).value_or(decltype(request.query){});
    if (!environment.empty()) request.headers.emplace_back("X-Signet-Environment", environment);
    bodies_.push_back(std::move(body));
    request.body = bodies_.back();
    request.caller = caller;
    request.service = "signer";
    if (IsCostReportRequest(request)) return HandleCostReport(request, *store_, clock_);
    return api_->Handle(request);
  }

  ApiResponse Sign(const std::string& environment, const signer::Caller& caller = kAlice) {
    const std::string payload =
        R"({"targetArtifact":{"digest":"sha256:)" + std::string(64, 'b') +
        R"(","mediaType":"application/vnd.oci.image.manifest.v1+json","size":12}})";
    Json body = {{"profileName", "images"},
                 {"payloadFormat", signer::kNotaryPayloadFormat},
                 {"payload", Base64Encode(payload)}};
    if (caller.account != kAlice.account) body["profileOwner"] = kAlice.account;
    return Call("POST", "/signing-jobs/with-payload", "", body.dump(), environment, caller);
  }

  test::TempDir dir_;
  FixedClock clock_{Timestamp(std::chrono::seconds(kNow))};
  // meter_ and billing_ are made over ins_'s store but declared first: the service goes first.
  std::unique_ptr<metering::Meter> meter_;
  std::unique_ptr<MeteringBilling> billing_;
  test::SignerInstallation ins_;
  store::SqliteStore* store_ = nullptr;
  std::unique_ptr<SignerApi> api_;
  std::deque<std::string> bodies_;
};

TEST_F(MeteringApiTest, TheEnvironmentHeaderSkipsSignsAndIsValidated) {
  ApiResponse skipped = Sign("dev");
  EXPECT_EQ(skipped.status, 400);
  EXPECT_EQ(Header(skipped, "x-amzn-ErrorType"), "ValidationException");
  EXPECT_EQ(Header(skipped, "x-signet-signing-skipped"), "true");
  EXPECT_NE(skipped.body.find("signing skipped: environment dev is configured to skip signing"),
            std::string::npos);
  ApiResponse unknown = Sign("qa");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("unknown environment 'qa'"), std::string::npos) << unknown.body;
  EXPECT_EQ(Header(unknown, "x-signet-signing-skipped"), "");
  ApiResponse signed_default = Sign("");
  EXPECT_EQ(signed_default.status, 200) << signed_default.body;
  EXPECT_EQ(signed_default.operation, "SignPayload");
  EXPECT_EQ(Header(signed_default, "x-signet-warning"), "");

  ApiResponse report = Call("GET", "/usage/cost", "by=environment");
  ASSERT_EQ(report.status, 200) << report.body;
  Json j = Json::parse(report.body);
  ASSERT_EQ(j["rows"].size(), 1u);
  EXPECT_EQ(j["rows"][0]["environment"], "staging");
  EXPECT_EQ(j["total"]["costMicros"], 500'000);
}

TEST_F(MeteringApiTest, BudgetWarningsAreReturnedAndDenyIsServiceLimitExceeded) {
  ApiResponse first = Sign("capped");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Header(first, "x-signet-warning"),
            "environment capped has used $0.500000 of its $1.000000 budget for 2024-06 (50%)");
  ASSERT_EQ(Sign("capped").status, 200);
  ApiResponse denied = Sign("capped");
  EXPECT_EQ(denied.status, 402);
  EXPECT_EQ(Header(denied, "x-amzn-ErrorType"), "ServiceLimitExceededException");
  Json j = Json::parse(Call("GET", "/usage/cost", "by=environment&by=profile").body);
  EXPECT_EQ(j["total"]["costMicros"], 1'000'000);
  EXPECT_EQ(j["total"]["signatures"], 2);
}

TEST_F(MeteringApiTest, CostReportsCoverTheCallersAccountAndValidateTheirParameters) {
  ASSERT_EQ(Sign("staging").status, 200);
  Json bob = Json::parse(Call("GET", "/usage/cost", "", "", "", kBob).body);
  EXPECT_EQ(bob["total"]["costMicros"], 0);
  Json month = Json::parse(Call("GET", "/usage/cost", "month=2024-06&by=month,platform").body);
  EXPECT_EQ(month["from"], "2024-06-01T00:00:00Z");
  EXPECT_EQ(month["rows"][0]["month"], "2024-06");
  EXPECT_EQ(month["rows"][0]["platform"], "Notation-OCI-SHA384-ECDSA");
  Json may = Json::parse(Call("GET", "/usage/cost", "from=2024-05-01&to=2024-05-31").body);
  EXPECT_EQ(may["total"]["signatures"], 0);
  EXPECT_EQ(Call("GET", "/usage/cost", "by=region").status, 400);
  EXPECT_EQ(Call("GET", "/usage/cost", "month=2024-06&from=2024-06-01").status, 400);
  EXPECT_EQ(Call("GET", "/usage/cost", "month=2024-06&month=2024-07").status, 400);
  EXPECT_EQ(Call("GET", "/usage/cost", "color=blue").status, 400);
  EXPECT_EQ(Call("GET", "/usage/cost", "from=%ZZ").status, 400);
  ApiResponse post = Call("POST", "/usage/cost");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.operation, "GetCostReport");
}

}  // namespace
}  // namespace signet::api
