// RegistryTransport: HTTP(S) to one registry, with the registry's authentication handled.
//
// It answers a 401 once per request: a `Basic` challenge is met with the credentials (and they
// are then sent up front), a `Bearer` challenge with a token fetched from the challenge's realm
// for its service and scope (with the credentials, or anonymously), cached per scope and fetched
// again when the registry refuses it. Credentials and tokens go only to the registry's own origin
// and its token realm, never to a host a redirect or a Location header names.
//
// Plain HTTP is used only for a registry named in `insecure_registries`; everything else is
// HTTPS, verified against the system trust store or `ca_file`. Every response body is read with a
// limit, so a hostile registry cannot make the client allocate more than the limit.
//
// A bearer token is kept for the lifetime its token service gave (`expires_in`, 60 s when it
// says nothing, the Docker token specification's default), less a tenth for clock and transit,
// and fetched again after that or when the registry refuses it.
//
// Thread-safe: concurrent Sends each use an idle keep-alive connection of a small pool (one is
// opened when none is idle), and the tokens and credentials are shared under a lock. What the
// transport learnt of the registry (its Referrers API support) lasts as long as it does.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "oci/registry_credentials.h"

namespace signet::oci {

struct RegistryOptions {
  std::vector<std::string> insecure_registries;  // host[:port] reached over plain HTTP
  std::filesystem::path ca_file;                 // PEM bundle to trust; empty: system store
  // Explicit credentials win; otherwise they are read from `docker_config` (empty: the default
  // Docker location) when the registry first asks for them.
  std::optional<RegistryCredentials> credentials;
  std::filesystem::path docker_config;
  int timeout_seconds = 30;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // The first header of that name (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

struct HttpRequest {
  std::string method = "GET";
  // "/v2/…" on the registry, or an absolute URL the registry sent (Location, Link).
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;  // sent with the body
  // The token scope the request needs, "repository:NAME:pull" or "repository:NAME:pull,push".
  std::string scope;
  size_t max_response_bytes = 1024 * 1024;  // errors and small answers fit
  std::string what;  // names the object in messages: "manifest sha256:…"
  // When set, every exchange of the request (redirects and token fetches too) must end by then:
  // its timeouts are the shorter of RegistryOptions::timeout_seconds and the time left, and an
  // exchange due to start past it fails Unavailable without reaching the network.
  std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt;
};

class RegistryTransport {
 public:
  // `registry` is host[:port] as in a reference ("docker.io" is reached at registry-1.docker.io).
  static Result<std::unique_ptr<RegistryTransport>> Create(std::string_view registry,
                                                           RegistryOptions options);
  ~RegistryTransport();

  const std::string& registry() const;

  // Sends the request, authenticating and following redirects of GET/HEAD (at most 5). Any HTTP
  // status is a response. Errors: Unavailable (connection, TLS), PermissionDenied (a challenge
  // that cannot be answered, a token service that refuses), InvalidArgument (a body over
  // max_response_bytes).
  Result<HttpResponse> Send(const HttpRequest& request);

  // The Status for a response the caller did not expect, with the registry's error JSON
  // (`errors[].code: message`) in the message. 401/403 PermissionDenied, 404 NotFound,
  // 405 FailedPrecondition, other 4xx InvalidArgument, 429/5xx and the rest Unavailable.
  Status ErrorFor(const HttpResponse& response, std::string_view what) const;

  // Whether the registry serves the Referrers API (GET /v2/<name>/referrers/<digest>): nullopt
  // until a repository on it found out and said so with set_referrers_api.
  std::optional<bool> referrers_api() const;
  void set_referrers_api(bool served);

 private:
  struct Impl;
  explicit RegistryTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Percent-encodes everything but RFC 3986 unreserved characters (for query values).
std::string UrlEncode(std::string_view text);

}  // namespace signet::oci
