// AwsClient: the client side of signetd's API — SigV4-signed HTTP requests over one keep-alive
// connection (used by the signet CLI and the benchmarks, as the AWS CLI would send them).
//
// Not thread-safe: one AwsClient per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/secret_bytes.h"
#include "core/status.h"
#include "core/time.h"

namespace signet::api {

struct AwsCredentials {
  std::string access_key_id;
  SecretBytes secret_access_key;
  std::string region = "us-east-1";
};

struct AwsResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string Header(std::string_view name) const;  // first match, case-insensitive, or ""
};

class AwsClient {
 public:
  // `endpoint` is http(s)://HOST:PORT. InvalidArgument for anything else.
  static Result<std::unique_ptr<AwsClient>> Create(std::string_view endpoint,
                                                   AwsCredentials credentials,
                                                   const Clock& clock = SystemClock());
  ~AwsClient();

  // Sends one signed request. `raw_path` and `raw_query` are sent as given (already encoded).
  // Unavailable when the connection fails; any HTTP status is a successful AwsResponse.
  Result<AwsResponse> Send(std::string_view method, std::string_view raw_path,
                           std::string_view raw_query, std::string_view body,
                           std::string_view service,
                           std::string_view content_type = "application/json");

 private:
  struct Impl;
  explicit AwsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Reads a profile's keys from an AWS shared credentials file (INI: [profile] key = value).
Result<AwsCredentials> ReadSharedCredentials(const std::string& path, std::string_view profile);

}  // namespace signet::api
