// Tests of the Signer REST-JSON API: SignerApi::Handle driven with constructed requests against a
// real SignerService (SQLite store, file key store, CA and buckets in a temporary directory).
#include "api/signer_api.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cctype>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/aws_error.h"
#include "api/http_message.h"
#include "api/signer_shapes.h"
#include "core/encoding.h"
#include "core/time.h"
#include "crypto/certificate.h"
#include "signer/signer_service.h"
#include "store/bucket_store.h"
#include "testing/fixed_price_billing.h"
#include "testing/signer_installation.h"
#include "testing/temp_dir.h"
#include "zipsig/byte_source.h"

namespace signet::api {
namespace {

using Json = nlohmann::json;

const signer::Caller kAlice{"111111111111", "arn:aws:iam::111111111111:user/alice"};
const signer::Caller kBob{"222222222222", "arn:aws:iam::222222222222:user/bob"};
constexpr std::string_view kNotation = "Notation-OCI-SHA384-ECDSA";
constexpr std::string_view kLambda = "AWSLambda-SHA384-ECDSA";
constexpr int64_t kNow = 1717200000;  // 2024-06-01T00:00:00Z

std::string NotaryPayload() {
  return R"({"targetArtifact":{"digest":"sha256:)" + std::string(64, 'a') +
         R"(","mediaType":"application/vnd.oci.image.manifest.v1+json","size":1234}})";
}

std::string AliceArn(const std::string& name) {
  return "arn:aws:signer:us-east-1:111111111111:/signing-profiles/" + name;
}

// Percent-encodes everything but unreserved characters, as botocore encodes a URI label.
std::string Encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

uint32_t Crc32(std::string_view data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// A one-entry stored ZIP archive.
std::string TinyZip() {
  const std::string name = "index.js";
  const std::string data = "exports.handler = async () => 'hi';\n";
  auto le16 = [](std::string& s, uint16_t v) {
    s += static_cast<char>(v & 0xFF);
    s += static_cast<char>(v >> 8);
  };
  auto le32 = [&](std::string& s, uint32_t v) {
    le16(s, static_cast<uint16_t>(v & 0xFFFF));
    le16(s, static_cast<uint16_t>(v >> 16));
  };
  const uint32_t crc = Crc32(data);
  std::string zip;
  le32(zip, 0x04034b50);
  for (uint16_t v : {20, 0, 0, 0, 0x21}) le16(zip, v);  // version, flags, method, time, date
  le32(zip, crc);
  le32(zip, static_cast<uint32_t>(data.size()));
  le32(zip, static_cast<uint32_t>(data.size()));
  le16(zip, static_cast<uint16_t>(name.size()));
  le16(zip, 0);
  zip += name + data;
  const uint32_t central_offset = static_cast<uint32_t>(zip.size());
  std::string central;
  le32(central, 0x02014b50);
  for (uint16_t v : {20, 20, 0, 0, 0, 0x21}) le16(central, v);
  le32(central, crc);
  le32(central, static_cast<uint32_t>(data.size()));
  le32(central, static_cast<uint32_t>(data.size()));
  le16(central, static_cast<uint16_t>(name.size()));
  for (uint16_t v : {0, 0, 0, 0}) le16(central, v);  // extra, comment, disk, internal attrs
  le32(central, 0);                                  // external attrs
  le32(central, 0);                                  // local header offset
  central += name;
  zip += central;
  le32(zip, 0x06054b50);
  for (uint16_t v : {0, 0, 1, 1}) le16(zip, v);
  le32(zip, static_cast<uint32_t>(central.size()));
  le32(zip, central_offset);
  le16(zip, 0);
  return zip;
}

using TempDir = ::signet::test::TempDir;

class SignerApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ins = test::SignerInstallation::Open(dir_.path(), clock_.Now());
    ASSERT_TRUE(ins.ok()) << ins.status().ToString();
    ins_ = std::move(*ins);
    signer::SignerOptions options;
    options.clock = &clock_;
    ASSERT_TRUE(ins_.StartService(billing_, options).ok());
    service_ = ins_.service.get();
    api_ = std::make_unique<SignerApi>(*service_);
  }

  // `target` is the raw request target: percent-encoded path and optional query.
  ApiResponse Call(std::string method, std::string_view target, std::string body = "",
                   const signer::Caller& caller = kAlice) {
    ApiRequest request;
    request.method = std::move(method);
    const size_t q = target.find('?');
    request.raw_path = std::string(target.substr(0, q));
    request.path = PercentDecode(request.raw_path).value_or(request.raw_path);
    if (q != std::string_view::npos) {
      request.raw_query = std::string(target.substr(q + 1));
      request.query = ParseQuery(request.raw_query).value_or(decltype(request.query){});
    }
    request.headers = {{"Host", "signer.us-east-1.amazonaws.com"},
                       {"Content-Type", "application/x-amz-json-1.1"}};
    bodies_.push_back(std::move(body));
    request.body = bodies_.back();
    request.caller = caller;
    request.service = "signer";
    request.request_id = "test-request";
    return api_->Handle(request);
  }

  // The body of a 200 response, parsed.
  Json Ok(const ApiResponse& response) {
    EXPECT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.content_type, "application/json");
    return Json::parse(response.body);
  }

  // Expects an AWS error with this status and code; returns its message.
  std::string Error(const ApiResponse& response, int status, std::string_view code) {
    EXPECT_EQ(response.status, status) << response.body;
    std::string header;
    for (const auto& [name, value] : response.headers) {
      if (name == "x-amzn-ErrorType") header = value;
    }
    EXPECT_EQ(header, code) << response.body;
    Json body = Json::parse(response.body);
    EXPECT_EQ(body.value("code", ""), code);
    return body.value("message", "");
  }

  // PutSigningProfile; returns its response.
  Json Put(const std::string& name, std::string_view platform = kNotation,
           const signer::Caller& caller = kAlice, Json extra = Json::object()) {
    extra["platformId"] = platform;
    return Ok(Call("PUT", "/signing-profiles/" + name, extra.dump(), caller));
  }

  Json Sign(const std::string& profile, const signer::Caller& caller = kAlice,
            std::string_view owner = "") {
    Json body = {{"profileName", profile},
                 {"payload", Base64Encode(NotaryPayload())},
                 {"payloadFormat", signer::kNotaryPayloadFormat}};
    if (!owner.empty()) body["profileOwner"] = owner;
    return Ok(Call("POST", "/signing-jobs/with-payload", body.dump(), caller));
  }

  ApiResponse SignRaw(Json body) { return Call("POST", "/signing-jobs/with-payload", body.dump()); }

  Json SignBody(std::string payload, std::string format = std::string(signer::kNotaryPayloadFormat),
                std::string profile = "notation") {
    return {{"profileName", profile},
            {"payload", Base64Encode(payload)},
            {"payloadFormat", std::move(format)}};
  }

  FixedClock clock_{Timestamp(std::chrono::seconds(kNow))};
  TempDir dir_;
  test::FixedPriceBilling billing_;
  test::SignerInstallation ins_;  // after billing_: its service is destroyed first
  signer::SignerService* service_ = nullptr;
  std::unique_ptr<SignerApi> api_;
  std::deque<std::string> bodies_;
};

