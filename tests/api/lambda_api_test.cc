// Tests of the Lambda REST-JSON API: LambdaApi::Handle driven with constructed requests against a
// real LambdaService (SQLite store, CA, deploy gate) — routes with their version prefixes, status
// codes, Lambda's error shape, pagination and the members rendered.
#include "api/lambda_api.h"

#include <gtest/gtest.h>

#include <deque>
#include <nlohmann/json.hpp>
#include <string>

#include "api/sigv4.h"
#include "core/encoding.h"
#include "core/ids.h"
#include "deploy/package_verifier.h"
#include "store/sqlite_store.h"
#include "testing/signer_installation.h"
#include "testing/temp_dir.h"

namespace signet::api {
namespace {

using Json = nlohmann::json;

const signer::Caller kAlice{"111111111111", "arn:aws:iam::111111111111:user/alice"};
const std::string kProfileVersion =
    "arn:aws:signer:us-east-1:111111111111:/signing-profiles/app/Ab3dE6gH9j";

// A 142-byte ZIP archive holding index.py (stored), made by Python's zipfile; unsigned.
constexpr const char* kZipBase64 =
    "UEsDBBQAAAAAAAAAIQBq3gF4HAAAABwAAAAIAAAAaW5kZXgucHlkZWYgaGFuZGxlcihlLCBjKTogcmV0dXJuIDEKUEsB"
    "AhQDFAAAAAAAAAAhAGreAXgcAAAAHAAAAAgAAAAAAAAAAAAAAIABAAAAAGluZGV4LnB5UEsFBgAAAAABAAEANgAAAEIA"
    "AAAAAA==";

class LambdaApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ins = test::SignerInstallation::Open(dir_.path(), clock_.Now(), {.buckets = false});
    ASSERT_TRUE(ins.ok()) << ins.status().ToString();
    ins_ = std::move(*ins);
    store_ = ins_.store.get();
    verifier_ =
        std::move(deploy::PackageVerifier::Create({ins_.ca->root()}, *store_, clock_)).value();
    service_ = std::make_unique<deploy::LambdaService>(*store_, nullptr, *verifier_,
                                                       deploy::LambdaOptions{.clock = &clock_});
    api_ = std::make_unique<LambdaApi>(*service_);
  }

  ApiResponse Call(std::string method, std::string_view target, const Json& body = nullptr) {
    ApiRequest request;
    request.method = std::move(method);
    const size_t q = target.find('?');
    request.raw_path = std::string(target.substr(0, q));
    request.path = PercentDecode(request.raw_path).value_or(request.raw_path);
    if (q != std::string_view::npos) {
      request.raw_query = std::string(target.substr(q + 1));
      request.query = ParseQuery(request.raw_query).value_or(decltype(request.query){});
    }
    bodies_.push_back(body.is_null() ? "" : body.dump());
    request.body = bodies_.back();
    request.caller = kAlice;
    request.service = "lambda";
    return api_->Handle(request);
  }

  Json Body(const ApiResponse& response, int status) {
    EXPECT_EQ(response.status, status) << response.body;
    return response.body.empty() ? Json() : Json::parse(response.body);
  }

  // Expects Lambda's error shape; returns the message.
  std::string Error(const ApiResponse& response, int status, std::string_view code,
                    std::string_view message_member) {
    EXPECT_EQ(response.status, status) << response.body;
    std::string header;
    for (const auto& [name, value] : response.headers) {
      if (name == "x-amzn-ErrorType") header = value;
    }
    EXPECT_EQ(header, code) << response.body;
    Json body = Json::parse(response.body);
    EXPECT_EQ(body.value("Type", ""), status >= 500 ? "Service" : "User");
    EXPECT_TRUE(body.contains(message_member)) << response.body;
    return body.value(std::string(message_member), "");
  }

  std::string CreateConfig(const char* policy) {
    Json body =
        Body(Call("POST", "/2020-04-22/code-signing-configs/",
                  {{"AllowedPublishers", {{"SigningProfileVersionArns", {kProfileVersion}}}},
                   {"CodeSigningPolicies", {{"UntrustedArtifactOnDeployment", policy}}}}),
             201);
    return body["CodeSigningConfig"]["CodeSigningConfigArn"].get<std::string>();
  }

  Json Function(const std::string& name) {
    return {{"FunctionName", name},
            {"Runtime", "python3.12"},
            {"Role", "arn:aws:iam::111111111111:role/run"},
            {"Handler", "index.handler"},
            {"Code", {{"ZipFile", kZipBase64}}}};
  }

  FixedClock clock_{ParseRfc3339("2026-06-01T12:00:00Z").value()};
  test::TempDir dir_;
  test::SignerInstallation ins_;  // store, keys and CA; no SignerService
  store::SqliteStore* store_ = nullptr;
  std::unique_ptr<deploy::PackageVerifier> verifier_;
  std::unique_ptr<deploy::LambdaService> service_;
  std::unique_ptr<LambdaApi> api_;
  std::deque<std::string> bodies_;
};

