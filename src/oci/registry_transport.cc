#include "oci/registry_transport.h"

#include <httplib.h>
#include <strings.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "oci/reference.h"
#include "oci/www_authenticate.h"

namespace signet::oci {
namespace {

constexpr size_t kMaxTokenResponseBytes = 1024 * 1024;
constexpr int kMaxRedirects = 5;
constexpr size_t kMaxIdleConnections = 16;  // per origin
constexpr int64_t kDefaultTokenSeconds = 60;

struct Url {
  std::string origin;  // "https://host:port"
  std::string path;    // "/v2/…?query"
  bool https = false;
};

// Splits an absolute http(s) URL; a target starting with '/' is on `base_origin`.
Result<Url> ParseUrl(std::string_view target, std::string_view base_origin) {
  Url url;
  if (!target.empty() && target.front() == '/') {
    url.origin = std::string(base_origin);
    url.path = std::string(target);
  } else {
    const size_t scheme_end = target.find("://");
    const std::string_view scheme =
        scheme_end == std::string_view::npos ? "" : target.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https") {
      return InvalidArgumentError("registry sent a URL that is not http(s): " +
                                  std::string(target.substr(0, 200)));
    }
    const size_t path_start = target.find_first_of("/?", scheme_end + 3);
    url.origin = std::string(target.substr(0, path_start));
    url.path = path_start == std::string_view::npos ? "/" : std::string(target.substr(path_start));
    if (url.path.front() == '?') url.path.insert(0, "/");
  }
  url.https = url.origin.rfind("https://", 0) == 0;
  return url;
}

std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 300)) out += (c >= 0x20 && c < 0x7f) ? c : ' ';
  return out;
}

// "CODE: message; CODE: message" from the distribution error JSON, else the start of the body.
std::string ErrorDetail(std::string_view body) {
  try {
    const nlohmann::json doc = nlohmann::json::parse(body);
    std::string out;
    if (doc.is_object() && doc.contains("errors") && doc["errors"].is_array()) {
      for (const auto& e : doc["errors"]) {
        if (!e.is_object()) continue;
        if (!out.empty()) out += "; ";
        out += e.value("code", std::string("UNKNOWN"));
        const std::string message = e.value("message", std::string());
        if (!message.empty()) out += ": " + message;
      }
    }
    if (!out.empty()) return Printable(out);
  } catch (const nlohmann::json::exception&) {
  }
  return Printable(body);
}

std::string LimitText(size_t bytes) {
  return bytes % (1024 * 1024) == 0 ? std::to_string(bytes / (1024 * 1024)) + " MiB"
                                     : std::to_string(bytes) + " bytes";
}

}  // namespace

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return value;
    }
  }
  return "";
}

struct RegistryTransport::Impl {
  using Steady = std::chrono::steady_clock;
  struct Token {
    std::string value;
    Steady::time_point renew_at;
  };

  std::string registry;
  std::string origin;
  RegistryOptions options;
  std::atomic<int> referrers_api{-1};  // -1 unknown, 0 no, 1 yes
  std::atomic<bool> basic{false};      // the registry asked for Basic: send it up front

  std::mutex mu;  // guards what follows
  bool credentials_loaded = false;
  Status credentials_status;
  std::optional<RegistryCredentials> credentials;
  std::map<std::string, Token> tokens;  // bearer token by the request's scope
  // Idle keep-alive connections by origin; a Send takes one (or opens one) and gives it back.
  std::map<std::string, std::vector<std::unique_ptr<httplib::Client>>> idle_clients;

  bool Insecure() const {
    const auto& list = options.insecure_registries;
    return std::find(list.begin(), list.end(), registry) != list.end();
  }

  std::unique_ptr<httplib::Client> TakeClient(const std::string& client_origin) {
    {
      std::lock_guard<std::mutex> lock(mu);
      auto& idle = idle_clients[client_origin];
      if (!idle.empty()) {
        std::unique_ptr<httplib::Client> client = std::move(idle.back());
        idle.pop_back();
        return client;
      }
    }
    auto client = std::make_unique<httplib::Client>(client_origin);
    client->set_keep_alive(true);
    client->set_tcp_nodelay(true);  // requests go out as written, not after a delayed ACK
    if (client_origin.rfind("https://", 0) == 0) {
      client->enable_server_certificate_verification(true);
      if (!options.ca_file.empty()) client->set_ca_cert_path(options.ca_file.string());
    }
    return client;
  }