// --- HTTP layer ----------------------------------------------------------------------------------

TEST(HttpMessageTest, HeadersAreCaseInsensitive) {
  ApiRequest request;
  request.headers = {{"X-Amz-Date", "20240101T000000Z"}, {"x-amz-date", "second"}};
  EXPECT_EQ(request.Header("x-amz-date"), "20240101T000000Z");
  EXPECT_TRUE(request.HasHeader("X-AMZ-DATE"));
  EXPECT_FALSE(request.HasHeader("Authorization"));
  EXPECT_EQ(request.Header("Authorization"), "");
}

TEST(HttpMessageTest, PercentDecodeAndQuery) {
  EXPECT_EQ(PercentDecode("arn%3Aaws%2Fx+y%20z").value(), "arn:aws/x+y z");
  EXPECT_FALSE(PercentDecode("%4").has_value());
  EXPECT_FALSE(PercentDecode("%zz").has_value());
  auto q = ParseQuery("statuses=Active&statuses=Revoked&flag&e=&t=2024-01-02T03%3A04%3A05Z");
  ASSERT_TRUE(q.has_value());
  ApiRequest request;
  request.query = *q;
  EXPECT_EQ(request.QueryAll("statuses"), (std::vector<std::string>{"Active", "Revoked"}));
  EXPECT_EQ(request.Query("flag").value(), "");
  EXPECT_EQ(request.Query("e").value(), "");
  EXPECT_EQ(request.Query("t").value(), "2024-01-02T03:04:05Z");
  EXPECT_FALSE(request.Query("missing").has_value());
  EXPECT_FALSE(ParseQuery("a=%G1").has_value());
}

TEST(AwsErrorTest, ShapeAndStatusMapping) {
  ApiResponse r = JsonErrorResponse(ValidationError("bad \"x\""));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/json");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "x-amzn-ErrorType");
  EXPECT_EQ(r.headers[0].second, "ValidationException");
  EXPECT_EQ(Json::parse(r.body), (Json{{"message", "bad \"x\""}, {"code", "ValidationException"}}));

  EXPECT_EQ(AwsErrorFromStatus(NotFoundError("x")).http_status, 404);
  EXPECT_EQ(AwsErrorFromStatus(PermissionDeniedError("x")).code, "AccessDeniedException");
  EXPECT_EQ(AwsErrorFromStatus(FailedPreconditionError("x")).http_status, 409);
  EXPECT_EQ(AwsErrorFromStatus(AlreadyExistsError("x")).code, "ConflictException");
  EXPECT_EQ(AwsErrorFromStatus(UnavailableError("x")).http_status, 429);
  AwsError internal = AwsErrorFromStatus(::signet::InternalError("secret detail /var/lib/signet"));
  EXPECT_EQ(internal.http_status, 500);
  EXPECT_EQ(internal.code, "InternalServiceErrorException");
  EXPECT_EQ(internal.message.find("secret"), std::string::npos);
}

TEST_F(SignerApiTest, UnknownRoutesAndWrongMethods) {
  Error(Call("GET", "/nothing-here"), 404, "UnknownOperationException");
  Error(Call("GET", "/signing-profiles/a/b/c/d/e"), 404, "UnknownOperationException");
  Error(Call("GET", "/"), 404, "UnknownOperationException");
  ApiResponse wrong = Call("PATCH", "/signing-profiles/name");
  Error(wrong, 405, "MethodNotAllowedException");
  Error(Call("POST", "/signing-platforms"), 405, "MethodNotAllowedException");
  Error(Call("GET", "/signing-profiles/name%ZZ"), 400, "ValidationException");
  // A trailing slash is tolerated.
  Ok(Call("GET", "/signing-platforms/"));
}

// --- Profiles ------------------------------------------------------------------------------------

TEST_F(SignerApiTest, PutAndGetSigningProfile) {
  Json put = Put("notation", kNotation, kAlice,
                 {{"signatureValidityPeriod", {{"value", 12}, {"type", "MONTHS"}}},
                  {"signingParameters", {{"k", "v"}}},
                  {"overrides", {{"signingImageFormat", "JSONEmbedded"}}},
                  {"tags", {{"team", "platform"}}},
                  {"unknownMember", 42}});
  EXPECT_EQ(put["arn"], AliceArn("notation"));
  const std::string version = put["profileVersion"];
  EXPECT_EQ(version.size(), 10u);
  EXPECT_EQ(put["profileVersionArn"], AliceArn("notation") + "/" + version);

  Json got = Ok(Call("GET", "/signing-profiles/notation"));
  EXPECT_EQ(got["profileName"], "notation");
  EXPECT_EQ(got["profileVersion"], version);
  EXPECT_EQ(got["profileVersionArn"], put["profileVersionArn"]);
  EXPECT_EQ(got["arn"], AliceArn("notation"));
  EXPECT_EQ(got["platformId"], kNotation);
  EXPECT_FALSE(got["platformDisplayName"].get<std::string>().empty());
  EXPECT_EQ(got["signatureValidityPeriod"], (Json{{"value", 12}, {"type", "MONTHS"}}));
  EXPECT_EQ(got["signingParameters"], (Json{{"k", "v"}}));
  EXPECT_EQ(got["overrides"], (Json{{"signingImageFormat", "JSONEmbedded"}}));
  EXPECT_EQ(got["tags"], (Json{{"team", "platform"}}));
  EXPECT_EQ(got["status"], "Active");
  EXPECT_FALSE(got.contains("signingMaterial"));
  EXPECT_FALSE(got.contains("revocationRecord"));
  EXPECT_FALSE(got.contains("statusReason"));

  // Defaults: 135 months, no overrides.
  Put("lambda_1", kLambda);
  Json lambda = Ok(Call("GET", "/signing-profiles/lambda_1/"));
  EXPECT_EQ(lambda["signatureValidityPeriod"], (Json{{"value", 135}, {"type", "MONTHS"}}));
  EXPECT_FALSE(lambda.contains("overrides"));
  EXPECT_FALSE(lambda.contains("tags"));
}