TEST_F(LambdaApiTest, CodeSigningConfigsRoundTripWithTheModelsCodes) {
  // The AWS CLI v2 sends the create with a trailing slash.
  ApiResponse created =
      Call("POST", "/2020-04-22/code-signing-configs/",
           {{"Description", "prod"},
            {"AllowedPublishers", {{"SigningProfileVersionArns", {kProfileVersion}}}}});
  Json c = Body(created, 201)["CodeSigningConfig"];
  const std::string arn = c["CodeSigningConfigArn"];
  EXPECT_EQ(c["CodeSigningPolicies"]["UntrustedArtifactOnDeployment"], "Warn");
  EXPECT_EQ(c["AllowedPublishers"]["SigningProfileVersionArns"], Json::array({kProfileVersion}));
  EXPECT_EQ(c["LastModified"], "2026-06-01T12:00:00.000+0000");
  EXPECT_TRUE(IsValidCodeSigningConfigId(c["CodeSigningConfigId"].get<std::string>()));

  const std::string encoded = "/2020-04-22/code-signing-configs/" + UriEncode(arn, true);
  EXPECT_EQ(Body(Call("GET", encoded), 200)["CodeSigningConfig"], c);
  Json updated =
      Body(Call("PUT", encoded,
                {{"CodeSigningPolicies", {{"UntrustedArtifactOnDeployment", "Enforce"}}}}),
           200);
  EXPECT_EQ(updated["CodeSigningConfig"]["CodeSigningPolicies"]["UntrustedArtifactOnDeployment"],
            "Enforce");
  EXPECT_EQ(updated["CodeSigningConfig"]["Description"], "prod");
  Json listed = Body(Call("GET", "/2020-04-22/code-signing-configs"), 200);
  EXPECT_EQ(listed["CodeSigningConfigs"].size(), 1u);
  EXPECT_FALSE(listed.contains("NextMarker"));
  ApiResponse deleted = Call("DELETE", encoded);
  EXPECT_EQ(deleted.status, 204);
  EXPECT_TRUE(deleted.body.empty());
  Error(Call("GET", encoded), 404, "ResourceNotFoundException", "Message");
}

TEST_F(LambdaApiTest, ValidationErrorsAreInvalidParameterValue) {
  Json arns = Json::array();
  for (int i = 0; i < 21; ++i) arns.push_back(kProfileVersion);
  EXPECT_NE(Error(Call("POST", "/2020-04-22/code-signing-configs",
                       {{"AllowedPublishers", {{"SigningProfileVersionArns", arns}}}}),
                  400, "InvalidParameterValueException", "message")
                .find("less than or equal to 20"),
            std::string::npos);
  Error(Call("POST", "/2020-04-22/code-signing-configs", Json::object()), 400,
        "InvalidParameterValueException", "message");
  Error(Call("POST", "/2020-04-22/code-signing-configs", {{"AllowedPublishers", 5}}), 400,
        "InvalidParameterValueException", "message");
  Json bad_zip = Function("fn");
  bad_zip["Code"]["ZipFile"] = "not base64!";
  Error(Call("POST", "/2015-03-31/functions", bad_zip), 400, "InvalidParameterValueException",
        "message");
  Error(Call("GET", "/2015-03-31/functions?MaxItems=0"), 400, "InvalidParameterValueException",
        "message");
  Error(Call("GET", "/2018-10-31/layers/deps/versions/x"), 400, "InvalidParameterValueException",
        "message");
  Error(Call("GET", "/2015-03-31/nothing"), 404, "ResourceNotFoundException", "Message");
  EXPECT_EQ(Call("PATCH", "/2015-03-31/functions").status, 405);
}

