// RegistryRepository and RegistryTransport against an in-process HTTP server that misbehaves on
// purpose (oversized bodies, wrong digests, bearer tokens, pagination, redirects): faults the
// real docker-registry of the integration test (tests/integration/oci_registry_test.sh) never
// shows. It is a test double for those faults only, not for the Distribution API.
#include "oci/registry_repository.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "core/encoding.h"
#include "oci/digest.h"
#include "testing/library_server.h"

namespace signet::oci {
namespace {

// A registry scripted by each test (handlers registered on server()), serving from the start.
class ScriptedServer : public test::LibraryServer {
 public:
  ScriptedServer() { Start(); }
};

std::unique_ptr<RegistryRepository> Open(const ScriptedServer& s,
                                         std::optional<RegistryCredentials> creds = std::nullopt) {
  RegistryOptions options;
  options.insecure_registries = {s.host()};
  options.credentials = std::move(creds);
  options.docker_config = "/nonexistent/config.json";
  options.timeout_seconds = 5;
  auto transport = RegistryTransport::Create(s.host(), options);
  EXPECT_TRUE(transport.ok()) << transport.status().ToString();
  return std::make_unique<RegistryRepository>(std::move(transport).value(), "app");
}

const std::string kManifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]})";

void ServeManifest(httplib::Response& res, const std::string& body, const std::string& digest) {
  res.set_header("Docker-Content-Digest", digest);
  res.set_content(body, std::string(kOciManifestMediaType));
}

TEST(RegistryRepositoryTest, BearerTokenFetchedOncePerScope) {
  ScriptedServer s;
  std::atomic<int> token_requests{0};
  std::string token_authorization;
  s.server().Get("/token", [&](const httplib::Request& req, httplib::Response& res) {
    ++token_requests;
    token_authorization = req.get_header_value("Authorization");
    EXPECT_EQ(req.get_param_value("service"), "scripted");
    res.set_content(R"({"token":"tok-)" + req.get_param_value("scope") + R"("})", "application/json");
  });
  const std::string realm = "http://" + s.host() + "/token";
  s.server().Get("/v2/app/manifests/v1", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != "Bearer tok-repository:app:pull") {
      res.status = 401;
      res.set_header("WWW-Authenticate", "Bearer realm=\"" + realm +
                                             "\",service=\"scripted\",scope=\"repository:app:pull\"");
      return;
    }
    ServeManifest(res, kManifest, Sha256Digest(kManifest));
  });
  auto repo = Open(s, RegistryCredentials{"alice", SecretBytes("secret")});
  for (int i = 0; i < 3; ++i) {
    auto m = repo->FetchManifest("v1");
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(m->descriptor.digest, Sha256Digest(kManifest));
  }
  EXPECT_EQ(token_requests.load(), 1);
  EXPECT_EQ(token_authorization, "Basic " + Base64Encode("alice:secret"));
}

TEST(RegistryRepositoryTest, TokenRefusedIsPermissionDenied) {
  ScriptedServer s;
  s.server().Get("/token", [](const httplib::Request&, httplib::Response& res) {
    res.status = 401;
    res.set_content(R"({"errors":[{"code":"UNAUTHORIZED","message":"bad password"}]})", "application/json");
  });
  const std::string realm = "http://" + s.host() + "/token";
  s.server().Get("/v2/app/manifests/v1", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 401;
    res.set_header("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"x\"");
  });
  auto m = Open(s)->FetchManifest("v1");
  EXPECT_EQ(m.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(m.status().message().find("UNAUTHORIZED: bad password"), std::string::npos)
      << m.status().message();
}

TEST(RegistryRepositoryTest, RefusesOversizedManifests) {
  ScriptedServer s;
  const std::string huge(kMaxManifestBytes + 1, ' ');
  s.server().Get("/v2/app/manifests/v1", [&](const httplib::Request&, httplib::Response& res) {
    ServeManifest(res, huge, Sha256Digest(huge));
  });
  // Without a Content-Length (chunked): the limit applies while reading.
  s.server().Get("/v2/app/manifests/v2", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/json", [&](size_t, httplib::DataSink& sink) {
      for (int i = 0; i < 5 && sink.is_writable(); ++i) sink.write(huge.data(), 1024 * 1024);
      sink.done();
      return true;
    });
  });
  auto repo = Open(s);
  for (const char* tag : {"v1", "v2"}) {
    auto m = repo->FetchManifest(tag);
    EXPECT_EQ(m.status().code(), ErrorCode::kInvalidArgument) << tag;
    EXPECT_NE(m.status().message().find("larger than the 4 MiB limit"), std::string::npos)
        << m.status().message();
  }
}

