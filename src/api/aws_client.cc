#include "api/aws_client.h"

#include <fcntl.h>
#include <httplib.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "api/http_connection.h"
#include "api/sigv4.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/host_port.h"
#include "crypto/digest.h"

namespace signet::api {

struct AwsClient::Impl {
  std::unique_ptr<httplib::ClientImpl> http;
  std::string host_header;
  AwsCredentials credentials;
  const Clock* clock;
  std::vector<std::pair<std::string, std::string>> extra_headers;

  // The signed headers of a request (Host, the extra headers, the session token).
  void Sign(HttpRequestView& request, std::string_view service,
            std::optional<std::string> payload_hash) const {
    request.headers.emplace_back("host", host_header);
    for (const auto& header : extra_headers) request.headers.push_back(header);
    if (!credentials.session_token.empty()) {
      request.headers.emplace_back("x-amz-security-token", credentials.session_token);
    }
    SignSigV4(request, credentials.access_key_id, credentials.secret_access_key,
              credentials.region, service, clock->Now(), std::move(payload_hash));
  }
};

namespace {

// An open file descriptor, closed with its owner.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// The library's plain-HTTP client, sending each request in one piece. The library writes a
// request's head and its body with separate send calls: two TCP segments, and a server woken by
// the head must wait again for the body. The AWS SDKs send a small request in one segment. Here
// each request runs over an HttpConnectionStream, which holds what is written until the
// response is read (a body over its buffer goes out at once).
class CoalescingClient final : public httplib::ClientImpl {
 public:
  using httplib::ClientImpl::ClientImpl;

 private:
  bool process_socket(const Socket& socket,
                      std::function<bool(httplib::Stream& strm)> callback) override {
    HttpConnectionStream stream(socket.sock, HttpTimeout(read_timeout_sec_, read_timeout_usec_),
                                HttpTimeout(write_timeout_sec_, write_timeout_usec_));
    return callback(stream) && stream.Flush();
  }
};

// The library's client for http(s)://HOST[:PORT] (HOST may be a bracketed IPv6 address), or
// null if the port is not a number from 1 to 65535.
std::unique_ptr<httplib::ClientImpl> HttpClientFor(bool https, std::string_view host_port) {
  const std::optional<HostPort> parts = SplitHostPort(host_port);
  if (!parts || parts->host.empty()) return nullptr;
  int port = https ? 443 : 80;
  if (const auto& text = parts->port) {
    const auto [end, ec] = std::from_chars(text->begin(), text->end(), port);
    if (ec != std::errc() || end != text->end() || port < 1 || port > 65535) return nullptr;
  }
  const std::string host(parts->host);
  if (https) return std::make_unique<httplib::SSLClient>(host, port);
  return std::make_unique<CoalescingClient>(host, port);
}

}  // namespace

AwsClient::AwsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AwsClient::~AwsClient() = default;

std::string AwsResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n.size() == name.size() && strncasecmp(n.data(), name.data(), n.size()) == 0) return v;
  }
  return "";
}

Result<std::unique_ptr<AwsClient>> AwsClient::Create(std::string_view endpoint,
                                                     AwsCredentials credentials,
                                                     const Clock& clock) {
  std::string url(endpoint);
  while (!url.empty() && url.back() == '/') url.pop_back();
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos ||
      (url.substr(0, scheme_end) != "http" && url.substr(0, scheme_end) != "https") ||
      url.find('/', scheme_end + 3) != std::string::npos) {
    return InvalidArgumentError("endpoint '" + std::string(endpoint) +
                                "' must be http(s)://HOST[:PORT]");
  }
  auto impl = std::make_unique<Impl>();
  impl->http = HttpClientFor(url.substr(0, scheme_end) == "https", url.substr(scheme_end + 3));
  if (!impl->http) {
    return InvalidArgumentError("endpoint '" + std::string(endpoint) +
                                "' must be http(s)://HOST[:PORT] with a port from 1 to 65535");
  }
  impl->http->set_keep_alive(true);
  impl->http->set_tcp_nodelay(true);
  impl->http->set_read_timeout(300, 0);
  impl->http->set_write_timeout(300, 0);
  impl->host_header = url.substr(scheme_end + 3);
  impl->credentials = std::move(credentials);
  impl->clock = &clock;
  return std::unique_ptr<AwsClient>(new AwsClient(std::move(impl)));
}

Result<AwsResponse> AwsClient::Send(std::string_view method, std::string_view raw_path,
                                    std::string_view raw_query, std::string_view body,
                                    std::string_view service, std::string_view content_type) {
  HttpRequestView request;
  request.method = std::string(method);
  request.raw_path = std::string(raw_path);
  request.raw_query = std::string(raw_query);
  request.body = body;
  if (!body.empty()) request.headers.emplace_back("content-type", std::string(content_type));
  impl_->Sign(request, service, std::nullopt);

  httplib::Request req;
  req.method = request.method;
  req.path = request.raw_path + (request.raw_query.empty() ? "" : "?" + request.raw_query);
  for (const auto& [name, value] : request.headers) {
    if (strcasecmp(name.c_str(), "host") != 0) req.headers.emplace(name, value);
  }
  req.body = std::string(body);
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  if (!impl_->http->send(req, res, error)) {
    return UnavailableError("cannot reach " + impl_->host_header + ": " +
                            httplib::to_string(error));
  }
  AwsResponse out;
  out.status = res.status;
  out.body = std::move(res.body);
  for (const auto& [name, value] : res.headers) out.headers.emplace_back(name, value);
  return out;
}