  void ReturnClient(const std::string& client_origin, std::unique_ptr<httplib::Client> client) {
    std::lock_guard<std::mutex> lock(mu);
    auto& idle = idle_clients[client_origin];
    if (idle.size() < kMaxIdleConnections) idle.push_back(std::move(client));
  }

  std::optional<std::string> TokenFor(const std::string& scope) {
    std::lock_guard<std::mutex> lock(mu);
    const auto it = tokens.find(scope);
    if (it == tokens.end()) return std::nullopt;
    if (Steady::now() >= it->second.renew_at) {
      tokens.erase(it);
      return std::nullopt;
    }
    return it->second.value;
  }

  // The credentials (loaded once), or nullopt when they could not be read (`*status` says why).
  Result<std::optional<RegistryCredentials>> Credentials() {
    std::lock_guard<std::mutex> lock(mu);
    if (!credentials_loaded) {
      credentials_loaded = true;
      if (options.credentials) {
        credentials = options.credentials;
      } else {
        const auto path = options.docker_config.empty() ? DefaultDockerConfigPath()
                                                        : options.docker_config;
        auto read = ReadDockerConfigCredentials(path, registry);
        if (read.ok()) {
          credentials = std::move(read).value();
        } else {
          credentials_status = read.status();
        }
      }
    }
    if (!credentials_status.ok()) return credentials_status;
    return credentials;
  }