TEST_F(SignerApiTest, PutSigningProfileValidation) {
  auto put = [&](const std::string& name, const std::string& body) {
    return Call("PUT", "/signing-profiles/" + name, body);
  };
  EXPECT_NE(Error(put("p1", "{\"platformId\": "), 400, "ValidationException")
                .find("request body is not valid JSON"),
            std::string::npos);
  Error(put("p1", "[1,2]"), 400, "ValidationException");
  EXPECT_NE(Error(put("p1", "{}"), 400, "ValidationException").find("'platformId'"),
            std::string::npos);
  EXPECT_NE(Error(put("p1", R"({"platformId": 7})"), 400, "ValidationException").find("platformId"),
            std::string::npos);
  const std::string ok = R"({"platformId": "Notation-OCI-SHA384-ECDSA"})";
  Error(put("a", ok), 400, "ValidationException");
  Error(put("bad-name", ok), 400, "ValidationException");
  Error(put(std::string(65, 'x'), ok), 400, "ValidationException");
  Error(put("p1", "null"), 400, "ValidationException");
  // The platforms hash with SHA-384 (GetSigningPlatform says so), so that override is accepted.
  Ok(put("sha384", R"({"platformId": "Notation-OCI-SHA384-ECDSA",
                       "overrides": {"signingConfiguration": {"hashAlgorithm": "SHA384"}}})"));
  Error(put("p1", R"({"platformId": "Notation-OCI-SHA384-ECDSA",
                      "overrides": {"signingConfiguration": {"hashAlgorithm": "MD5"}}})"),
        400, "ValidationException");
  Error(put("p1", R"({"platformId": "NoSuchPlatform"})"), 400, "ValidationException");
  EXPECT_NE(Error(put("p1", R"({"platformId": "Notation-OCI-SHA384-ECDSA",
                               "signatureValidityPeriod": {"value": "12", "type": "DAYS"}})"),
                  400, "ValidationException")
                .find("signatureValidityPeriod.value"),
            std::string::npos);
  Error(put("p1", R"({"platformId": "Notation-OCI-SHA384-ECDSA",
                      "signatureValidityPeriod": {"value": 12, "type": "WEEKS"}})"),
        400, "ValidationException");
  Error(put("p1", R"({"platformId": "Notation-OCI-SHA384-ECDSA",
                      "signatureValidityPeriod": {"value": 200, "type": "MONTHS"}})"),
        400, "ValidationException");
  Error(put("p1", R"({"platformId": "Notation-OCI-SHA384-ECDSA",
                      "signingMaterial": {"certificateArn": "arn:aws:acm:x"}})"),
        400, "ValidationException");
  Error(put("p1", R"({"platformId": "Notation-OCI-SHA384-ECDSA",
                      "overrides": {"signingConfiguration": {"encryptionAlgorithm": "DSA"}}})"),
        400, "ValidationException");
  Error(put("p1", R"({"platformId": "Notation-OCI-SHA384-ECDSA",
                      "overrides": {"signingConfiguration": {"encryptionAlgorithm": "RSA"}}})"),
        400, "ValidationException");
  Error(put("p1", R"({"platformId": "Notation-OCI-SHA384-ECDSA", "signingParameters": {"a": 1}})"),
        400, "ValidationException");
  Error(put("p1", R"({"platformId": "Notation-OCI-SHA384-ECDSA", "tags": {"aws:owner": "x"}})"),
        400, "ValidationException");
  Error(put("p1", R"({"platformId": "Notation-OCI-SHA384-ECDSA", "tags": {"has space": "x"}})"),
        400, "ValidationException");
  Json long_value = {{"platformId", kNotation}, {"tags", {{"k", std::string(257, 'v')}}}};
  Error(put("p1", long_value.dump()), 400, "ValidationException");
  Json many = {{"platformId", kNotation}, {"tags", Json::object()}};
  for (int i = 0; i < 201; ++i) many["tags"]["k" + std::to_string(i)] = "v";
  Error(put("p1", many.dump()), 400, "ValidationException");
  Error(Call("GET", "/signing-profiles/p1"), 404, "ResourceNotFoundException");
}

// AWS accepts profile names of up to 64 characters; the leaf certificate's CN must not limit them.
TEST_F(SignerApiTest, SixtyFourCharacterProfileNameIsAccepted) {
  const std::string name(64, 'x');
  Json put = Ok(
      Call("PUT", "/signing-profiles/" + name, R"({"platformId": "Notation-OCI-SHA384-ECDSA"})"));
  EXPECT_EQ(put["arn"], AliceArn(name));
  EXPECT_EQ(Ok(Call("GET", "/signing-profiles/" + name))["profileName"], name);
}

TEST_F(SignerApiTest, CrossAccountGetSigningProfile) {
  Put("shared");
  Error(Call("GET", "/signing-profiles/shared?profileOwner=12345"), 400, "ValidationException");
  Error(Call("GET", "/signing-profiles/shared?profileOwner=111111111111", "", kBob), 403,
        "AccessDeniedException");
  // A profile Bob may not use is not revealed to exist either.
  Error(Call("GET", "/signing-profiles/nothere?profileOwner=111111111111", "", kBob), 403,
        "AccessDeniedException");
  Ok(Call("POST", "/signing-profiles/shared/permissions",
          R"({"action": "signer:GetSigningProfile", "principal": "222222222222",
              "statementId": "bob-get"})"));
  Json got = Ok(Call("GET", "/signing-profiles/shared?profileOwner=111111111111", "", kBob));
  EXPECT_EQ(got["arn"], AliceArn("shared"));
}