void AwsClient::SetHeader(std::string name, std::string value) {
  impl_->extra_headers.emplace_back(std::move(name), std::move(value));
}

Result<AwsResponse> AwsClient::SendFile(std::string_view method, std::string_view raw_path,
                                        std::string_view raw_query, std::string_view service,
                                        std::string_view content_type,
                                        const AwsFileTransfer& transfer) {
  const std::string file = transfer.body_file.string();
  auto fd = std::make_shared<Fd>(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (fd->fd < 0) return NotFoundError("cannot open " + file);
  if (::fstat(fd->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return InvalidArgumentError(file + " is not a regular file");
  }
  const auto total = static_cast<uint64_t>(st.st_size);
  crypto::Digest sha256(crypto::HashAlgorithm::kSha256);
  std::string buffer(1 << 20, '\0');
  for (uint64_t at = 0; at < total;) {
    const ssize_t got = ::pread(fd->fd, buffer.data(), std::min<uint64_t>(buffer.size(), total - at),
                                static_cast<off_t>(at));
    if (got <= 0) return UnavailableError("cannot read " + file);
    sha256.Update(std::string_view(buffer.data(), static_cast<size_t>(got)));
    at += static_cast<uint64_t>(got);
  }

  HttpRequestView request;
  request.method = std::string(method);
  request.raw_path = std::string(raw_path);
  request.raw_query = std::string(raw_query);
  request.headers.emplace_back("content-type", std::string(content_type));
  impl_->Sign(request, service, HexEncode(sha256.Finish()));

  httplib::Request req;
  req.method = request.method;
  req.path = request.raw_path + (request.raw_query.empty() ? "" : "?" + request.raw_query);
  for (const auto& [name, value] : request.headers) {
    if (strcasecmp(name.c_str(), "host") != 0) req.headers.emplace(name, value);
  }
  // The file is sent as it was hashed; one that changes meanwhile fails the signature check.
  req.content_length_ = static_cast<size_t>(total);
  req.content_provider_ = [fd, total, &transfer](size_t offset, size_t length,
                                                 httplib::DataSink& sink) {
    char chunk[1 << 16];
    const size_t n = std::min(length, sizeof(chunk));
    const ssize_t got = ::pread(fd->fd, chunk, n, static_cast<off_t>(offset));
    if (got <= 0) return false;
    if (!sink.write(chunk, static_cast<size_t>(got))) return false;
    if (transfer.on_progress) transfer.on_progress(offset + static_cast<size_t>(got), total);
    return true;
  };
  AwsResponse out;
  bool streaming = false;
  req.response_handler = [&](const httplib::Response& res) {
    streaming = transfer.on_body && res.status >= 200 && res.status < 300;
    return true;
  };
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    if (streaming) return transfer.on_body(std::string_view(data, n));
    out.body.append(data, n);
    return true;
  };
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  if (!impl_->http->send(req, res, error)) {
    return UnavailableError("cannot reach " + impl_->host_header + ": " +
                            httplib::to_string(error));
  }
  out.status = res.status;
  for (const auto& [name, value] : res.headers) out.headers.emplace_back(name, value);
  return out;
}

Result<std::map<std::string, std::string>> ReadAwsIniSection(const std::string& path,
                                                             std::string_view section) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFoundError(path + " does not exist");
  SIGNET_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, 1024 * 1024, "an AWS shared file"));
  auto trim = [](std::string_view v) {
    const size_t a = v.find_first_not_of(" \t\r");
    const size_t b = v.find_last_not_of(" \t\r");
    return a == std::string_view::npos ? std::string() : std::string(v.substr(a, b - a + 1));
  };
  std::map<std::string, std::string> out;
  bool in_section = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = trim(std::string_view(text).substr(pos, end - pos));
    pos = end + 1;
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[') {
      in_section = line.back() == ']' && trim(line.substr(1, line.size() - 2)) == section;
      continue;
    }
    const size_t eq = line.find('=');
    if (!in_section || eq == std::string::npos) continue;
    out[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  }
  SecureWipe(text);
  return out;
}

Result<AwsCredentials> ReadSharedCredentials(const std::string& path, std::string_view profile) {
  SIGNET_ASSIGN_OR_RETURN(auto values, ReadAwsIniSection(path, profile));
  AwsCredentials out;
  out.access_key_id = values["aws_access_key_id"];
  out.secret_access_key = SecretBytes(values["aws_secret_access_key"]);
  out.session_token = values["aws_session_token"];
  for (auto& [key, value] : values) SecureWipe(value);
  if (out.access_key_id.empty() || out.secret_access_key.empty()) {
    return NotFoundError("profile '" + std::string(profile) + "' has no keys in " + path);
  }
  return out;
}

}  // namespace signet::api
