// ApiRequest / ApiResponse: one HTTP exchange as the API handlers see it, independent of the
// HTTP library (api/http_server.h converts), so handlers are tested without sockets.
//
// By the time a handler runs, the request is authenticated: `caller` is the SigV4 identity's
// account and principal, `service` the credential scope's service ("signer", "s3", "lambda").
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "signer/caller.h"

namespace signet::api {

struct ApiRequest {
  std::string method;
  std::string raw_path;  // as on the request line, percent-encoded, no query
  std::string path;      // percent-decoded
  std::string raw_query;
  std::multimap<std::string, std::string> query;                   // decoded names and values
  std::vector<std::pair<std::string, std::string>> headers;        // names as sent
  std::string_view body;
  signer::Caller caller;
  std::string service;
  std::string request_id;

  // First header with this name (case-insensitive), or empty.
  std::string Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
  std::optional<std::string> Query(std::string_view name) const;
  std::vector<std::string> QueryAll(std::string_view name) const;
  bool HasQuery(std::string_view name) const { return query.count(std::string(name)) > 0; }
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // The API operation that answered (e.g. "SignPayload"), for metrics and logs; never a raw
  // path. Empty when no operation matched.
  std::string operation;
  // When set, the body is this byte range of a file, streamed (large S3 objects).
  struct FileBody {
    std::filesystem::path path;
    uint64_t offset = 0;
    uint64_t length = 0;
    // A temporary file of this response alone: unlinked as soon as it is opened for sending.
    bool remove_when_opened = false;
  };
  std::optional<FileBody> file_body;

  void SetHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

// Percent-decoding of a path or query component ('+' stays '+': AWS clients encode spaces as
// %20). nullopt for a malformed escape.
std::optional<std::string> PercentDecode(std::string_view s);
// Splits and decodes a raw query string; nullopt for a malformed escape.
std::optional<std::multimap<std::string, std::string>> ParseQuery(std::string_view raw_query);
// Splits a raw path into segments, percent-decoding each one after splitting so that an encoded
// '/' stays inside its segment. A trailing slash is tolerated. nullopt for a malformed escape.
std::optional<std::vector<std::string>> PathSegments(std::string_view raw_path);

}  // namespace signet::api