TEST_F(SignerApiTest, ListSigningProfilesPaginatesAndFilters) {
  for (const char* name : {"alpha", "bravo", "charlie"}) Put(name);
  Put("delta", kLambda);
  Json first = Ok(Call("GET", "/signing-profiles?maxResults=3"));
  ASSERT_EQ(first["profiles"].size(), 3u);
  ASSERT_TRUE(first.contains("nextToken"));
  Json second = Ok(Call("GET", "/signing-profiles?maxResults=3&nextToken=" +
                                   Encode(first["nextToken"].get<std::string>())));
  ASSERT_EQ(second["profiles"].size(), 1u);
  EXPECT_FALSE(second.contains("nextToken"));
  std::set<std::string> names;
  for (const Json& p : first["profiles"]) names.insert(p["profileName"]);
  for (const Json& p : second["profiles"]) names.insert(p["profileName"]);
  EXPECT_EQ(names, (std::set<std::string>{"alpha", "bravo", "charlie", "delta"}));
  const Json& item = first["profiles"][0];
  for (const char* member :
       {"profileName", "profileVersion", "profileVersionArn", "arn", "platformId",
        "platformDisplayName", "signatureValidityPeriod", "status"}) {
    EXPECT_TRUE(item.contains(member)) << member;
  }
  EXPECT_FALSE(item.contains("signingMaterial"));

  Json lambda = Ok(Call("GET", "/signing-profiles?platformId=AWSLambda-SHA384-ECDSA"));
  ASSERT_EQ(lambda["profiles"].size(), 1u);
  EXPECT_EQ(lambda["profiles"][0]["profileName"], "delta");

  Ok(Call("DELETE", "/signing-profiles/alpha"));
  EXPECT_EQ(Ok(Call("GET", "/signing-profiles"))["profiles"].size(), 3u);
  EXPECT_EQ(Ok(Call("GET", "/signing-profiles?includeCanceled=true"))["profiles"].size(), 4u);
  Json canceled = Ok(Call("GET", "/signing-profiles?includeCanceled=true&statuses=Canceled"));
  ASSERT_EQ(canceled["profiles"].size(), 1u);
  EXPECT_EQ(canceled["profiles"][0]["status"], "Canceled");
  Json got = Ok(Call("GET", "/signing-profiles/alpha"));
  EXPECT_EQ(got["status"], "Canceled");

  Error(Call("GET", "/signing-profiles?maxResults=0"), 400, "ValidationException");
  Error(Call("GET", "/signing-profiles?maxResults=26"), 400, "ValidationException");
  EXPECT_NE(Error(Call("GET", "/signing-profiles?maxResults=ten"), 400, "ValidationException")
                .find("maxResults"),
            std::string::npos);
  Error(Call("GET", "/signing-profiles?statuses=Active&statuses=Dead"), 400, "ValidationException");
  Error(Call("GET", "/signing-profiles?includeCanceled=yes"), 400, "ValidationException");
  Error(Call("GET", "/signing-profiles?nextToken=garbage"), 400, "ValidationException");
  Error(Call("DELETE", "/signing-profiles/nobody"), 404, "ResourceNotFoundException");
}

TEST_F(SignerApiTest, RevokeSigningProfile) {
  const std::string version = Put("revokable")["profileVersion"];
  auto revoke = [&](Json body) {
    return Call("PUT", "/signing-profiles/revokable/revoke", body.dump());
  };
  const Json base = {{"profileVersion", version}, {"reason", "key compromise"}};
  Json future = base;
  future["effectiveTime"] = kNow + 3600;
  Error(revoke(future), 400, "ValidationException");
  Json missing_reason = {{"profileVersion", version}, {"effectiveTime", kNow}};
  EXPECT_NE(Error(revoke(missing_reason), 400, "ValidationException").find("'reason'"),
            std::string::npos);
  Json long_reason = base;
  long_reason["reason"] = std::string(501, 'r');
  long_reason["effectiveTime"] = kNow;
  Error(revoke(long_reason), 400, "ValidationException");
  Json bad_version = base;
  bad_version["profileVersion"] = "short";
  bad_version["effectiveTime"] = kNow;
  Error(revoke(bad_version), 400, "ValidationException");
  Json bad_time = base;
  bad_time["effectiveTime"] = "yesterday";
  Error(revoke(bad_time), 400, "ValidationException");
  Json unknown = base;
  unknown["effectiveTime"] = kNow;
  unknown["profileVersion"] = "ABCDEFGHIJ";
  Error(revoke(unknown), 404, "ResourceNotFoundException");

  Json ok = base;
  ok["effectiveTime"] = kNow - 100 + 0.75;  // fractional epoch seconds
  Ok(revoke(ok));
  Json later = base;
  later["effectiveTime"] = kNow - 50;
  Error(revoke(later), 400, "ValidationException");
  Json earlier = base;
  earlier["effectiveTime"] = kNow - 200;
  Ok(revoke(earlier));

  Json got = Ok(Call("GET", "/signing-profiles/revokable"));
  EXPECT_EQ(got["status"], "Revoked");
  ASSERT_TRUE(got.contains("revocationRecord"));
  EXPECT_EQ(got["revocationRecord"]["revocationEffectiveFrom"], kNow - 200);
  EXPECT_EQ(got["revocationRecord"]["revokedBy"], kAlice.principal_arn);
  EXPECT_TRUE(got["revocationRecord"]["revokedAt"].is_number_integer());
}

// --- Permissions ---------------------------------------------------------------------------------

TEST_F(SignerApiTest, ProfilePermissions) {
  Put("perm");
  const std::string path = "/signing-profiles/perm/permissions";
  Json empty = Ok(Call("GET", path));
  EXPECT_EQ(empty["permissions"], Json::array());
  EXPECT_FALSE(empty.contains("nextToken"));

  Json add = {
      {"action", "signer:SignPayload"}, {"principal", "222222222222"}, {"statementId", "s1"}};
  const std::string r1 = Ok(Call("POST", path, add.dump()))["revisionId"];
  EXPECT_FALSE(r1.empty());
  Json stale = add;
  stale["statementId"] = "s2";
  stale["revisionId"] = "not-the-revision";
  Error(Call("POST", path, stale.dump()), 409, "ConflictException");
  Error(Call("POST", path, add.dump()), 409, "ConflictException");  // statementId in use
  Json bad_action = add;
  bad_action["statementId"] = "s3";
  bad_action["action"] = "signer:Everything";
  Error(Call("POST", path, bad_action.dump()), 400, "ValidationException");
  Json no_principal = {{"action", "signer:SignPayload"}, {"statementId", "s4"}};
  EXPECT_NE(Error(Call("POST", path, no_principal.dump()), 400, "ValidationException")
                .find("'principal'"),
            std::string::npos);
  Json bad_version = add;
  bad_version["statementId"] = "s5";
  bad_version["profileVersion"] = "x";
  Error(Call("POST", path, bad_version.dump()), 400, "ValidationException");
  Error(Call("POST", "/signing-profiles/ghost/permissions", add.dump()), 404,
        "ResourceNotFoundException");

  Json v2 = add;
  v2["statementId"] = "s2";
  v2["revisionId"] = r1;
  v2["profileVersion"] = Ok(Call("GET", "/signing-profiles/perm"))["profileVersion"];
  const std::string r2 = Ok(Call("POST", path, v2.dump()))["revisionId"];
  EXPECT_NE(r1, r2);

  Json listed = Ok(Call("GET", path));
  EXPECT_EQ(listed["revisionId"], r2);
  ASSERT_EQ(listed["permissions"].size(), 2u);
  EXPECT_EQ(listed["permissions"][0], (Json{{"action", "signer:SignPayload"},
                                            {"principal", "222222222222"},
                                            {"statementId", "s1"}}));
  EXPECT_EQ(listed["permissions"][1]["profileVersion"], v2["profileVersion"]);
  const int64_t size = listed["policySizeBytes"];
  EXPECT_GT(size, 100);

  Error(Call("DELETE", path + "/s1"), 400, "ValidationException");  // revisionId required
  Error(Call("DELETE", path + "/s1?revisionId=stale"), 409, "ConflictException");
  const std::string r3 = Ok(Call("DELETE", path + "/s1?revisionId=" + Encode(r2)))["revisionId"];
  EXPECT_NE(r3, r2);
  Json after = Ok(Call("GET", path));
  ASSERT_EQ(after["permissions"].size(), 1u);
  EXPECT_LT(after["policySizeBytes"].get<int64_t>(), size);
}