TEST_F(LambdaApiTest, TheGateAnswersWithLambdasExceptions) {
  const std::string enforce = CreateConfig("Enforce");
  Json fn = Function("gated");
  fn["CodeSigningConfigArn"] = enforce;
  EXPECT_NE(Error(Call("POST", "/2015-03-31/functions/", fn), 400,
                  "CodeVerificationFailedException", "Message")
                .find("Failed check: mismatch"),
            std::string::npos);
  fn["CodeSigningConfigArn"] =
      "arn:aws:lambda:us-east-1:111111111111:code-signing-config:csc-0000000000000000a";
  Error(Call("POST", "/2015-03-31/functions", fn), 404, "CodeSigningConfigNotFoundException",
        "Message");
  fn["Code"]["ZipFile"] = Base64Encode("definitely not a zip");
  fn["CodeSigningConfigArn"] = enforce;
  Error(Call("POST", "/2015-03-31/functions", fn), 400, "InvalidCodeSignatureException", "Message");

  const std::string warn = CreateConfig("Warn");
  fn = Function("warned");
  fn["CodeSigningConfigArn"] = warn;
  Json created = Body(Call("POST", "/2015-03-31/functions", fn), 201);
  EXPECT_EQ(created["FunctionArn"], "arn:aws:lambda:us-east-1:111111111111:function:warned");
  EXPECT_EQ(created["CodeSize"], 142);
  EXPECT_EQ(created["Version"], "$LATEST");
  EXPECT_FALSE(created.contains("SigningProfileVersionArn"));
  Error(Call("POST", "/2015-03-31/functions", fn), 409, "ResourceConflictException", "message");
  Error(Call("DELETE", "/2020-04-22/code-signing-configs/" + UriEncode(warn, true)), 409,
        "ResourceConflictException", "message");
  Json by_config = Body(
      Call("GET", "/2020-04-22/code-signing-configs/" + UriEncode(warn, true) + "/functions"), 200);
  EXPECT_EQ(by_config["FunctionArns"], Json::array({created["FunctionArn"]}));
  Json attached = Body(Call("GET", "/2020-06-30/functions/warned/code-signing-config"), 200);
  EXPECT_EQ(attached["CodeSigningConfigArn"], warn);
  EXPECT_EQ(Call("DELETE", "/2020-06-30/functions/warned/code-signing-config").status, 204);
  Json put = Body(Call("PUT", "/2020-06-30/functions/warned/code-signing-config",
                       {{"CodeSigningConfigArn", enforce}}),
                  200);
  EXPECT_EQ(put["FunctionName"], "warned");
}

TEST_F(LambdaApiTest, FunctionsPageWithMarkerAndAreDeletedWith204) {
  for (const char* name : {"a", "b", "c"}) {
    Body(Call("POST", "/2015-03-31/functions", Function(name)), 201);
  }
  Json first = Body(Call("GET", "/2015-03-31/functions?MaxItems=2"), 200);
  ASSERT_EQ(first["Functions"].size(), 2u);
  ASSERT_TRUE(first.contains("NextMarker"));
  Json rest = Body(Call("GET", "/2015-03-31/functions?MaxItems=2&Marker=" +
                                   UriEncode(first["NextMarker"].get<std::string>(), true)),
                   200);
  ASSERT_EQ(rest["Functions"].size(), 1u);
  EXPECT_EQ(rest["Functions"][0]["FunctionName"], "c");
  EXPECT_FALSE(rest.contains("NextMarker"));

  Json got = Body(Call("GET", "/2015-03-31/functions/a"), 200);
  EXPECT_EQ(got["Configuration"]["FunctionName"], "a");
  EXPECT_EQ(Body(Call("GET", "/2015-03-31/functions/a/configuration"), 200), got["Configuration"]);
  Json updated =
      Body(Call("PUT", "/2015-03-31/functions/a/code", {{"ZipFile", kZipBase64}, {"DryRun", true}}),
           200);
  EXPECT_NE(updated["RevisionId"], got["Configuration"]["RevisionId"]);
  ApiResponse deleted =
      Call("DELETE", "/2015-03-31/functions/" + UriEncode("arn:aws:lambda:us-east-1:111111111111:"
                                                          "function:a",
                                                          true));
  EXPECT_EQ(deleted.status, 204);
  Error(Call("GET", "/2015-03-31/functions/a"), 404, "ResourceNotFoundException", "Message");
}

TEST_F(LambdaApiTest, LayerVersionsArePublishedWith201) {
  Json layer = Body(Call("POST", "/2018-10-31/layers/deps/versions",
                         {{"Content", {{"ZipFile", kZipBase64}}},
                          {"CompatibleRuntimes", {"python3.12"}},
                          {"Description", "shared code"}}),
                    201);
  EXPECT_EQ(layer["Version"], 1);
  EXPECT_EQ(layer["LayerArn"], "arn:aws:lambda:us-east-1:111111111111:layer:deps");
  EXPECT_EQ(layer["Content"]["CodeSize"], 142);
  EXPECT_EQ(Body(Call("GET", "/2018-10-31/layers/deps/versions/1"), 200), layer);
  Json listed = Body(Call("GET", "/2018-10-31/layers/deps/versions"), 200);
  ASSERT_EQ(listed["LayerVersions"].size(), 1u);
  EXPECT_EQ(listed["LayerVersions"][0]["CompatibleRuntimes"], Json::array({"python3.12"}));
  Error(Call("GET", "/2018-10-31/layers/deps/versions/2"), 404, "ResourceNotFoundException",
        "Message");
  Error(Call("GET", "/2018-10-31/layers/deps/versions?MaxItems=51"), 400,
        "InvalidParameterValueException", "message");
}

}  // namespace
}  // namespace signet::api
