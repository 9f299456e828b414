// Shared fixtures of the store tests: a temporary directory, a SqliteStore in it, and records
// with every field filled so that round trips check every column.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/arn.h"
#include "core/time.h"
#include "store/sqlite_store.h"
#include "testing/temp_dir.h"

namespace signet::store::testing {

inline Timestamp At(int64_t seconds) { return Timestamp(std::chrono::seconds(seconds)); }

using TempDir = ::signet::test::TempDir;

inline std::string ProfileArn(const std::string& account, const std::string& name) {
  return SigningProfileArn{ArnScope{.account = account}, name, std::nullopt}.ToString();
}

inline SigningProfileRecord MakeProfile(const std::string& account, const std::string& name,
                                        const std::string& version, Timestamp created_at = At(1000),
                                        const std::string& platform = "AWSLambda-SHA384-ECDSA") {
  SigningProfileRecord r;
  r.account = account;
  r.name = name;
  r.version = version;
  r.arn = ProfileArn(account, name);
  r.version_arn = r.arn + "/" + version;
  r.platform_id = platform;
  r.signature_validity = {.value = 12, .type = ValidityType::kMonths};
  r.signing_parameters = {{"io.cncf.notary.verificationPlugin", "com.amazonaws.signer.notation"}};
  r.certificate_chain_pem =
      "-----BEGIN CERTIFICATE-----\nleaf " + version + "\n-----END CERTIFICATE-----\n";
  r.key_id = "key-" + version;
  r.overrides.signing_image_format = "JSONDetached";
  r.tags = {{"team", "payments"}};
  r.created_at = created_at;
  return r;
}

inline SigningJobRecord MakeJob(const std::string& job_id, const SigningProfileRecord& profile,
                                Timestamp created_at = At(2000)) {
  SigningJobRecord j;
  j.job_id = job_id;
  j.job_owner = profile.account;
  j.job_invoker = profile.account;
  j.requested_by = "arn:aws:iam::" + profile.account + ":user/ci";
  j.profile_name = profile.name;
  j.profile_version = profile.version;
  j.platform_id = profile.platform_id;
  j.platform_display_name = "AWS Lambda";
  j.source = S3Object{"src-bucket", "app.zip", "v1"};
  j.destination = S3Destination{"dst-bucket", "signed/"};
  j.created_at = created_at;
  return j;
}

inline UsageRecord MakeUsage(const SigningJobRecord& job, Timestamp time, int64_t price,
                             const std::string& environment = "prod") {
  return UsageRecord{.time = time,
                     .account = job.job_invoker,
                     .principal = job.requested_by,
                     .profile_name = job.profile_name,
                     .profile_version = job.profile_version,
                     .platform_id = job.platform_id,
                     .environment = environment,
                     .unit_price_micros = price,
                     .job_id = job.job_id};
}

// A job id in UUID form from a number, so tests can make many distinct ones.
inline std::string JobId(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    Result<std::unique_ptr<SqliteStore>> s = SqliteStore::Open(db_path());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  std::filesystem::path db_path() const { return dir_.path() / "state.db"; }

  // Puts a profile version and fails the test if that does not work.
  SigningProfileRecord Put(const SigningProfileRecord& r) {
    Status s = store_->PutProfile(r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return r;
  }

  SigningJobRecord Create(const SigningJobRecord& j) {
    Result<SigningJobRecord> r = store_->CreateJob(j);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : j;
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

}  // namespace signet::store::testing