// --- Tags ----------------------------------------------------------------------------------------

TEST_F(SignerApiTest, TagsOnUrlEncodedArns) {
  Put("tagged", kNotation, kAlice, {{"tags", {{"a", "1"}}}});
  const std::string tags_path = "/tags/" + Encode(AliceArn("tagged"));
  ASSERT_NE(tags_path.find("%3A"), std::string::npos);
  ASSERT_NE(tags_path.find("%2F"), std::string::npos);
  EXPECT_EQ(Ok(Call("GET", tags_path))["tags"], (Json{{"a", "1"}}));
  EXPECT_EQ(Ok(Call("POST", tags_path, R"({"tags": {"b": "2", "c/d:e": ""}})")), Json::object());
  EXPECT_EQ(Ok(Call("GET", tags_path))["tags"], (Json{{"a", "1"}, {"b", "2"}, {"c/d:e", ""}}));
  Ok(Call("DELETE", tags_path + "?tagKeys=a&tagKeys=c%2Fd%3Ae"));
  EXPECT_EQ(Ok(Call("GET", tags_path))["tags"], (Json{{"b", "2"}}));
  // A client that leaves the ARN's slashes unencoded is understood too.
  EXPECT_EQ(Ok(Call("GET", "/tags/" + AliceArn("tagged")))["tags"], (Json{{"b", "2"}}));
  EXPECT_EQ(Ok(Call("GET", "/signing-profiles/tagged"))["tags"], (Json{{"b", "2"}}));

  // The tagging operations answer BadRequestException / NotFoundException.
  Error(Call("POST", tags_path, "{}"), 400, "BadRequestException");
  Error(Call("POST", tags_path, "{bad json"), 400, "BadRequestException");
  Error(Call("POST", tags_path, R"({"tags": {"aws:x": "1"}})"), 400, "BadRequestException");
  Error(Call("POST", tags_path, R"({"tags": {"k": 1}})"), 400, "BadRequestException");
  Error(Call("DELETE", tags_path), 400, "BadRequestException");
  Error(Call("GET", "/tags/" + Encode("arn:aws:s3:::bucket-name")), 400, "BadRequestException");
  Error(Call("GET", "/tags/" + Encode(AliceArn("ghost"))), 404, "NotFoundException");
  Error(Call("GET", tags_path, "", kBob), 404, "NotFoundException");
}

// --- Signing -------------------------------------------------------------------------------------

TEST_F(SignerApiTest, SignPayloadShapeAndJob) {
  Put("notation");
  Json signed_payload = Sign("notation");
  const std::string job_id = signed_payload["jobId"];
  EXPECT_EQ(signed_payload["jobOwner"], kAlice.account);
  EXPECT_TRUE(signed_payload["metadata"].is_object());
  auto envelope = Base64Decode(signed_payload["signature"].get<std::string>());
  ASSERT_TRUE(envelope.ok());
  Json jws = Json::parse(*envelope);
  EXPECT_TRUE(jws.contains("protected"));
  EXPECT_TRUE(jws.contains("signature"));

  Json job = Ok(Call("GET", "/signing-jobs/" + job_id));
  EXPECT_EQ(job["jobId"], job_id);
  EXPECT_EQ(job["status"], "Succeeded");
  EXPECT_EQ(job["profileName"], "notation");
  EXPECT_EQ(job["platformId"], kNotation);
  EXPECT_EQ(job["requestedBy"], kAlice.principal_arn);
  EXPECT_EQ(job["jobOwner"], kAlice.account);
  EXPECT_EQ(job["jobInvoker"], kAlice.account);
  EXPECT_EQ(job["createdAt"], kNow);
  EXPECT_EQ(job["completedAt"], kNow);
  EXPECT_GT(job["signatureExpiresAt"].get<int64_t>(), kNow);
  EXPECT_FALSE(job.contains("source"));
  EXPECT_FALSE(job.contains("revocationRecord"));
  EXPECT_FALSE(job.contains("signingMaterial"));

  Error(Call("GET", "/signing-jobs/" + job_id, "", kBob), 403, "AccessDeniedException");
  Error(Call("GET", "/signing-jobs/00000000-0000-4000-8000-000000000000"), 404,
        "ResourceNotFoundException");
  Error(Call("GET", "/signing-jobs/not-a-job"), 404, "ResourceNotFoundException");
}

// SignPayload writes its response itself (the signature blob past nlohmann): the answer is still
// the JSON response, named for the metrics, and exactly what Dump gives for it.
TEST_F(SignerApiTest, SignPayloadResponseIsTheDumpOfItsShape) {
  Put("notation");
  const ApiResponse response = SignRaw(SignBody(NotaryPayload()));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.operation, "SignPayload");
  const Json parsed = Json::parse(response.body);
  std::vector<std::string> keys;
  for (const auto& [key, value] : parsed.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"jobId", "jobOwner", "metadata", "signature"}));
  EXPECT_EQ(response.body, shapes::Dump(parsed));
}

TEST(SignerShapesTest, DumpWithBase64MemberIsTheDumpOfTheWholeObject) {
  std::string bytes;
  for (int i = 0; i < 5000; ++i) bytes += static_cast<char>(i * 7);
  const std::string blob = Base64Encode(bytes);
  // The other members keep Dump's escaping, and its replacement of bytes that are not UTF-8.
  const Json members = {{"jobId", "8d5f5c5e-0c34-4c1e-9f39-1f1f1f1f1f1f"},
                        {"jobOwner", "a \"quoted\" \\ <b>\n\x01 \xc3\xa9 \xff"},
                        {"metadata", {{"k", "v"}}}};
  Json whole = members;
  whole["signature"] = blob;
  EXPECT_EQ(shapes::DumpWithBase64Member(members, "signature", blob), shapes::Dump(whole));
  EXPECT_EQ(shapes::DumpWithBase64Member(Json::object(), "signature", "QQ=="),
            R"({"signature":"QQ=="})");
}

