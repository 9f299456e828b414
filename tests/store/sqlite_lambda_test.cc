// Lambda code signing configs, functions and layer versions (schema migration 3).
#include "store_test_util.h"

namespace signet::store::testing {
namespace {

constexpr char kAcct[] = "111111111111";

CodeSigningConfigRecord MakeConfig(const std::string& id, int64_t time = 1000) {
  CodeSigningConfigRecord c;
  c.account = kAcct;
  c.config_id = id;
  c.arn = "arn:aws:lambda:us-east-1:" + std::string(kAcct) + ":code-signing-config:" + id;
  c.description = "prod publishers";
  c.allowed_profile_version_arns = {ProfileArn(kAcct, "a") + "/VERSION0001",
                                    ProfileArn(kAcct, "b") + "/VERSION0002"};
  c.policy = UntrustedArtifactPolicy::kEnforce;
  c.last_modified = At(time);
  return c;
}

FunctionRecord MakeFunction(const std::string& name, std::optional<std::string> csc = {}) {
  FunctionRecord f;
  f.account = kAcct;
  f.name = name;
  f.arn = "arn:aws:lambda:us-east-1:" + std::string(kAcct) + ":function:" + name;
  f.runtime = "python3.12";
  f.role = "arn:aws:iam::111111111111:role/run";
  f.handler = "app.handler";
  f.description = "d";
  f.timeout_seconds = 30;
  f.memory_size_mb = 256;
  f.architecture = "arm64";
  f.code_sha256 = "c2hh";
  f.code_size = 4;
  f.signing_profile_version_arn = ProfileArn(kAcct, "a") + "/VERSION0001";
  f.signing_job_arn = "arn:aws:signer:us-east-1:111111111111:/signing-jobs/" + JobId(1);
  f.layers = {FunctionLayer{"arn:aws:lambda:us-east-1:111111111111:layer:deps:1", 10, "p", "j"}};
  f.code_signing_config_arn = std::move(csc);
  f.revision_id = "rev-1";
  f.last_modified = At(5000);
  return f;
}

using LambdaStoreTest = StoreTest;

TEST_F(LambdaStoreTest, CodeSigningConfigRoundTripsAndUpdates) {
  CodeSigningConfigRecord c = MakeConfig("csc-0123456789abcdefg");
  c.tags = {{"signet:environment", "prod"}, {"team", ""}};
  ASSERT_TRUE(store_->CreateCodeSigningConfig(c).ok());
  EXPECT_EQ(store_->CreateCodeSigningConfig(c).code(), ErrorCode::kAlreadyExists);
  Result<CodeSigningConfigRecord> got = store_->GetCodeSigningConfig(c.arn);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, c);

  c.policy = UntrustedArtifactPolicy::kWarn;
  c.allowed_profile_version_arns.pop_back();
  c.description = "";
  ASSERT_TRUE(store_->UpdateCodeSigningConfig(c).ok());
  Reopen();
  EXPECT_EQ(*store_->GetCodeSigningConfig(c.arn), c);  // tags kept by an update
  auto listed = store_->ListCodeSigningConfigs(c.account, PageRequest{.max_results = 10});
  ASSERT_TRUE(listed.ok() && listed->items.size() == 1);
  EXPECT_EQ(listed->items[0].tags, c.tags);
  // Deleting a config deletes its tags; a new config of the same id starts without them.
  ASSERT_TRUE(store_->DeleteCodeSigningConfig(c.arn).ok());
  c.tags.clear();
  ASSERT_TRUE(store_->CreateCodeSigningConfig(c).ok());
  EXPECT_TRUE(store_->GetCodeSigningConfig(c.arn)->tags.empty());

