// AwsClient: the client side of signetd's API — SigV4-signed HTTP requests over one keep-alive
// connection (used by the signet CLI and the benchmarks, as the AWS CLI would send them).
//
// Not thread-safe: one AwsClient per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
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
  std::string session_token;  // temporary credentials: sent as x-amz-security-token
  std::string region = "us-east-1";
};

// A request body streamed from a file, and a response body streamed to a callback.
struct AwsFileTransfer {
  std::filesystem::path body_file;
  // Called as the body goes out (bytes sent so far, total); may be empty.
  std::function<void(uint64_t sent, uint64_t total)> on_progress;
  // Receives the body of a 2xx response piece by piece (AwsResponse::body stays empty); false
  // aborts the transfer. Bodies of other responses (errors) land in AwsResponse::body.
  std::function<bool(std::string_view piece)> on_body;
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
  // As Send, with the body read from a file twice (once to hash it for SigV4, once to send it),
  // so that memory stays flat whatever its size. NotFound/InvalidArgument for an unreadable file.
  Result<AwsResponse> SendFile(std::string_view method, std::string_view raw_path,
                               std::string_view raw_query, std::string_view service,
                               std::string_view content_type, const AwsFileTransfer& transfer);

  // A header sent, and signed, with every later request (e.g. x-signet-environment).
  void SetHeader(std::string name, std::string value);

 private:
  struct Impl;
  explicit AwsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The `key = value` pairs of section [section] of an AWS shared credentials or config file (INI),
// values trimmed. NotFound when the file does not exist; a missing section is an empty map.
Result<std::map<std::string, std::string>> ReadAwsIniSection(const std::string& path,
                                                             std::string_view section);

// Reads a profile's keys (and session token) from an AWS shared credentials file.
Result<AwsCredentials> ReadSharedCredentials(const std::string& path, std::string_view profile);

}  // namespace signet::api