TEST_F(SignerApiTest, SignPayloadRefusals) {
  Put("notation");
  Put("lambda", kLambda);
  Put("gone");
  Ok(Call("DELETE", "/signing-profiles/gone"));
  Error(SignRaw(SignBody(NotaryPayload(), "application/json")), 400, "ValidationException");
  EXPECT_NE(Error(SignRaw(SignBody("")), 400, "ValidationException").find("payload"),
            std::string::npos);
  Error(SignRaw(SignBody(std::string(4097, '{'))), 400, "ValidationException");
  Error(SignRaw(SignBody("not a notary payload")), 400, "ValidationException");
  Error(SignRaw(SignBody(NotaryPayload(), std::string(signer::kNotaryPayloadFormat), "lambda")),
        400, "ValidationException");
  Error(SignRaw(SignBody(NotaryPayload(), std::string(signer::kNotaryPayloadFormat), "gone")), 400,
        "ValidationException");
  Error(SignRaw(SignBody(NotaryPayload(), std::string(signer::kNotaryPayloadFormat), "ghost")), 404,
        "ResourceNotFoundException");
  Json not_base64 = SignBody(NotaryPayload());
  not_base64["payload"] = "###";
  Error(SignRaw(not_base64), 400, "ValidationException");
  Json wrong_type = SignBody(NotaryPayload());
  wrong_type["payload"] = 12;
  EXPECT_NE(Error(SignRaw(wrong_type), 400, "ValidationException").find("payload"),
            std::string::npos);
  Json bad_owner = SignBody(NotaryPayload());
  bad_owner["profileOwner"] = "me";
  Error(SignRaw(bad_owner), 400, "ValidationException");
  Error(SignRaw({{"payload", "e30="}, {"payloadFormat", "x"}}), 400, "ValidationException");
}

TEST_F(SignerApiTest, CrossAccountSignPayload) {
  Put("shared");
  Json body = SignBody(NotaryPayload(), std::string(signer::kNotaryPayloadFormat), "shared");
  body["profileOwner"] = kAlice.account;
  Error(Call("POST", "/signing-jobs/with-payload", body.dump(), kBob), 403,
        "AccessDeniedException");
  Ok(Call("POST", "/signing-profiles/shared/permissions",
          R"({"action": "signer:SignPayload", "principal": "arn:aws:iam::222222222222:user/bob",
              "statementId": "bob-sign"})"));
  Json signed_payload = Ok(Call("POST", "/signing-jobs/with-payload", body.dump(), kBob));
  EXPECT_EQ(signed_payload["jobOwner"], kAlice.account);
  Json job =
      Ok(Call("GET", "/signing-jobs/" + signed_payload["jobId"].get<std::string>(), "", kBob));
  EXPECT_EQ(job["jobInvoker"], kBob.account);
  EXPECT_EQ(job["jobOwner"], kAlice.account);
}

TEST_F(SignerApiTest, ListSigningJobsAndRevokeSignature) {
  Put("notation");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(Sign("notation")["jobId"]);

  Json first = Ok(Call("GET", "/signing-jobs?maxResults=2"));
  ASSERT_EQ(first["jobs"].size(), 2u);
  ASSERT_TRUE(first.contains("nextToken"));
  Json rest = Ok(Call("GET", "/signing-jobs?maxResults=2&nextToken=" +
                                 Encode(first["nextToken"].get<std::string>())));
  ASSERT_EQ(rest["jobs"].size(), 1u);
  EXPECT_FALSE(rest.contains("nextToken"));
  std::set<std::string> seen;
  for (const Json& j : first["jobs"]) seen.insert(j["jobId"]);
  for (const Json& j : rest["jobs"]) seen.insert(j["jobId"]);
  EXPECT_EQ(seen, std::set<std::string>(ids.begin(), ids.end()));
  const Json& item = first["jobs"][0];
  EXPECT_EQ(item["isRevoked"], false);
  EXPECT_EQ(item["status"], "Succeeded");
  for (const char* member :
       {"jobId", "createdAt", "profileName", "profileVersion", "platformId", "platformDisplayName",
        "signatureExpiresAt", "jobOwner", "jobInvoker"}) {
    EXPECT_TRUE(item.contains(member)) << member;
  }

  const std::string revoke_path = "/signing-jobs/" + ids[0] + "/revoke";
  Error(Call("PUT", revoke_path, "{}"), 400, "ValidationException");
  EXPECT_NE(Error(Call("PUT", revoke_path, R"({"reason": 5})"), 400, "ValidationException")
                .find("reason"),
            std::string::npos);
  Error(Call("PUT", revoke_path, R"({"reason": "x", "jobOwner": "abc"})"), 400,
        "ValidationException");
  Error(Call("PUT", "/signing-jobs/00000000-0000-4000-8000-000000000000/revoke",
             R"({"reason": "x"})"),
        404, "ResourceNotFoundException");
  Error(Call("PUT", revoke_path, R"({"reason": "stolen"})", kBob), 403, "AccessDeniedException");
  Ok(Call("PUT", revoke_path, R"({"reason": "stolen"})"));
  Json job = Ok(Call("GET", "/signing-jobs/" + ids[0]));
  ASSERT_TRUE(job.contains("revocationRecord"));
  EXPECT_EQ(job["revocationRecord"]["reason"], "stolen");
  EXPECT_EQ(job["revocationRecord"]["revokedBy"], kAlice.principal_arn);
  EXPECT_EQ(job["revocationRecord"]["revokedAt"], kNow);

  Json revoked = Ok(Call("GET", "/signing-jobs?isRevoked=true"));
  ASSERT_EQ(revoked["jobs"].size(), 1u);
  EXPECT_EQ(revoked["jobs"][0]["jobId"], ids[0]);
  EXPECT_EQ(revoked["jobs"][0]["isRevoked"], true);
  EXPECT_EQ(Ok(Call("GET", "/signing-jobs?isRevoked=false&status=Succeeded"))["jobs"].size(), 2u);
  EXPECT_EQ(Ok(Call("GET", "/signing-jobs?status=Failed"))["jobs"].size(), 0u);
  EXPECT_EQ(Ok(Call("GET", "/signing-jobs?platformId=AWSLambda-SHA384-ECDSA"))["jobs"].size(), 0u);
  EXPECT_EQ(Ok(Call("GET", "/signing-jobs?jobInvoker=111111111111"))["jobs"].size(), 3u);
  EXPECT_EQ(Ok(Call("GET", "/signing-jobs", "", kBob))["jobs"].size(), 0u);

  // Signatures expire 135 months from now: after 2030, before 2040; all three query forms.
  EXPECT_EQ(Ok(Call("GET", "/signing-jobs?signatureExpiresAfter=2030-01-01T00%3A00%3A00Z"))["jobs"]
                .size(),
            3u);
  EXPECT_EQ(
      Ok(Call("GET", "/signing-jobs?signatureExpiresBefore=2040-01-01T00%3A00%3A00.000Z"))["jobs"]
          .size(),
      3u);
  EXPECT_EQ(Ok(Call("GET", "/signing-jobs?signatureExpiresBefore=1893456000"))["jobs"].size(), 0u);
  Error(Call("GET", "/signing-jobs?signatureExpiresBefore=soon"), 400, "ValidationException");
  Error(Call("GET", "/signing-jobs?status=Done"), 400, "ValidationException");
  Error(Call("GET", "/signing-jobs?isRevoked=maybe"), 400, "ValidationException");
  Error(Call("GET", "/signing-jobs?jobInvoker=1234"), 400, "ValidationException");
  Error(Call("GET", "/signing-jobs?maxResults=0"), 400, "ValidationException");
  Error(Call("GET", "/signing-jobs?maxResults=26"), 400, "ValidationException");
}

