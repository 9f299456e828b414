// RegistryImageVerifier: what its caches keep and for how long, that the signature is verified on
// every call, and concurrent use. The registry is the fixture's image layout served read-only
// over the Distribution API by an in-process HTTP server that counts the requests it gets
// (tests/integration/oci_registry_test.sh and bench/image_verify_bench drive the real
// docker-registry).
#include "imagesig/registry_image_verifier.h"

#include <httplib.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "image_test_fixture.h"
#include "oci/referrers_index.h"
#include "testing/library_server.h"

namespace signet::imagesig {
namespace {

// GET/HEAD manifests by tag or digest, GET blobs, the Referrers API; nothing else.
class LayoutRegistry : public test::LibraryServer {
 public:
  explicit LayoutRegistry(oci::ImageLayout& layout) : layout_(layout) {
    // httplib serves a connection per worker thread: enough workers for every keep-alive
    // connection the verifier's threads may hold open.
    server().new_task_queue = [] { return new httplib::ThreadPool(64); };
    server().Get(R"(/v2/team/app/manifests/(.+))", [this](const auto& req, auto& res) {
      ++requests;
      std::lock_guard<std::mutex> lock(mu_);
      Result<oci::Manifest> m = layout_.FetchManifest(req.matches[1].str());
      if (!m.ok()) {
        res.status = 404;
        return;
      }
      res.set_header("Docker-Content-Digest", m->descriptor.digest);
      res.set_content(m->bytes, m->descriptor.media_type);
    });
    server().Get(R"(/v2/team/app/blobs/sha256:([0-9a-f]{64}))", [this](const auto& req, auto& res) {
      ++requests;
      std::lock_guard<std::mutex> lock(mu_);
      std::ifstream in(layout_.dir() / "blobs/sha256" / req.matches[1].str(), std::ios::binary);
      if (!in) {
        res.status = 404;
        return;
      }
      res.set_content(std::string(std::istreambuf_iterator<char>(in), {}), "application/octet-stream");
    });
    server().Get(R"(/v2/team/app/referrers/(.+))", [this](const auto& req, auto& res) {
      ++requests;
      std::lock_guard<std::mutex> lock(mu_);
      auto listed = layout_.Referrers(req.matches[1].str(), req.get_param_value("artifactType"));
      std::optional<std::string> index =
          R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})";
      for (const oci::Descriptor& d : listed.value()) {
        if (auto next = oci::AddToReferrersIndex(*index, d).value()) index = *next;
      }
      res.set_content(*index, std::string(oci::kOciIndexMediaType));
    });
    Start();
  }
  ~LayoutRegistry() { Stop(); }  // before the members the handlers use
  // Held while the test changes the layout.
  std::unique_lock<std::mutex> Lock() { return std::unique_lock<std::mutex>(mu_); }

  std::atomic<int> requests{0};

 private:
  oci::ImageLayout& layout_;
  std::mutex mu_;
};

class RegistryImageVerifierTest : public ImageTestBase {
 protected:
  void SetUp() override {
    ImageTestBase::SetUp();
    registry_ = std::make_unique<LayoutRegistry>(*layout_);
  }

  std::unique_ptr<RegistryImageVerifier> Verifier(std::chrono::seconds ttl = std::chrono::seconds(5)) {
    RegistryImageVerifierOptions options;
    options.registry.insecure_registries = {registry_->host()};
    options.registry.docker_config = "/nonexistent/config.json";
    options.registry.timeout_seconds = 5;
    options.cache.clock = &clock_;
    options.cache.tag_ttl = ttl;
    options.cache.referrers_ttl = ttl;
    options.verification.clock = &clock_;
    auto verifier = RegistryImageVerifier::Create(
        notary::TrustPolicy::ParseOci(Policy("strict", "*", "*")).value(), Store(ca_->root()),
        std::move(options));
    EXPECT_TRUE(verifier.ok()) << verifier.status().ToString();
    return std::move(verifier).value();
  }

  oci::Reference Image(const std::string& tag_or_digest) const {
    const char separator = tag_or_digest.find(':') == std::string::npos ? ':' : '@';
    return oci::ParseReference(registry_->host() + "/team/app" + separator + tag_or_digest).value();
  }

  ImageVerification VerifyOk(const RegistryImageVerifier& verifier, const std::string& reference) {
    Result<ImageVerification> v = verifier.Verify(Image(reference));
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : ImageVerification{};
  }

  std::unique_ptr<LayoutRegistry> registry_;
};

TEST_F(RegistryImageVerifierTest, AWarmVerificationAsksTheRegistryNothing) {
  Sign("v1");
  const auto verifier = Verifier();
  EXPECT_TRUE(VerifyOk(*verifier, "v1").verified());
  const int cold = registry_->requests.load();
  EXPECT_GE(cold, 4);  // tag, referrers, signature manifest, envelope
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(VerifyOk(*verifier, "v1").verified());
  EXPECT_EQ(registry_->requests.load(), cold);
  EXPECT_GE(verifier->cache().hits(), 12u);
  EXPECT_EQ(verifier->chain_cache_hits(), 3u);

  // A fresh verifier starts cold.
  EXPECT_TRUE(VerifyOk(*Verifier(), "v1").verified());
  EXPECT_EQ(registry_->requests.load(), 2 * cold);
}