  CodeSigningConfigRecord missing = MakeConfig("csc-zzzzzzzzzzzzzzzzz");
  EXPECT_EQ(store_->UpdateCodeSigningConfig(missing).code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetCodeSigningConfig(missing.arn).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->DeleteCodeSigningConfig(missing.arn).code(), ErrorCode::kNotFound);
}

TEST_F(LambdaStoreTest, ConfigInUseCannotBeDeleted) {
  CodeSigningConfigRecord c = MakeConfig("csc-0123456789abcdefg");
  ASSERT_TRUE(store_->CreateCodeSigningConfig(c).ok());
  ASSERT_TRUE(store_->CreateFunction(MakeFunction("app", c.arn), "code").ok());
  EXPECT_EQ(store_->DeleteCodeSigningConfig(c.arn).code(), ErrorCode::kFailedPrecondition);

  Result<Page<std::string>> users = store_->ListFunctionsByCodeSigningConfig(c.arn, {});
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(users->items, std::vector<std::string>{MakeFunction("app").arn});

  FunctionRecord detached = MakeFunction("app");
  ASSERT_TRUE(store_->UpdateFunction(detached, std::nullopt).ok());
  EXPECT_TRUE(store_->DeleteCodeSigningConfig(c.arn).ok());
  EXPECT_EQ(store_->GetCodeSigningConfig(c.arn).status().code(), ErrorCode::kNotFound);
}

TEST_F(LambdaStoreTest, FunctionNeedsAnExistingConfig) {
  FunctionRecord f = MakeFunction("app",
                                  "arn:aws:lambda:us-east-1:111111111111:"
                                  "code-signing-config:csc-0123456789abcdefg");
  EXPECT_EQ(store_->CreateFunction(f, "code").code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetFunction(kAcct, "app").status().code(), ErrorCode::kNotFound);
}

TEST_F(LambdaStoreTest, FunctionRoundTripsWithCodeAndLayers) {
  FunctionRecord f = MakeFunction("app");
  ASSERT_TRUE(store_->CreateFunction(f, std::string("PK\0\x01", 4)).ok());
  EXPECT_EQ(store_->CreateFunction(f, "x").code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(*store_->GetFunction(kAcct, "app"), f);
  EXPECT_EQ(*store_->GetFunctionCode(kAcct, "app"), std::string("PK\0\x01", 4));

  f.layers.clear();
  f.code_sha256 = "bmV3";
  ASSERT_TRUE(store_->UpdateFunction(f, std::nullopt).ok());
  EXPECT_EQ(*store_->GetFunction(kAcct, "app"), f);
  EXPECT_EQ(*store_->GetFunctionCode(kAcct, "app"), std::string("PK\0\x01", 4));
  ASSERT_TRUE(store_->UpdateFunction(f, std::string_view("new")).ok());
  EXPECT_EQ(*store_->GetFunctionCode(kAcct, "app"), "new");

  ASSERT_TRUE(store_->DeleteFunction(kAcct, "app").ok());
  EXPECT_EQ(store_->DeleteFunction(kAcct, "app").code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetFunctionCode(kAcct, "app").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->UpdateFunction(f, std::nullopt).code(), ErrorCode::kNotFound);
}

TEST_F(LambdaStoreTest, ListingsPageWithoutRepeats) {
  for (const char* name : {"c", "a", "b"}) {
    ASSERT_TRUE(store_->CreateFunction(MakeFunction(name), "z").ok());
  }
  std::vector<std::string> names;
  PageRequest page{.max_results = 2};
  while (true) {
    Result<Page<FunctionRecord>> p = store_->ListFunctions(kAcct, page);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    for (const FunctionRecord& f : p->items) names.push_back(f.name);
    if (p->next_token.empty()) break;
    page.token = p->next_token;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(store_->ListFunctions("222222222222", {})->items.empty());

  for (const char* id : {"csc-aaaaaaaaaaaaaaaaa", "csc-bbbbbbbbbbbbbbbbb"}) {
    ASSERT_TRUE(store_->CreateCodeSigningConfig(MakeConfig(id)).ok());
  }
  Result<Page<CodeSigningConfigRecord>> first =
      store_->ListCodeSigningConfigs(kAcct, {.max_results = 1});
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 1u);
  EXPECT_EQ(first->items[0].config_id, "csc-aaaaaaaaaaaaaaaaa");
  Result<Page<CodeSigningConfigRecord>> second =
      store_->ListCodeSigningConfigs(kAcct, {.max_results = 1, .token = first->next_token});
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].config_id, "csc-bbbbbbbbbbbbbbbbb");
  EXPECT_TRUE(second->next_token.empty());
  EXPECT_EQ(
      store_->ListFunctions(kAcct, {.max_results = 2, .token = first->next_token}).status().code(),
      ErrorCode::kInvalidArgument);
}

TEST_F(LambdaStoreTest, LayerVersionsNumberFromOneNewestListedFirst) {
  LayerVersionRecord l;
  l.account = kAcct;
  l.layer_name = "deps";
  l.layer_arn = "arn:aws:lambda:us-east-1:111111111111:layer:deps";
  l.compatible_runtimes = {"python3.12", "python3.11"};
  l.compatible_architectures = {"arm64"};
  l.code_sha256 = "aGk=";
  l.code_size = 2;
  l.created_at = At(10);
  Result<LayerVersionRecord> v1 = store_->PublishLayerVersion(l, "v1");
  Result<LayerVersionRecord> v2 = store_->PublishLayerVersion(l, "v2");
  ASSERT_TRUE(v1.ok() && v2.ok());
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(v2->layer_version_arn, l.layer_arn + ":2");
  EXPECT_EQ(*store_->GetLayerVersion(kAcct, "deps", 1), *v1);
  EXPECT_EQ(*store_->GetLayerVersionByArn(l.layer_arn + ":2"), *v2);
  EXPECT_EQ(*store_->GetLayerVersionCode(l.layer_arn + ":1"), "v1");
  EXPECT_EQ(store_->GetLayerVersion(kAcct, "deps", 3).status().code(), ErrorCode::kNotFound);

  Result<Page<LayerVersionRecord>> p = store_->ListLayerVersions(kAcct, "deps", {.max_results = 1});
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->items.size(), 1u);
  EXPECT_EQ(p->items[0].version, 2);
  p = store_->ListLayerVersions(kAcct, "deps", {.max_results = 1, .token = p->next_token});
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->items.size(), 1u);
  EXPECT_EQ(p->items[0].version, 1);
  EXPECT_TRUE(p->next_token.empty());
}

}  // namespace
}  // namespace signet::store::testing