TEST_F(SignerApiTest, StartSigningJobSignsAZipFromABucket) {
  Put("lambda", kLambda);
  store::BucketStore& buckets = *ins_.buckets;
  ASSERT_TRUE(buckets.CreateBucket(kAlice.account, "source-bucket", clock_.Now()).ok());
  ASSERT_TRUE(buckets.CreateBucket(kAlice.account, "signed-bucket", clock_.Now()).ok());
  ASSERT_TRUE(buckets.SetVersioning("source-bucket", store::VersioningStatus::kEnabled).ok());
  auto object = buckets.PutObject({"source-bucket", "fn.zip", "\"etag\"", "application/zip", {}},
                                  TinyZip(), clock_.Now());
  ASSERT_TRUE(object.ok()) << object.status().ToString();

  Json body = {
      {"source",
       {{"s3",
         {{"bucketName", "source-bucket"}, {"key", "fn.zip"}, {"version", object->version_id}}}}},
      {"destination", {{"s3", {{"bucketName", "signed-bucket"}, {"prefix", "out/"}}}}},
      {"profileName", "lambda"},
      {"clientRequestToken", "token-1"}};
  Json started = Ok(Call("POST", "/signing-jobs", body.dump()));
  EXPECT_EQ(started["jobOwner"], kAlice.account);
  const std::string job_id = started["jobId"];
  // The same client request token returns the same job.
  EXPECT_EQ(Ok(Call("POST", "/signing-jobs", body.dump()))["jobId"], job_id);
  service_->Drain();

  Json job = Ok(Call("GET", "/signing-jobs/" + job_id));
  EXPECT_EQ(job["status"], "Succeeded") << job.dump();
  EXPECT_EQ(job["source"], (Json{{"s3",
                                  {{"bucketName", "source-bucket"},
                                   {"key", "fn.zip"},
                                   {"version", object->version_id}}}}));
  ASSERT_TRUE(job.contains("signedObject"));
  EXPECT_EQ(job["signedObject"]["s3"]["bucketName"], "signed-bucket");
  EXPECT_EQ(job["signedObject"]["s3"]["key"], "out/" + job_id + ".zip");
  EXPECT_FALSE(job["signedObject"]["s3"].contains("version"));

  auto without = [&](const char* member) {
    Json b = body;
    b.erase(member);
    return Call("POST", "/signing-jobs", b.dump());
  };
  Error(without("source"), 400, "ValidationException");
  Error(without("destination"), 400, "ValidationException");
  Error(without("profileName"), 400, "ValidationException");
  Error(without("clientRequestToken"), 400, "ValidationException");
  Json no_version = body;
  no_version["source"]["s3"].erase("version");
  no_version["clientRequestToken"] = "token-2";
  EXPECT_NE(Error(Call("POST", "/signing-jobs", no_version.dump()), 400, "ValidationException")
                .find("source.s3.version"),
            std::string::npos);
  Json wrong_type = body;
  wrong_type["source"]["s3"] = "s3://source-bucket/fn.zip";
  Error(Call("POST", "/signing-jobs", wrong_type.dump()), 400, "ValidationException");
  Json notation = body;
  notation["clientRequestToken"] = "token-3";
  Put("notation");
  notation["profileName"] = "notation";
  Error(Call("POST", "/signing-jobs", notation.dump()), 400, "ValidationException");
}

TEST_F(SignerApiTest, SignPackageAnswersTheSignedZipWithTheJobInHeaders) {
  const std::filesystem::path work = dir_.path() / "work";
  api_ = std::make_unique<SignerApi>(*service_, work);
  const Json put = Put("lambda", kLambda);
  const std::string zip = TinyZip();
  ApiResponse response =
      Call("POST", "/signing-jobs/package?profileName=lambda&packageName=fn%2Fapp.zip", zip);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/zip");
  ASSERT_TRUE(response.file_body.has_value());
  EXPECT_TRUE(response.file_body->remove_when_opened);
  EXPECT_EQ(response.file_body->path.parent_path(), work);
  std::string signed_zip;
  {
    auto file = zipsig::ByteSource::OpenFile(response.file_body->path);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    EXPECT_EQ((*file)->size(), response.file_body->length);
    ASSERT_TRUE((*file)->ReadAt(0, response.file_body->length, &signed_zip).ok());
  }
  std::filesystem::remove(response.file_body->path);
  EXPECT_EQ(signed_zip.substr(0, zip.size() - 2), zip.substr(0, zip.size() - 2));
  EXPECT_NE(signed_zip.find("SIGNET-SIG-V1"), std::string::npos);

  std::map<std::string, std::string> headers(response.headers.begin(), response.headers.end());
  const std::string job_id = headers["x-signet-job-id"];
  ASSERT_FALSE(job_id.empty());
  EXPECT_EQ(headers["x-signet-job-arn"],
            "arn:aws:signer:us-east-1:111111111111:/signing-jobs/" + job_id);
  EXPECT_EQ(headers["x-signet-job-owner"], kAlice.account);
  EXPECT_EQ(headers["x-signet-profile-version-arn"], put["profileVersionArn"]);
  EXPECT_FALSE(headers["x-signet-signature-expires-at"].empty());

  Json job = Ok(Call("GET", "/signing-jobs/" + job_id));
  EXPECT_EQ(job["status"], "Succeeded");
  EXPECT_EQ(job["platformId"], kLambda);
  EXPECT_EQ(job["source"],
            (Json{{"s3", {{"bucketName", "(request body)"}, {"key", "fn/app.zip"}, {"version", ""}}}}));
  EXPECT_FALSE(job.contains("signedObject"));

  // Refusals are AWS-shaped JSON errors, and leave no file behind.
  auto sign = [&](std::string query, std::string body, const signer::Caller& caller = kAlice) {
    return Call("POST", "/signing-jobs/package" + query, std::move(body), caller);
  };
  Error(sign("", zip), 400, "ValidationException");
  Error(sign("?profileName=no%20spaces", zip), 400, "ValidationException");
  EXPECT_NE(Error(sign("?profileName=lambda", ""), 400, "ValidationException").find("empty"),
            std::string::npos);
  EXPECT_NE(Error(sign("?profileName=lambda", signed_zip), 400, "ValidationException")
                .find("already signed"),
            std::string::npos);
  EXPECT_NE(Error(sign("?profileName=lambda", "PK\x03\x04 not a zip"), 400, "ValidationException")
                .find("not a package that can be signed"),
            std::string::npos);
  Error(sign("?profileName=missing", zip), 404, "ResourceNotFoundException");
  Error(sign("?profileName=lambda&profileOwner=111", zip), 400, "ValidationException");
  Error(sign("?profileName=lambda&profileOwner=111111111111", zip, kBob), 403,
        "AccessDeniedException");
  Put("notation");
  Error(sign("?profileName=notation", zip), 400, "ValidationException");
  Error(Call("PUT", "/signing-jobs/package?profileName=lambda", zip), 405,
        "MethodNotAllowedException");
  EXPECT_TRUE(std::filesystem::is_empty(work));
  EXPECT_EQ(Ok(Call("GET", "/signing-jobs")).at("jobs").size(), 1u);
}