  // One HTTP exchange, the body read up to `max` bytes.
  Result<HttpResponse> Exchange(const Url& url, const HttpRequest& request,
                                const httplib::Headers& headers) {
    if (!url.https && !Insecure()) {
      return PermissionDeniedError("refusing plain HTTP to " + url.origin + " for registry " +
                                   registry + ": name it as an insecure registry to allow that");
    }
    std::chrono::microseconds timeout = std::chrono::seconds(options.timeout_seconds);
    if (request.deadline) {
      const auto left =
          std::chrono::duration_cast<std::chrono::microseconds>(*request.deadline - Steady::now());
      if (left <= std::chrono::microseconds(0)) {
        return UnavailableError("the deadline passed before " + request.what + " was read from " +
                                registry);
      }
      timeout = std::min(timeout, left);
    }
    httplib::Request req;
    req.method = request.method;
    req.path = url.path;
    req.headers = headers;
    req.headers.emplace("User-Agent", "signet");
    if (!request.body.empty() || request.method == "PUT" || request.method == "POST") {
      req.body = request.body;
      if (!request.content_type.empty()) req.headers.emplace("Content-Type", request.content_type);
    }
    std::string body;
    bool too_large = false;
    const size_t max = request.max_response_bytes;
    req.response_handler = [&](const httplib::Response& res) {
      if (res.has_header("Content-Length")) {
        const std::string length = res.get_header_value("Content-Length");
        const bool digits = length.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || length.size() > 15 || std::stoull("0" + length) > max) {
          too_large = true;
          return false;
        }
      }
      return true;
    };
    req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
      if (body.size() + n > max) {
        too_large = true;
        return false;
      }
      body.append(data, n);
      return true;
    };
    httplib::Response res;
    httplib::Error error = httplib::Error::Success;
    std::unique_ptr<httplib::Client> client = TakeClient(url.origin);
    const time_t seconds = static_cast<time_t>(timeout.count() / 1000000);
    const time_t micros = static_cast<time_t>(timeout.count() % 1000000);
    client->set_connection_timeout(seconds, micros);
    client->set_read_timeout(seconds, micros);
    client->set_write_timeout(seconds, micros);
    const bool sent = client->send(req, res, error);
    // A connection that failed mid-exchange is dropped rather than reused.
    if (sent) ReturnClient(url.origin, std::move(client));
    if (!sent) {
      if (too_large) {
        return InvalidArgumentError(request.what + " from " + registry + " is larger than the " +
                                    LimitText(max) + " limit; refusing to read it");
      }
      std::string hint;
      if (error == httplib::Error::SSLServerVerification) {
        hint = ": its TLS certificate is not trusted (pass the registry's CA file)";
      } else if (error == httplib::Error::SSLConnection) {
        hint = ": the TLS handshake failed (if it serves plain HTTP, name it an insecure registry)";
      }
      return UnavailableError("cannot reach " + url.origin + " (" + httplib::to_string(error) +
                              ")" + hint);
    }
    HttpResponse out;
    out.status = res.status;
    out.body = std::move(body);
    for (const auto& [name, value] : res.headers) out.headers.emplace_back(name, value);
    return out;
  }

  // Answers a 401 so that the next attempt carries what the registry asked for.
  Status Authorize(const HttpResponse& response, const HttpRequest& request) {
    const std::string header = response.Header("WWW-Authenticate");
    if (header.empty()) {
      return PermissionDeniedError("registry " + registry + " answered 401 for " + request.what +
                                   " without a WWW-Authenticate challenge");
    }
    SIGNET_ASSIGN_OR_RETURN(AuthChallenge challenge, ParseAuthChallenge(header));
    SIGNET_ASSIGN_OR_RETURN(std::optional<RegistryCredentials> creds, Credentials());
    if (challenge.scheme == "basic") {
      if (!creds.has_value()) {
        return PermissionDeniedError("registry " + registry +
                                     " requires a login: add its credentials to the Docker config "
                                     "(docker login " + registry + ") or pass them explicitly");
      }
      basic.store(true);
      return Status::Ok();
    }
    if (challenge.scheme != "bearer") {
      return PermissionDeniedError("registry " + registry + " asks for authentication scheme '" +
                                   challenge.scheme + "', which signet does not support");
    }
    SIGNET_ASSIGN_OR_RETURN(Url realm, ParseUrl(challenge.Param("realm"), origin));
    if (!realm.https && !Insecure()) {
      return PermissionDeniedError("registry " + registry + " sends tokens from a plain-HTTP realm " +
                                   realm.origin + "; refusing (name the registry insecure to allow)");
    }
    std::string query = "service=" + UrlEncode(challenge.Param("service"));
    std::string scopes = challenge.Param("scope");
    if (scopes.empty()) scopes = request.scope;
    size_t start = 0;
    while (start < scopes.size()) {
      size_t end = scopes.find(' ', start);
      if (end == std::string::npos) end = scopes.size();
      if (end > start) query += "&scope=" + UrlEncode(scopes.substr(start, end - start));
      start = end + 1;
    }
    realm.path += (realm.path.find('?') == std::string::npos ? "?" : "&") + query;
    httplib::Headers headers;
    if (creds.has_value()) {
      const std::string pair = creds->username + ":" + std::string(creds->password.reveal());
      headers.emplace("Authorization", "Basic " + Base64Encode(pair));
    }
    HttpRequest token_request;
    token_request.what = "the token from " + realm.origin;
    token_request.deadline = request.deadline;
    token_request.max_response_bytes = kMaxTokenResponseBytes;
    SIGNET_ASSIGN_OR_RETURN(HttpResponse token_response, Exchange(realm, token_request, headers));
    if (token_response.status != 200) {
      return PermissionDeniedError("the token service " + realm.origin + " of registry " +
                                   registry + " refused a token for '" + scopes + "' (HTTP " +
                                   std::to_string(token_response.status) + ": " +
                                   ErrorDetail(token_response.body) + ")");
    }
    std::string token;
    int64_t expires_in = kDefaultTokenSeconds;
    try {
      const auto doc = nlohmann::json::parse(token_response.body);
      if (doc.is_object()) {
        token = doc.value("token", std::string());
        if (token.empty()) token = doc.value("access_token", std::string());
        if (doc.contains("expires_in") && doc["expires_in"].is_number_integer()) {
          expires_in = std::clamp<int64_t>(doc["expires_in"].get<int64_t>(), 0, 24 * 3600);
        }
      }
    } catch (const nlohmann::json::exception&) {
    }
    if (token.empty()) {
      return PermissionDeniedError("the token service " + realm.origin +
                                   " answered without a token");
    }
    // Renewed after nine tenths of its lifetime, so it is not refused in flight.
    const auto lifetime = std::chrono::milliseconds(expires_in * 900);
    std::lock_guard<std::mutex> lock(mu);
    tokens[request.scope] = Token{std::move(token), Steady::now() + lifetime};
    return Status::Ok();
  }

  httplib::Headers AuthHeaders(const HttpRequest& request) {
    httplib::Headers headers;
    for (const auto& [name, value] : request.headers) headers.emplace(name, value);
    if (std::optional<std::string> token = TokenFor(request.scope)) {
      headers.emplace("Authorization", "Bearer " + *token);
    } else if (basic.load()) {
      Result<std::optional<RegistryCredentials>> creds = Credentials();
      if (creds.ok() && creds->has_value()) {
        const std::string pair =
            (*creds)->username + ":" + std::string((*creds)->password.reveal());
        headers.emplace("Authorization", "Basic " + Base64Encode(pair));
      }
    }
    return headers;
  }
};

