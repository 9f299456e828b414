#include "api/aws_client.h"

#include <httplib.h>
#include <strings.h>

#include "api/sigv4.h"
#include "core/file.h"

namespace signet::api {

struct AwsClient::Impl {
  std::unique_ptr<httplib::Client> http;
  std::string host_header;
  AwsCredentials credentials;
  const Clock* clock;
};

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
  impl->http = std::make_unique<httplib::Client>(url);
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
  request.headers.emplace_back("host", impl_->host_header);
  if (!body.empty()) request.headers.emplace_back("content-type", std::string(content_type));
  SignSigV4(request, impl_->credentials.access_key_id, impl_->credentials.secret_access_key,
            impl_->credentials.region, service, impl_->clock->Now());

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

Result<AwsCredentials> ReadSharedCredentials(const std::string& path, std::string_view profile) {
  SIGNET_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, 1024 * 1024, "a credentials file"));
  AwsCredentials out;
  bool in_profile = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[') {
      in_profile = line == "[" + std::string(profile) + "]";
      continue;
    }
    if (!in_profile) continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    auto trim = [](std::string s) {
      const size_t a = s.find_first_not_of(" \t");
      const size_t b = s.find_last_not_of(" \t");
      return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
    };
    const std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    if (key == "aws_access_key_id") out.access_key_id = value;
    if (key == "aws_secret_access_key") out.secret_access_key = SecretBytes(value);
    SecureWipe(value);
  }
  SecureWipe(text);
  if (out.access_key_id.empty() || out.secret_access_key.empty()) {
    return NotFoundError("profile '" + std::string(profile) + "' has no keys in " + path);
  }
  return out;
}

}  // namespace signet::api