// --- Revocation status and platforms -------------------------------------------------------------

TEST_F(SignerApiTest, GetRevocationStatus) {
  const Json put = Put("notation");
  Json signed_payload = Sign("notation");
  const std::string job_arn = "arn:aws:signer:us-east-1:111111111111:/signing-jobs/" +
                              signed_payload["jobId"].get<std::string>();
  // The certificate hash of the signature's leaf, from its x5c.
  Json jws = Json::parse(Base64Decode(signed_payload["signature"].get<std::string>()).value());
  auto leaf = crypto::Certificate::FromDer(
      Base64Decode(jws["header"]["x5c"][0].get<std::string>()).value());
  auto issuer = crypto::Certificate::FromDer(
      Base64Decode(jws["header"]["x5c"][1].get<std::string>()).value());
  ASSERT_TRUE(leaf.ok() && issuer.ok());
  const std::string hash = signer::SignerService::CertificateHash(*leaf, *issuer);
  const std::string query =
      "/revocations?signatureTimestamp=" + Encode("2024-06-01T00:00:00.000Z") +
      "&platformId=" + std::string(kNotation) +
      "&profileVersionArn=" + Encode(put["profileVersionArn"].get<std::string>()) +
      "&jobArn=" + Encode(job_arn) + "&certificateHashes=" + hash +
      "&certificateHashes=" + std::string(96, '0');
  EXPECT_EQ(Ok(Call("GET", query))["revokedEntities"], Json::array());

  Ok(Call("PUT", "/signing-jobs/" + signed_payload["jobId"].get<std::string>() + "/revoke",
          R"({"reason": "leaked"})"));
  Json revoke = {{"profileVersion", put["profileVersion"]},
                 {"reason", "compromised"},
                 {"effectiveTime", kNow - 10}};
  Ok(Call("PUT", "/signing-profiles/notation/revoke", revoke.dump()));
  // Any caller, any Host: the data plane serves /revocations.
  Json status = Ok(Call("GET", query, "", kBob));
  std::set<std::string> entities(status["revokedEntities"].begin(),
                                 status["revokedEntities"].end());
  EXPECT_EQ(entities, (std::set<std::string>{put["profileVersionArn"], job_arn, hash}));
  // Epoch seconds are accepted too; before the effective time the version is not revoked.
  std::string before = query;
  before.replace(before.find("signatureTimestamp=") + 19, Encode("2024-06-01T00:00:00.000Z").size(),
                 std::to_string(kNow - 3600));
  Json earlier = Ok(Call("GET", before));
  EXPECT_EQ(
      std::set<std::string>(earlier["revokedEntities"].begin(), earlier["revokedEntities"].end()),
      (std::set<std::string>{job_arn}));

  Error(Call("GET", "/revocations?platformId=x"), 400, "ValidationException");
  std::string no_hashes = query.substr(0, query.find("&certificateHashes"));
  Error(Call("GET", no_hashes), 400, "ValidationException");
  std::string bad_time = query;
  bad_time.replace(bad_time.find("signatureTimestamp=") + 19, 5, "never");
  Error(Call("GET", bad_time), 400, "ValidationException");
  Error(Call("GET", query + "&certificateHashes=" + std::string(2049, 'a')), 400,
        "ValidationException");
}

// GET /trust-anchor (`signet trust export`): the root the envelopes' x5c ends with.
TEST_F(SignerApiTest, TrustAnchorIsTheInstallationRoot) {
  Json got = Ok(Call("GET", "/trust-anchor"));
  EXPECT_EQ(got["certificatePem"], ins_.ca->root().ToPem());
  EXPECT_EQ(got["subject"], ins_.ca->root().Subject());
  EXPECT_EQ(got["sha256Thumbprint"], ins_.ca->root().Sha256Thumbprint());
  EXPECT_TRUE(got["notAfter"].is_string());
  Error(Call("PUT", "/trust-anchor"), 405, "MethodNotAllowedException");
}

TEST_F(SignerApiTest, SigningPlatforms) {
  Json all = Ok(Call("GET", "/signing-platforms"));
  ASSERT_EQ(all["platforms"].size(), signer::SigningPlatforms().size());
  EXPECT_FALSE(all.contains("nextToken"));
  Json first = Ok(Call("GET", "/signing-platforms?maxResults=1"));
  ASSERT_EQ(first["platforms"].size(), 1u);
  ASSERT_TRUE(first.contains("nextToken"));
  Json second = Ok(Call("GET", "/signing-platforms?maxResults=1&nextToken=" +
                                   Encode(first["nextToken"].get<std::string>())));
  EXPECT_EQ(second["platforms"][0], all["platforms"][1]);
  EXPECT_EQ(second.contains("nextToken"), all["platforms"].size() > 2);
  Error(Call("GET", "/signing-platforms?nextToken=bogus"), 400, "ValidationException");
  Error(Call("GET", "/signing-platforms?maxResults=26"), 400, "ValidationException");

  Json notation = Ok(Call("GET", "/signing-platforms?partner=Notation&category=AWSIoT"));
  ASSERT_EQ(notation["platforms"].size(), 1u);
  EXPECT_EQ(notation["platforms"][0]["platformId"], kNotation);
  EXPECT_EQ(Ok(Call("GET", "/signing-platforms?target=MD5-RSA"))["platforms"].size(), 0u);

  Json lambda = Ok(Call("GET", "/signing-platforms/" + std::string(kLambda)));
  EXPECT_EQ(lambda["platformId"], kLambda);
  EXPECT_EQ(lambda["partner"], "AWSLambda");
  EXPECT_EQ(lambda["category"], "AWSIoT");
  EXPECT_EQ(lambda["maxSizeInMB"], 250);
  EXPECT_EQ(lambda["revocationSupported"], true);
  EXPECT_EQ(lambda["signingConfiguration"]["encryptionAlgorithmOptions"]["defaultValue"], "ECDSA");
  EXPECT_TRUE(lambda["signingImageFormat"]["supportedFormats"].is_array());
  Error(Call("GET", "/signing-platforms/NoSuch"), 404, "ResourceNotFoundException");
}

}  // namespace
}  // namespace signet::api