RegistryTransport::RegistryTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RegistryTransport::~RegistryTransport() = default;

Result<std::unique_ptr<RegistryTransport>> RegistryTransport::Create(std::string_view registry,
                                                                     RegistryOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->registry = std::string(registry);
  impl->options = std::move(options);
  impl->origin = (impl->Insecure() ? "http://" : "https://") + RegistryHost(registry);
  if (!impl->options.ca_file.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(impl->options.ca_file, ec)) {
      return InvalidArgumentError("CA file " + impl->options.ca_file.string() +
                                  " is not a readable file");
    }
  }
  return std::unique_ptr<RegistryTransport>(new RegistryTransport(std::move(impl)));
}

const std::string& RegistryTransport::registry() const { return impl_->registry; }

Result<HttpResponse> RegistryTransport::Send(const HttpRequest& request) {
  SIGNET_ASSIGN_OR_RETURN(Url url, ParseUrl(request.target, impl_->origin));
  bool authorized_once = false;
  int redirects = 0;
  while (true) {
    const bool own_origin = url.origin == impl_->origin;
    httplib::Headers headers;
    if (own_origin) {
      headers = impl_->AuthHeaders(request);
    } else {
      for (const auto& [name, value] : request.headers) headers.emplace(name, value);
    }
    SIGNET_ASSIGN_OR_RETURN(HttpResponse response, impl_->Exchange(url, request, headers));
    if (response.status == 401 && own_origin && !authorized_once) {
      authorized_once = true;
      // The token this request carried was refused (or expired): drop it, unless a concurrent
      // request has meanwhile stored another, which this one then retries with.
      const auto sent = headers.find("Authorization");
      const std::string sent_bearer =
          sent != headers.end() && sent->second.rfind("Bearer ", 0) == 0 ? sent->second.substr(7)
                                                                         : "";
      bool fetched_meanwhile = false;
      {
        std::lock_guard<std::mutex> lock(impl_->mu);
        const auto it = impl_->tokens.find(request.scope);
        if (it != impl_->tokens.end()) {
          if (it->second.value == sent_bearer) {
            impl_->tokens.erase(it);
          } else {
            fetched_meanwhile = true;
          }
        }
      }
      if (!fetched_meanwhile) SIGNET_RETURN_IF_ERROR(impl_->Authorize(response, request));
      continue;
    }
    const bool redirect = response.status == 301 || response.status == 302 ||
                          response.status == 303 || response.status == 307 ||
                          response.status == 308;
    if (redirect && (request.method == "GET" || request.method == "HEAD") &&
        !response.Header("Location").empty()) {
      if (++redirects > kMaxRedirects) {
        return UnavailableError("registry " + impl_->registry + " redirected " + request.what +
                                " more than " + std::to_string(kMaxRedirects) + " times");
      }
      SIGNET_ASSIGN_OR_RETURN(url, ParseUrl(response.Header("Location"), url.origin));
      continue;
    }
    return response;
  }
}

std::optional<bool> RegistryTransport::referrers_api() const {
  const int known = impl_->referrers_api.load();
  if (known < 0) return std::nullopt;
  return known == 1;
}

void RegistryTransport::set_referrers_api(bool served) { impl_->referrers_api.store(served ? 1 : 0); }

Status RegistryTransport::ErrorFor(const HttpResponse& response, std::string_view what) const {
  const std::string status = "HTTP " + std::to_string(response.status);
  const std::string detail = ErrorDetail(response.body);
  const std::string why = " (" + status + (detail.empty() ? "" : ": " + detail) + ")";
  const std::string& reg = impl_->registry;
  switch (response.status) {
    case 401:
      return PermissionDeniedError("registry " + reg + " refused access to " + std::string(what) +
                                   why + ": the credentials are missing or wrong");
    case 403:
      return PermissionDeniedError("registry " + reg + " forbids this on " + std::string(what) +
                                   why + ": the credentials lack the permission");
    case 404:
      return NotFoundError(std::string(what) + " not found in registry " + reg + why);
    case 405:
      return FailedPreconditionError("registry " + reg + " does not allow this on " +
                                     std::string(what) + why);
    default:
      break;
  }
  if (response.status >= 400 && response.status < 500 && response.status != 429) {
    return InvalidArgumentError("registry " + reg + " rejected " + std::string(what) + why);
  }
  return UnavailableError("registry " + reg + " could not serve " + std::string(what) + why);
}

}  // namespace signet::oci