TEST_F(RegistryImageVerifierTest, ARePushedTagIsSeenOnceItsTtlHasPassed) {
  Sign("v1");
  const auto verifier = Verifier();
  EXPECT_EQ(VerifyOk(*verifier, "v1").image.digest, image_.digest);

  oci::Descriptor moved;
  {
    auto lock = registry_->Lock();
    moved = PushImage("v1", "layer two");  // v1 now names another image, signed too
    Sign("v1");
  }
  clock_.Set(clock_.Now() + std::chrono::seconds(4));
  EXPECT_EQ(VerifyOk(*verifier, "v1").image.digest, image_.digest);  // within the 5 s TTL
  clock_.Set(clock_.Now() + std::chrono::seconds(1));
  const ImageVerification v = VerifyOk(*verifier, "v1");
  EXPECT_EQ(v.image.digest, moved.digest);
  EXPECT_TRUE(v.verified());
}

TEST_F(RegistryImageVerifierTest, ATtlOfZeroReadsTagsAndSignatureListsEveryTime) {
  Sign("v1");
  const auto verifier = Verifier(std::chrono::seconds(0));
  EXPECT_TRUE(VerifyOk(*verifier, "v1").verified());
  const int cold = registry_->requests.load();
  EXPECT_TRUE(VerifyOk(*verifier, "v1").verified());
  // The tag and the referrers again; the signature manifest and envelope come by digest.
  EXPECT_EQ(registry_->requests.load(), cold + 2);
}

TEST_F(RegistryImageVerifierTest, ATamperedEnvelopeFailsEveryTimeItIsServedFromTheCache) {
  Sign(image_.digest);
  const auto verifier = Verifier();
  EXPECT_TRUE(VerifyOk(*verifier, image_.digest).verified());  // the chain is now cached

  // Another image, whose envelope (same chain) has one signature byte changed.
  const oci::Descriptor other = PushImage("v2", "layer two");
  const SignedImage signed_other = Sign("v2");
  std::string envelope = layout_->FetchBlob(signed_other.envelope).value();
  // Another base64url character (a flipped bit may not be one): other bytes of R.
  char& c = envelope[envelope.find("\"signature\":\"") + 14];
  c = c == 'A' ? 'B' : 'A';
  ASSERT_TRUE(layout_->PushBlob(oci::Sha256Digest(envelope), envelope).ok());
  oci::Descriptor tampered{std::string(notary::kJwsMediaType), oci::Sha256Digest(envelope),
                           envelope.size(), "", {}};
  ASSERT_TRUE(layout_->DeleteManifest(signed_other.signature_manifest.digest).ok());
  ASSERT_TRUE(layout_->PushManifest(oci::kOciManifestMediaType,
                                    BuildSignatureManifest(other, tampered, {"00"}, clock_.Now()).value())
                  .ok());

  for (int i = 0; i < 2; ++i) {
    const int before = registry_->requests.load();
    const ImageVerification v = VerifyOk(*verifier, other.digest);
    EXPECT_EQ(v.result, ImageVerificationResult::kFailed);
    ASSERT_EQ(v.signatures.size(), 1u);
    ASSERT_TRUE(v.signatures[0].outcome.has_value());
    EXPECT_EQ(v.signatures[0].outcome->failed_check(), VerificationCheck::kIntegrity);
    EXPECT_THAT(v.reason, HasSubstr("signature is invalid"));
    if (i == 1) {
      EXPECT_EQ(registry_->requests.load(), before);  // all of it from the cache
    }
  }
  // The signature is checked first, with the leaf's key, so the cached chain was never consulted.
  EXPECT_EQ(verifier->chain_cache_hits(), 0u);
}

TEST_F(RegistryImageVerifierTest, EightThreadsVerifyConcurrently) {
  Sign("v1");
  // TTL 0: the threads keep asking the registry, over the verifier's shared connections.
  const auto verifier = Verifier(std::chrono::seconds(0));
  std::atomic<int> verified{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        Result<ImageVerification> v = verifier->Verify(Image(t % 2 ? "v1" : image_.digest));
        if (v.ok() && v->verified() && v->image.digest == image_.digest) ++verified;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(verified.load(), 80);
}

TEST_F(RegistryImageVerifierTest, APassedDeadlineNeverReachesTheRegistry) {
  Sign("v1");
  const auto verifier = Verifier();
  Result<ImageVerification> v =
      verifier->Verify(Image("v1"), std::chrono::steady_clock::now() - std::chrono::seconds(1));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(v.status().message(), HasSubstr("deadline"));
  EXPECT_EQ(registry_->requests.load(), 0);
}

}  // namespace
}  // namespace signet::imagesig
