// SignerService: SignPayload: the envelope, refusals, concurrency, and the metering steps (DESIGN.md §8).

#include "signer/signer_service_fixture.h"

namespace signet::signer {
namespace {

TEST_F(SignerServiceTest, SignPayloadReturnsAVerifiableEnvelopeAndMetersIt) {
  const SigningProfileRecord profile = Put(kOwnerCaller, "notation");
  clock_.Set(At(kNow) + hours(2));
  auto result = Sign(kOwnerCaller, "notation");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const SigningJobRecord& job = result->job;
  const std::string job_arn = JobArn(kOwner, job.job_id);

  auto envelope = notary::ParseJwsEnvelope(result->signature);
  ASSERT_TRUE(envelope.ok()) << envelope.status().ToString();
  EXPECT_EQ(envelope->signed_attributes.scheme, notary::SigningScheme::kX509SigningAuthority);
  EXPECT_EQ(envelope->algorithm, crypto::SignatureAlgorithm::kEs384);
  EXPECT_EQ(envelope->signed_attributes.signing_time, clock_.Now());
  EXPECT_EQ(envelope->signed_attributes.expiry,
            std::optional<Timestamp>(At("2037-09-01T14:00:00Z")));
  EXPECT_EQ(envelope->signed_attributes.expiry,
            std::optional<Timestamp>(AddValidity(clock_.Now(), profile.signature_validity)));
  const notary::ExtendedAttribute* version_attr =
      envelope->signed_attributes.Find(notary::kSigningProfileVersionAttribute);
  const notary::ExtendedAttribute* job_attr =
      envelope->signed_attributes.Find(notary::kSigningJobAttribute);
  ASSERT_NE(version_attr, nullptr);
  ASSERT_NE(job_attr, nullptr);
  EXPECT_EQ(version_attr->value, profile.version_arn);
  EXPECT_TRUE(version_attr->critical);
  EXPECT_EQ(job_attr->value, job_arn);
  EXPECT_TRUE(job_attr->critical);
  EXPECT_EQ(envelope->signed_attributes.Find(notary::kVerificationPluginAttribute), nullptr);
  EXPECT_EQ(envelope->payload, Payload());
  ASSERT_EQ(envelope->certificate_chain.size(), 3u);
  EXPECT_EQ(envelope->certificate_chain[2], ca_->root());
  EXPECT_EQ(envelope->unsigned_attributes.signing_agent, "signet/0.1");

  const notary::VerificationOutcome outcome = VerifyPayloadEnvelope(result->signature);
  EXPECT_TRUE(outcome.verified()) << outcome.Summary();

  // The job, as returned and as stored.
  EXPECT_TRUE(IsValidUuid(job.job_id));
  EXPECT_EQ(job.status, JobStatus::kSucceeded);
  EXPECT_EQ(job.job_owner, kOwner);
  EXPECT_EQ(job.job_invoker, kOwner);
  EXPECT_EQ(job.profile_version, profile.version);
  EXPECT_EQ(job.profile_version_arn, profile.version_arn);
  EXPECT_EQ(job.platform_id, kNotationPlatformId);
  EXPECT_EQ(job.signature_expires_at, envelope->signed_attributes.expiry);
  EXPECT_EQ(job.payload, std::optional<std::string>(Payload()));
  EXPECT_EQ(job.metadata.at("signingProfileVersionArn"), profile.version_arn);
  EXPECT_EQ(job.metadata.at("signingJobArn"), job_arn);
  auto described = service_->DescribeSigningJob(kOwnerCaller, job.job_id);
  ASSERT_TRUE(described.ok());
  // The metadata is returned with the signature, not stored: it is derived from the job.
  store::SigningJobRecord without_metadata = job;
  without_metadata.metadata.clear();
  EXPECT_EQ(*described, without_metadata);

  // Exactly one usage record at the Notation price.
  const std::vector<store::UsageRecord> usage = Usage();
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].job_id, job.job_id);
  EXPECT_EQ(usage[0].unit_price_micros, 500'000);
  EXPECT_EQ(usage[0].platform_id, kNotationPlatformId);
  EXPECT_EQ(usage[0].account, kOwner);
  EXPECT_EQ(usage[0].principal, kOwnerCaller.principal_arn);
  EXPECT_EQ(usage[0].profile_name, "notation");
  EXPECT_EQ(usage[0].profile_version, profile.version);
  EXPECT_EQ(usage[0].environment, "test");
  EXPECT_EQ(usage[0].time, clock_.Now());
  store::UsageQuery q;
  q.from = Timestamp{};
  q.to = At("2100-01-01T00:00:00Z");
  q.group_by = {store::UsageDimension::kPlatform};
  auto sum = store_->SumUsage(q);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  ASSERT_EQ(sum->size(), 1u);
  EXPECT_EQ((*sum)[0].signatures, 1);
  EXPECT_EQ((*sum)[0].total_micros, 500'000);
}

TEST_F(SignerServiceTest, SignPayloadWithAVerificationPluginParameterNamesIt) {
  PutProfileRequest r = Request("plugin");
  r.signing_parameters = {{std::string(notary::kVerificationPluginAttribute),
                           "com.amazonaws.signer.notation.plugin"}};
  ASSERT_TRUE(service_->PutSigningProfile(kOwnerCaller, r).ok());
  auto result = Sign(kOwnerCaller, "plugin");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  auto envelope = notary::ParseJwsEnvelope(result->signature);
  ASSERT_TRUE(envelope.ok());
  const notary::ExtendedAttribute* plugin =
      envelope->signed_attributes.Find(notary::kVerificationPluginAttribute);
  ASSERT_NE(plugin, nullptr);
  EXPECT_EQ(plugin->value, "com.amazonaws.signer.notation.plugin");
  EXPECT_TRUE(plugin->critical);
}

TEST_F(SignerServiceTest, SignPayloadRefusals) {
  Put(kOwnerCaller, "notation");
  Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  auto request = [&](std::string payload, std::string format, const std::string& profile) {
    SignPayloadRequest r;
    r.profile = ProfileLookup{profile, std::nullopt};
    r.payload = std::move(payload);
    r.payload_format = std::move(format);
    return r;
  };
  const std::string format(kNotaryPayloadFormat);
  auto code = [&](const SignPayloadRequest& r) {
    return service_->SignPayload(kOwnerCaller, r).status().code();
  };
  EXPECT_EQ(code(request(Payload(), "application/json", "notation")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(request(Payload(), "", "notation")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(request("", format, "notation")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(request(std::string(4097, ' '), format, "notation")),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(request(R"({"hello":"world"})", format, "notation")),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(request("not json", format, "notation")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(request(Payload(), format, "lambda")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(request(Payload(), format, "missing")), ErrorCode::kNotFound);

  // 4096 bytes is the limit, inclusive: a Notary payload padded with an annotation.
  notary::Descriptor big = ImageTarget();
  big.annotations["pad"] = "";
  const size_t base = notary::SerializePayload(big).size();
  big.annotations["pad"] = std::string(kMaxSignPayloadBytes - base, 'x');
  const std::string at_limit = notary::SerializePayload(big);
  ASSERT_EQ(at_limit.size(), kMaxSignPayloadBytes);
  auto ok = service_->SignPayload(kOwnerCaller, request(at_limit, format, "notation"));
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
  big.annotations["pad"] += "x";
  EXPECT_EQ(code(request(notary::SerializePayload(big), format, "notation")),
            ErrorCode::kInvalidArgument);

  // Canceled and revoked profiles sign nothing more.
  Put(kOwnerCaller, "canceled");
  ASSERT_TRUE(service_->CancelSigningProfile(kOwnerCaller, "canceled").ok());
  EXPECT_EQ(Sign(kOwnerCaller, "canceled").status().code(), ErrorCode::kInvalidArgument);
  const SigningProfileRecord revoked = Put(kOwnerCaller, "revoked");
  ASSERT_TRUE(service_->RevokeSigningProfile(kOwnerCaller, "revoked", revoked.version, "leak",
                                             clock_.Now())
                  .ok());
  EXPECT_EQ(Sign(kOwnerCaller, "revoked").status().code(), ErrorCode::kInvalidArgument);

  // A profile whose certificate has expired.
  PutProfileRequest short_lived = Request("short_lived");
  short_lived.signature_validity = store::SignatureValidityPeriod{1, ValidityType::kDays};
  ASSERT_TRUE(service_->PutSigningProfile(kOwnerCaller, short_lived).ok());
  EXPECT_TRUE(Sign(kOwnerCaller, "short_lived").ok());
  clock_.Set(At(kNow) + days(2));
  EXPECT_EQ(Sign(kOwnerCaller, "short_lived").status().code(), ErrorCode::kInvalidArgument);

  // Only the successful signatures were metered.
  EXPECT_EQ(Usage().size(), 2u);
}

TEST_F(SignerServiceTest, ConcurrentSignPayloadsEachGetOneJobAndOneUsageRecord) {
  Put(kOwnerCaller, "busy");
  constexpr int kThreads = 6;
  constexpr int kEach = 5;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto r = Sign(kOwnerCaller, "busy");
        if (r.ok()) ids[t].push_back(r->job.job_id);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<std::string> unique;
  for (const auto& v : ids) unique.insert(v.begin(), v.end());
  EXPECT_EQ(unique.size(), size_t{kThreads * kEach});
  const std::vector<store::UsageRecord> usage = Usage();
  EXPECT_EQ(usage.size(), size_t{kThreads * kEach});
  std::set<std::string> usage_jobs;
  for (const store::UsageRecord& u : usage) usage_jobs.insert(u.job_id);
  EXPECT_EQ(usage_jobs, unique);
}

// A BillingPolicy whose decisions the test sets (the real one is metering::Meter, tested with the
// metering module and end to end in tests/integration/metering_test.sh).
class ScriptedBilling final : public BillingPolicy {
 public:
  Result<BillingDecision> Authorize(std::string_view environment, std::string_view,
                                    Timestamp) override {
    if (environment == "dev") {
      return BillingDecision{"dev", 0, true, "signing skipped: dev", {}};
    }
    return BillingDecision{"prod", 123, false, "", {"near budget"}};
  }
  Result<std::vector<std::string>> Charge(store::StoreTransaction&,
                                          const store::UsageRecord& usage) override {
    if (deny) return ResourceExhaustedError("over budget");
    return std::vector<std::string>{"charged " + std::to_string(usage.unit_price_micros)};
  }
  bool deny = false;
};

SignPayloadRequest NotationRequest() {
  SignPayloadRequest r;
  r.profile = ProfileLookup{"notation", std::nullopt};
  r.payload = notary::SerializePayload(ImageTarget());
  r.payload_format = std::string(kNotaryPayloadFormat);
  return r;
}

TEST_F(SignerServiceTest, ThePolicyDecidesSkipPriceAndBudgetInTheUsageTransaction) {
  ScriptedBilling billing;
  service_.reset();
  SignerOptions options;
  options.clock = &clock_;
  service_ =
      std::make_unique<SignerService>(*store_, buckets_.get(), *keys_, *ca_, billing, options);
  ASSERT_TRUE(service_->Start().ok());
  Put(kOwnerCaller, "notation");
  SignPayloadRequest r = NotationRequest();

  r.environment = "dev";
  // Skipped: a typed outcome, not an error, with nothing signed, stored or billed.
  Result<SignPayloadResult> skipped = service_->SignPayload(kOwnerCaller, r);
  ASSERT_TRUE(skipped.ok()) << skipped.status().ToString();
  ASSERT_TRUE(skipped->skipped.has_value());
  EXPECT_EQ(skipped->skipped->environment, "dev");
  EXPECT_EQ(skipped->skipped->message, "signing skipped: dev");
  EXPECT_TRUE(skipped->signature.empty() && skipped->job.job_id.empty());
  EXPECT_TRUE(Usage().empty());

  r.environment = "prod";
  Result<SignPayloadResult> signed_payload = service_->SignPayload(kOwnerCaller, r);
  ASSERT_TRUE(signed_payload.ok()) << signed_payload.status().ToString();
  EXPECT_EQ(signed_payload->warnings, std::vector<std::string>{"charged 123"});
  ASSERT_EQ(Usage().size(), 1u);
  EXPECT_EQ(Usage()[0].environment, "prod");
  EXPECT_EQ(Usage()[0].unit_price_micros, 123);
  // Every signing path returns its warnings and stores them as the job's statusReason.
  EXPECT_EQ(service_->DescribeSigningJob(kOwnerCaller, signed_payload->job.job_id)->status_reason,
            "charged 123");
  Put(kOwnerCaller, "lambda", kLambdaPlatformId);
  const std::string zip = SampleZip();
  auto in = zipsig::ByteSource::FromMemory(zip);
  std::string signed_zip;
  auto out = zipsig::ByteSink::ToString(&signed_zip);
  SignPackageRequest package{ProfileLookup{"lambda", std::nullopt}, "fn.zip", "prod"};
  auto signed_package = service_->SignPackage(kOwnerCaller, package, *in, *out);
  ASSERT_TRUE(signed_package.ok()) << signed_package.status().ToString();
  EXPECT_EQ(signed_package->warnings, std::vector<std::string>{"charged 123"});
  EXPECT_EQ(service_->DescribeSigningJob(kOwnerCaller, signed_package->job.job_id)->status_reason,
            "charged 123");
  CreateBucket(kOwner, "bucket");
  StartSigningJobRequest start = JobRequest("lambda", PutObject("bucket", "a.zip", zip), "bucket");
  start.environment = "prod";
  auto started = service_->StartSigningJob(kOwnerCaller, start);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  EXPECT_EQ(started->warnings, std::vector<std::string>{"near budget"});  // known at the start
  service_->Drain();
  EXPECT_EQ(service_->DescribeSigningJob(kOwnerCaller, started->job.job_id)->status_reason,
            "charged 123");
  ASSERT_EQ(Usage().size(), 3u);

  billing.deny = true;
  Result<SignPayloadResult> denied = service_->SignPayload(kOwnerCaller, r);
  EXPECT_EQ(denied.status().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(Usage().size(), 3u);  // neither a job nor a usage record was written
  store::SigningJobFilter all;
  all.account = std::string(kOwner);
  store::PageRequest page;
  page.max_results = 25;
  auto jobs = store_->ListJobs(all, page);
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  EXPECT_EQ(jobs->items.size(), 3u);
  service_.reset();  // before `billing` goes out of scope
}

}  // namespace
}  // namespace signet::signer