TEST(RegistryRepositoryTest, DigestsAreCheckedAgainstTheBytes) {
  ScriptedServer s;
  const std::string other = Sha256Digest("something else");
  s.server().Get("/v2/app/manifests/v1", [&](const httplib::Request&, httplib::Response& res) {
    ServeManifest(res, kManifest, other);
  });
  s.server().Get("/v2/app/manifests/" + other, [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(kManifest, std::string(kOciManifestMediaType));  // no header: the bytes decide
  });
  s.server().Get("/v2/app/blobs/" + other, [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("something elsE", "application/octet-stream");
  });
  auto repo = Open(s);
  auto by_tag = repo->FetchManifest("v1");
  EXPECT_NE(by_tag.status().message().find("does not match its digest " + other), std::string::npos)
      << by_tag.status().ToString();
  EXPECT_EQ(repo->FetchManifest(other).status().code(), ErrorCode::kInvalidArgument);
  auto blob = repo->FetchBlob(Descriptor{"x", other, 14, "", {}});
  EXPECT_NE(blob.status().message().find("does not match its digest"), std::string::npos);
  auto short_blob = repo->FetchBlob(Descriptor{"x", other, 20, "", {}});
  EXPECT_NE(short_blob.status().message().find("but its descriptor says 20"), std::string::npos);
  auto over = repo->FetchBlob(Descriptor{"x", other, kMaxBlobBytes + 1, "", {}});
  EXPECT_NE(over.status().message().find("over the 33554432-byte limit"), std::string::npos);
}

TEST(RegistryRepositoryTest, RegistryErrorsReachTheMessage) {
  ScriptedServer s;
  s.server().Get("/v2/app/manifests/v1", [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content(R"({"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]})",
                    "application/json");
  });
  s.server().Get("/v2/app/manifests/v2", [](const httplib::Request&, httplib::Response& res) {
    res.status = 503;
  });
  auto repo = Open(s);
  auto missing = repo->FetchManifest("v1");
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("manifest app:v1 not found in registry " + s.host() +
                                            " (HTTP 404: NAME_UNKNOWN: repository name not known"),
            std::string::npos)
      << missing.status().message();
  EXPECT_EQ(repo->FetchManifest("v2").status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(repo->FetchManifest("not a tag!").status().code(), ErrorCode::kInvalidArgument);
}

TEST(RegistryRepositoryTest, ReferrersApiPagesAreFollowedAndFiltered) {
  ScriptedServer s;
  const std::string subject = Sha256Digest("image");
  const auto entry = [](char c, const std::string& type) {
    return R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
           std::string(64, c) + R"(","size":10,"artifactType":")" + type + "\"}";
  };
  s.server().Get("/v2/app/referrers/" + subject, [&](const httplib::Request& req, httplib::Response& res) {
    const std::string type = "application/vnd.cncf.notary.signature";
    EXPECT_EQ(req.get_param_value("artifactType"), type);
    const bool second = req.get_param_value("page") == "2";
    const std::string list = second ? entry('b', type) : entry('a', type) + "," + entry('c', "application/sbom");
    if (!second) res.set_header("Link", "</v2/app/referrers/" + subject + "?page=2&artifactType=application%2Fvnd.cncf.notary.signature>; rel=\"next\"");
    res.set_content(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)" +
                        list + "]}",
                    std::string(kOciIndexMediaType));
  });
  auto repo = Open(s);
  auto referrers = repo->Referrers(subject, "application/vnd.cncf.notary.signature");
  ASSERT_TRUE(referrers.ok()) << referrers.status().ToString();
  ASSERT_EQ(referrers->size(), 2u);  // the server ignored the filter on page 1: filtered here
  EXPECT_EQ((*referrers)[0].digest, "sha256:" + std::string(64, 'a'));
  EXPECT_EQ((*referrers)[1].digest, "sha256:" + std::string(64, 'b'));
  EXPECT_EQ(repo->referrers_api(), true);
}

TEST(RegistryRepositoryTest, CredentialsDoNotFollowRedirectsElsewhere) {
  ScriptedServer storage;
  ScriptedServer s;
  const std::string blob = "blob bytes";
  std::string storage_authorization = "unset";
  storage.server().Get("/object", [&](const httplib::Request& req, httplib::Response& res) {
    storage_authorization = req.get_header_value("Authorization");
    res.set_content(blob, "application/octet-stream");
  });
  s.server().Get("/v2/app/blobs/" + Sha256Digest(blob), [&](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization").empty()) {
      res.status = 401;
      res.set_header("WWW-Authenticate", "Basic realm=\"r\"");
      return;
    }
    res.status = 307;
    res.set_header("Location", "http://" + storage.host() + "/object");
  });
  RegistryOptions options;
  options.insecure_registries = {s.host(), storage.host()};
  options.credentials = RegistryCredentials{"alice", SecretBytes("secret")};
  auto transport = RegistryTransport::Create(s.host(), options);
  ASSERT_TRUE(transport.ok());
  RegistryRepository repo(std::move(transport).value(), "app");
  auto read = repo.FetchBlob(Descriptor{"x", Sha256Digest(blob), blob.size(), "", {}});
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, blob);
  EXPECT_EQ(storage_authorization, "");
}

TEST(RegistryRepositoryTest, BasicChallengeWithoutCredentialsSaysHowToLogIn) {
  ScriptedServer s;
  s.server().Get("/v2/app/manifests/v1", [](const httplib::Request&, httplib::Response& res) {
    res.status = 401;
    res.set_header("WWW-Authenticate", "Basic realm=\"r\"");
  });
  auto m = Open(s)->FetchManifest("v1");
  EXPECT_EQ(m.status().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(m.status().message().find("requires a login"), std::string::npos);
}

}  // namespace
}  // namespace signet::oci

namespace signet::oci {
namespace {

TEST(RegistryRepositoryTest, AnExpiredBearerTokenIsFetchedAgain) {
  ScriptedServer s;
  std::atomic<int> token_requests{0};
  s.server().Get("/token", [&](const httplib::Request&, httplib::Response& res) {
    const int n = ++token_requests;
    res.set_content(R"({"token":"tok-)" + std::to_string(n) + R"(","expires_in":1})",
                    "application/json");
  });
  const std::string realm = "http://" + s.host() + "/token";
  std::string last_authorization;
  s.server().Get("/v2/app/manifests/v1", [&](const httplib::Request& req, httplib::Response& res) {
    last_authorization = req.get_header_value("Authorization");
    if (last_authorization.rfind("Bearer tok-", 0) != 0) {
      res.status = 401;
      res.set_header("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"s\"");
      return;
    }
    ServeManifest(res, kManifest, Sha256Digest(kManifest));
  });
  auto repo = Open(s);
  ASSERT_TRUE(repo->FetchManifest("v1").ok());
  ASSERT_TRUE(repo->FetchManifest("v1").ok());
  EXPECT_EQ(token_requests.load(), 1);
  // Renewed at nine tenths of its one-second lifetime, before the registry would refuse it.
  std::this_thread::sleep_for(std::chrono::milliseconds(950));
  ASSERT_TRUE(repo->FetchManifest("v1").ok());
  EXPECT_EQ(token_requests.load(), 2);
  EXPECT_EQ(last_authorization, "Bearer tok-2");
}

TEST(RegistryRepositoryTest, NoReferrersApiIsRememberedAndTheIndexReadMeanwhile) {
  ScriptedServer s;
  const std::string subject = Sha256Digest("image");
  const std::string index =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
      std::string(64, 'a') + R"(","size":10,"artifactType":"application/example"}]})";
  std::atomic<int> api_requests{0}, index_requests{0};
  s.server().Get("/v2/app/referrers/" + subject, [&](const httplib::Request&, httplib::Response& res) {
    ++api_requests;
    res.status = 404;
  });
  s.server().Get("/v2/app/manifests/" + ReferrersTag(subject).value(),
                 [&](const httplib::Request&, httplib::Response& res) {
                   ++index_requests;
                   res.set_header("Docker-Content-Digest", Sha256Digest(index));
                   res.set_content(index, std::string(kOciIndexMediaType));
                 });
  RegistryOptions options;
  options.insecure_registries = {s.host()};
  options.docker_config = "/nonexistent/config.json";
  std::shared_ptr<RegistryTransport> transport = RegistryTransport::Create(s.host(), options).value();
  for (int i = 0; i < 3; ++i) {
    RegistryRepository repo(transport, "app");  // a fresh view of the same registry
    auto referrers = repo.Referrers(subject, "application/example");
    ASSERT_TRUE(referrers.ok()) << referrers.status().ToString();
    ASSERT_EQ(referrers->size(), 1u);
    EXPECT_EQ(repo.referrers_api(), false);
  }
  EXPECT_EQ(api_requests.load(), 1);
  EXPECT_EQ(index_requests.load(), 3);
}

TEST(RegistryRepositoryTest, EightThreadsShareOneTransport) {
  ScriptedServer s;
  std::atomic<int> token_requests{0};
  s.server().Get("/token", [&](const httplib::Request&, httplib::Response& res) {
    ++token_requests;
    res.set_content(R"({"token":"tok"})", "application/json");
  });
  const std::string realm = "http://" + s.host() + "/token";
  s.server().Get("/v2/app/manifests/v1", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != "Bearer tok") {
      res.status = 401;
      res.set_header("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"s\"");
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // overlap the requests
    ServeManifest(res, kManifest, Sha256Digest(kManifest));
  });
  auto repo = Open(s);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto m = repo->FetchManifest("v1");
        if (m.ok() && m->descriptor.digest == Sha256Digest(kManifest)) ++ok;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 80);
  EXPECT_LE(token_requests.load(), 8);  // at most one per thread racing for the first token
}

TEST(RegistryRepositoryTest, APassedDeadlineFailsWithoutARequest) {
  ScriptedServer s;
  std::atomic<int> requests{0};
  s.server().Get("/v2/app/manifests/v1", [&](const httplib::Request&, httplib::Response& res) {
    ++requests;
    ServeManifest(res, kManifest, Sha256Digest(kManifest));
  });
  auto repo = Open(s);
  repo->set_deadline(std::chrono::steady_clock::now() - std::chrono::milliseconds(1));
  auto m = repo->FetchManifest("v1");
  EXPECT_EQ(m.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(requests.load(), 0);
  repo->set_deadline(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  EXPECT_TRUE(repo->FetchManifest("v1").ok());
}

}  // namespace
}  // namespace signet::oci
