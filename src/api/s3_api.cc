#include "api/s3_api.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

#include "api/s3_wire.h"
#include "core/encoding.h"
#include "crypto/digest.h"

namespace signet::api {
namespace {

using store::VersioningStatus;

constexpr size_t kMaxUserMetadataBytes = 2048;  // S3's limit on x-amz-meta-* names and values
constexpr size_t kMaxDeleteObjects = 1000;
constexpr std::string_view kXmlProlog = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
constexpr std::string_view kTokenPrefix = "signet-s3-v1:";

// Subresources signet does not serve; naming them is a clearer answer than ignoring them.
constexpr std::string_view kUnsupportedSubresources[] = {"acl",
                                                         "policy",
                                                         "cors",
                                                         "lifecycle",
                                                         "tagging",
                                                         "website",
                                                         "logging",
                                                         "notification",
                                                         "replication",
                                                         "encryption",
                                                         "object-lock",
                                                         "ownershipControls",
                                                         "publicAccessBlock",
                                                         "accelerate",
                                                         "requestPayment",
                                                         "uploads",
                                                         "uploadId",
                                                         "versions",
                                                         "analytics",
                                                         "metrics",
                                                         "inventory",
                                                         "intelligent-tiering",
                                                         "policyStatus",
                                                         "retention",
                                                         "legal-hold",
                                                         "torrent",
                                                         "restore",
                                                         "select",
                                                         "attributes",
                                                         "session"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "Fri, 29 Jul 2022 23:59:00 GMT" (RFC 9110 IMF-fixdate).
std::string HttpDate(Timestamp t) {
  std::string s = FormatRfc1123(t);
  if (s.ends_with(" +0000")) s.replace(s.size() - 5, 5, "GMT");
  return s;
}

// "2022-07-29T23:59:00.000Z", as S3 writes times in XML.
std::string XmlTime(Timestamp t) {
  std::string s = FormatRfc3339(t);
  if (s.ends_with("Z")) s.insert(s.size() - 1, ".000");
  return s;
}

std::string Xml(std::string_view root, std::string_view content) {
  return std::string(kXmlProlog) + "<" + std::string(root) + " xmlns=\"" + std::string(s3::kXmlns) +
         "\">" + std::string(content) + "</" + std::string(root) + ">";
}

ApiResponse XmlResponse(std::string body, int status = 200) {
  ApiResponse response;
  response.status = status;
  response.content_type = "application/xml";
  response.body = std::move(body);
  return response;
}

ApiResponse Empty(int status) {
  ApiResponse response;
  response.status = status;
  response.content_type = "application/xml";
  return response;
}

ApiResponse Fail(const ApiRequest& request, S3Error error) {
  return S3ErrorResponse(error, request.raw_path, request.request_id, request.method == "HEAD");
}

S3Error NotImplemented(std::string message) { return {501, "NotImplemented", std::move(message)}; }
S3Error InvalidArgument(std::string message) {
  return {400, "InvalidArgument", std::move(message)};
}

// The S3 error for a store failure; `not_found` is the code of a kNotFound.
S3Error FromStatus(const Status& status, std::string_view not_found) {
  switch (status.code()) {
    case ErrorCode::kNotFound:
      return {404, std::string(not_found), status.message()};
    case ErrorCode::kInvalidArgument:
      return InvalidArgument(status.message());
    case ErrorCode::kPermissionDenied:
      return {403, "AccessDenied", status.message()};
    case ErrorCode::kUnavailable:
      return {503, "ServiceUnavailable", status.message()};
    default:
      spdlog::error("s3: {}", status.ToString());
      return {500, "InternalError", "We encountered an internal error. Please try again."};
  }
}

// The bucket, when it exists and belongs to `account`.
std::optional<S3Error> OwnedBucket(store::BucketStore& store, const std::string& name,
                                   const std::string& account, store::BucketInfo* info) {
  auto found = store.GetBucket(name);
  if (!found.ok()) {
    if (found.status().code() == ErrorCode::kInvalidArgument) {
      return S3Error{400, "InvalidBucketName", found.status().message()};
    }
    return FromStatus(found.status(), "NoSuchBucket");
  }
  if (found->owner_account != account) return S3Error{403, "AccessDenied", "Access Denied"};
  *info = std::move(*found);
  return std::nullopt;
}

bool Versioned(const store::BucketInfo& bucket) {
  return bucket.versioning != VersioningStatus::kUnversioned;
}

}  // namespace

ApiResponse S3ErrorResponse(const S3Error& error, std::string_view resource,
                            std::string_view request_id, bool head) {
  ApiResponse response = Empty(error.http_status);
  if (!head) {
    response.body = std::string(kXmlProlog) + "<Error>" + s3::XmlElement("Code", error.code) +
                    s3::XmlElement("Message", error.message) +
                    s3::XmlElement("Resource", resource) + s3::XmlElement("RequestId", request_id) +
                    "</Error>";
  }
  return response;
}

struct S3Api::Target {
  std::string bucket;
  std::string key;
};

ApiResponse S3Api::Handle(const ApiRequest& request) {
  std::string_view path = request.raw_path;
  if (!path.starts_with("/"))
    return Fail(request, {400, "InvalidURI", "the path must be absolute"});
  path.remove_prefix(1);
  const size_t slash = path.find('/');
  auto bucket = PercentDecode(path.substr(0, slash));
  auto key = PercentDecode(slash == std::string_view::npos ? "" : path.substr(slash + 1));
  if (!bucket || !key) {
    return Fail(request, {400, "InvalidURI", "Couldn't parse the specified URI."});
  }
  for (std::string_view sub : kUnsupportedSubresources) {
    if (request.HasQuery(sub)) {
      return Fail(request, NotImplemented("the '" + std::string(sub) +
                                          "' subresource is not supported by signet"));
    }
  }
  const Target target{std::move(*bucket), std::move(*key)};
  if (target.bucket.empty()) {
    if (request.method == "GET") return ListBuckets(request);
    return Fail(request, {405, "MethodNotAllowed",
                          "The specified method is not allowed against this resource."});
  }
  if (target.key.empty()) return BucketOperation(request, target);
  return ObjectOperation(request, target);
}

ApiResponse S3Api::ListBuckets(const ApiRequest& request) {
  auto buckets = store_.ListBuckets(request.caller.account);
  if (!buckets.ok()) return Fail(request, FromStatus(buckets.status(), "NoSuchBucket"));
  const std::string& account = request.caller.account;
  std::string xml = "<Owner>" + s3::XmlElement("ID", account) +
                    s3::XmlElement("DisplayName", account) + "</Owner><Buckets>";
  for (const auto& b : *buckets) {
    xml += "<Bucket>" + s3::XmlElement("Name", b.name) +
           s3::XmlElement("CreationDate", XmlTime(b.created_at)) + "</Bucket>";
  }
  return XmlResponse(Xml("ListAllMyBucketsResult", xml + "</Buckets>"));
}

ApiResponse S3Api::BucketOperation(const ApiRequest& request, const Target& target) {
  const std::string& method = request.method;
  const std::string& account = request.caller.account;
  if (method == "PUT" && !request.HasQuery("versioning")) {
    if (!request.body.empty() && s3::XmlRootName(request.body) != "CreateBucketConfiguration") {
      return Fail(request, {400, "MalformedXML",
                            "The XML you provided was not well-formed or did not validate "
                            "against our published schema."});
    }
    Status created = store_.CreateBucket(account, target.bucket, clock_.Now());
    if (created.code() == ErrorCode::kInvalidArgument) {
      return Fail(request, {400, "InvalidBucketName", created.message()});
    }
    if (created.code() == ErrorCode::kAlreadyExists) {
      auto existing = store_.GetBucket(target.bucket);
      if (existing.ok() && existing->owner_account == account) {
        return Fail(request, {409, "BucketAlreadyOwnedByYou",
                              "Your previous request to create the named bucket succeeded and "
                              "you already own it."});
      }
      return Fail(request, {409, "BucketAlreadyExists",
                            "The requested bucket name is not available. Please select a "
                            "different name and try again."});
    }
    if (!created.ok()) return Fail(request, FromStatus(created, "NoSuchBucket"));
    ApiResponse response = Empty(200);
    response.SetHeader("Location", "/" + target.bucket);
    return response;
  }

  store::BucketInfo bucket;
  if (auto error = OwnedBucket(store_, target.bucket, account, &bucket)) {
    return Fail(request, *error);
  }
  if (request.HasQuery("versioning")) {
    if (method == "GET") {
      std::string status = bucket.versioning == VersioningStatus::kEnabled     ? "Enabled"
                           : bucket.versioning == VersioningStatus::kSuspended ? "Suspended"
                                                                               : "";
      return XmlResponse(
          Xml("VersioningConfiguration", status.empty() ? "" : s3::XmlElement("Status", status)));
    }
    if (method != "PUT") {
      return Fail(request, {405, "MethodNotAllowed", "The specified method is not allowed."});
    }
    if (s3::XmlRootName(request.body) != "VersioningConfiguration") {
      return Fail(request, {400, "MalformedXML",
                            "The XML you provided was not well-formed or did not validate "
                            "against our published schema."});
    }
    if (s3::XmlElementText(request.body, "MfaDelete") == "Enabled") {
      return Fail(request, NotImplemented("MFA delete is not supported by signet"));
    }
    const auto status = s3::XmlElementText(request.body, "Status");
    if (!status) return Empty(200);  // no Status: the configuration is unchanged
    if (*status != "Enabled" && *status != "Suspended") {
      return Fail(request, {400, "IllegalVersioningConfigurationException",
                            "The versioning status must be Enabled or Suspended."});
    }
    Status set =
        store_.SetVersioning(target.bucket, *status == "Enabled" ? VersioningStatus::kEnabled
                                                                 : VersioningStatus::kSuspended);
    if (!set.ok()) return Fail(request, FromStatus(set, "NoSuchBucket"));
    return Empty(200);
  }
  if (request.HasQuery("location") && method == "GET") {
    // Empty: the bucket is where the endpoint is.
    return XmlResponse(std::string(kXmlProlog) + "<LocationConstraint xmlns=\"" +
                       std::string(s3::kXmlns) + "\"/>");
  }
  if (request.HasQuery("delete")) {
    if (method != "POST") {
      return Fail(request, {405, "MethodNotAllowed", "The specified method is not allowed."});
    }
    return DeleteObjects(request, target);
  }
  if (method == "HEAD") return Empty(200);
  if (method == "GET") return ListObjects(request, target);
  if (method == "DELETE") {
    Status deleted = store_.DeleteBucket(target.bucket);
    if (deleted.code() == ErrorCode::kFailedPrecondition) {
      return Fail(request, {409, "BucketNotEmpty", "The bucket you tried to delete is not empty."});
    }
    if (!deleted.ok()) return Fail(request, FromStatus(deleted, "NoSuchBucket"));
    return Empty(204);
  }
  return Fail(request, {405, "MethodNotAllowed",
                        "The specified method is not allowed against this resource."});
}

ApiResponse S3Api::ListObjects(const ApiRequest& request, const Target& target) {
  const std::optional<std::string> list_type = request.Query("list-type");
  if (list_type && *list_type != "2") {
    return Fail(request, InvalidArgument("list-type must be 2 (or absent, for ListObjects)"));
  }
  const bool v2 = list_type.has_value();
  const std::optional<std::string> encoding = request.Query("encoding-type");
  if (encoding && *encoding != "url") {
    return Fail(request, InvalidArgument("Invalid Encoding Method specified in Request"));
  }
  auto enc = [&](std::string_view s) { return encoding ? s3::UrlEncodeKey(s) : std::string(s); };
  store::ListObjectsRequest list;
  list.prefix = request.Query("prefix").value_or("");
  list.delimiter = request.Query("delimiter").value_or("");
  if (const auto max = request.Query("max-keys")) {
    long long n = -1;
    if (!max->empty() && max->size() <= 9 &&
        std::all_of(max->begin(), max->end(), [](char c) { return c >= '0' && c <= '9'; })) {
      n = std::stoll(*max);
    }
    if (n < 0) {
      return Fail(request, InvalidArgument("Provided max-keys not an integer or within "
                                           "integer range"));
    }
    list.max_keys = static_cast<int>(std::min<long long>(n, 1000));
  }
  const std::optional<std::string> token = request.Query("continuation-token");
  const std::string start_after = request.Query(v2 ? "start-after" : "marker").value_or("");
  list.start_after = start_after;
  if (v2 && token) {
    auto decoded = Base64UrlDecode(*token);
    if (!decoded.ok() || !decoded->starts_with(kTokenPrefix)) {
      return Fail(request, InvalidArgument("The continuation token provided is incorrect"));
    }
    list.start_after = decoded->substr(kTokenPrefix.size());
  }
  auto listing = store_.ListObjects(target.bucket, list);
  if (!listing.ok()) return Fail(request, FromStatus(listing.status(), "NoSuchBucket"));

  std::string xml = s3::XmlElement("Name", target.bucket) +
                    s3::XmlElement("Prefix", enc(list.prefix)) +
                    s3::XmlElement("MaxKeys", std::to_string(list.max_keys));
  if (!list.delimiter.empty()) xml += s3::XmlElement("Delimiter", enc(list.delimiter));
  if (encoding) xml += s3::XmlElement("EncodingType", *encoding);
  xml += s3::XmlElement("IsTruncated", listing->truncated ? "true" : "false");
  if (v2) {
    xml += s3::XmlElement(
        "KeyCount", std::to_string(listing->objects.size() + listing->common_prefixes.size()));
    if (token) xml += s3::XmlElement("ContinuationToken", *token);
    if (!start_after.empty()) xml += s3::XmlElement("StartAfter", enc(start_after));
    if (listing->truncated) {
      xml += s3::XmlElement("NextContinuationToken",
                            Base64UrlEncode(std::string(kTokenPrefix) + listing->next_start_after));
    }
  } else {
    xml += s3::XmlElement("Marker", enc(start_after));
    if (listing->truncated) xml += s3::XmlElement("NextMarker", enc(listing->next_start_after));
  }
  const bool owner = !v2 || request.Query("fetch-owner") == "true";
  for (const auto& o : listing->objects) {
    xml += "<Contents>" + s3::XmlElement("Key", enc(o.key)) +
           s3::XmlElement("LastModified", XmlTime(o.last_modified)) +
           s3::XmlElement("ETag", o.etag) + s3::XmlElement("Size", std::to_string(o.size)) +
           s3::XmlElement("StorageClass", "STANDARD");
    if (owner) {
      xml += "<Owner>" + s3::XmlElement("ID", request.caller.account) +
             s3::XmlElement("DisplayName", request.caller.account) + "</Owner>";
    }
    xml += "</Contents>";
  }
  for (const auto& p : listing->common_prefixes) {
    xml += "<CommonPrefixes>" + s3::XmlElement("Prefix", enc(p)) + "</CommonPrefixes>";
  }
  return XmlResponse(Xml("ListBucketResult", xml));
}

ApiResponse S3Api::ObjectOperation(const ApiRequest& request, const Target& target) {
  if (target.key.size() > 1024) {
    return Fail(request, {400, "KeyTooLongError", "Your key is too long."});
  }
  if (const auto part = request.Query("partNumber"); part && *part != "1") {
    return Fail(request, NotImplemented("multipart objects are not supported by signet"));
  }
  const std::string& method = request.method;
  if (method == "PUT" && request.HasHeader("x-amz-copy-source")) {
    return Fail(request, NotImplemented("CopyObject is not supported by signet; download the "
                                        "object and upload it under the new key"));
  }
  if (method == "PUT") return PutObject(request, target);
  if (method == "GET" || method == "HEAD") return GetObject(request, target);
  if (method == "DELETE") return DeleteObject(request, target);
  return Fail(request, {405, "MethodNotAllowed",
                        "The specified method is not allowed against this resource."});
}

ApiResponse S3Api::PutObject(const ApiRequest& request, const Target& target) {
  store::BucketInfo bucket;
  if (auto error = OwnedBucket(store_, target.bucket, request.caller.account, &bucket)) {
    return Fail(request, *error);
  }
  s3::Payload payload;
  if (auto error = s3::ReadPayload(request, &payload)) return Fail(request, *error);

  store::ObjectWrite write;
  write.bucket = target.bucket;
  write.key = target.key;
  write.etag = "\"" + HexEncode(crypto::Md5(payload.data)) + "\"";
  write.content_type = request.Header("content-type");
  size_t metadata_bytes = 0;
  for (const auto& [name, value] : request.headers) {
    const std::string lower = Lower(name);
    if (!lower.starts_with("x-amz-meta-") || lower.size() == 11) continue;
    write.user_metadata[lower.substr(11)] = value;
    metadata_bytes += lower.size() - 11 + value.size();
  }
  if (metadata_bytes > kMaxUserMetadataBytes) {
    return Fail(request, {400, "MetadataTooLarge",
                          "Your metadata headers exceed the maximum allowed metadata size "
                          "(2 KB)."});
  }
  auto put = store_.PutObject(write, payload.data, clock_.Now());
  if (!put.ok()) return Fail(request, FromStatus(put.status(), "NoSuchBucket"));
  ApiResponse response = Empty(200);
  response.SetHeader("ETag", put->etag);
  if (Versioned(bucket)) response.SetHeader("x-amz-version-id", put->version_id);
  for (auto& [name, value] : payload.checksums) response.SetHeader(name, value);
  return response;
}

ApiResponse S3Api::GetObject(const ApiRequest& request, const Target& target) {
  store::BucketInfo bucket;
  if (auto error = OwnedBucket(store_, target.bucket, request.caller.account, &bucket)) {
    return Fail(request, *error);
  }
  const std::optional<std::string> version = request.Query("versionId");
  auto found = store_.OpenObject(target.bucket, target.key, version);
  if (!found.ok()) {
    if (found.status().code() == ErrorCode::kFailedPrecondition) {  // a delete marker, by id
      ApiResponse response = Fail(request, {405, "MethodNotAllowed",
                                            "The specified method is not allowed against this "
                                            "resource."});
      response.SetHeader("x-amz-delete-marker", "true");
      response.SetHeader("x-amz-version-id", version.value_or(""));
      return response;
    }
    if (found.status().code() == ErrorCode::kInvalidArgument && version) {
      return Fail(request, InvalidArgument("Invalid version id specified"));
    }
    return Fail(request, FromStatus(found.status(), version ? "NoSuchVersion" : "NoSuchKey"));
  }
  const store::ObjectInfo& info = found->first;
  ApiResponse response = Empty(200);
  response.SetHeader("ETag", info.etag);
  response.SetHeader("Last-Modified", HttpDate(info.last_modified));
  if (Versioned(bucket)) response.SetHeader("x-amz-version-id", info.version_id);

  const std::string if_match = request.Header("if-match");
  const std::string if_none_match = request.Header("if-none-match");
  auto matches = [&](const std::string& list) {
    return list == "*" || list.find(info.etag) != std::string::npos;
  };
  if (!if_match.empty() && !matches(if_match)) {
    return Fail(request, {412, "PreconditionFailed",
                          "At least one of the pre-conditions you specified did not hold"});
  }
  if (!if_none_match.empty() && matches(if_none_match)) {
    response.status = 304;
    return response;
  }

  response.SetHeader("Accept-Ranges", "bytes");
  for (const auto& [name, value] : info.user_metadata) {
    response.SetHeader("x-amz-meta-" + name, value);
  }
  response.content_type =
      request.Query("response-content-type")
          .value_or(info.content_type.empty() ? "application/octet-stream" : info.content_type);
  static constexpr std::pair<std::string_view, std::string_view> kOverrides[] = {
      {"response-content-disposition", "Content-Disposition"},
      {"response-content-encoding", "Content-Encoding"},
      {"response-content-language", "Content-Language"},
      {"response-cache-control", "Cache-Control"},
      {"response-expires", "Expires"}};
  for (const auto& [query, header] : kOverrides) {
    if (auto value = request.Query(query)) response.SetHeader(std::string(header), *value);
  }

  const s3::ByteRange range = s3::ParseRange(request.Header("range"), info.size);
  if (range.kind == s3::ByteRange::kUnsatisfiable) {
    ApiResponse failed =
        Fail(request, {416, "InvalidRange", "The requested range is not satisfiable"});
    failed.SetHeader("Content-Range", "bytes */" + std::to_string(info.size));
    return failed;
  }
  uint64_t first = 0;
  uint64_t length = info.size;
  if (range.kind == s3::ByteRange::kPartial) {
    first = range.first;
    length = range.length;
    response.status = 206;
    response.SetHeader("Content-Range", "bytes " + std::to_string(first) + "-" +
                                            std::to_string(first + length - 1) + "/" +
                                            std::to_string(info.size));
  }
  response.file_body = ApiResponse::FileBody{found->second, first, length};
  return response;
}

ApiResponse S3Api::DeleteObject(const ApiRequest& request, const Target& target) {
  store::BucketInfo bucket;
  if (auto error = OwnedBucket(store_, target.bucket, request.caller.account, &bucket)) {
    return Fail(request, *error);
  }
  const std::optional<std::string> version = request.Query("versionId");
  auto deleted = store_.DeleteObject(target.bucket, target.key, version, clock_.Now());
  if (!deleted.ok()) {
    if (deleted.status().code() == ErrorCode::kInvalidArgument && version) {
      return Fail(request, InvalidArgument("Invalid version id specified"));
    }
    return Fail(request, FromStatus(deleted.status(), "NoSuchBucket"));
  }
  ApiResponse response = Empty(204);
  if (Versioned(bucket) || version) response.SetHeader("x-amz-version-id", deleted->version_id);
  if (deleted->delete_marker) response.SetHeader("x-amz-delete-marker", "true");
  return response;
}

ApiResponse S3Api::DeleteObjects(const ApiRequest& request, const Target& target) {
  store::BucketInfo bucket;
  if (auto error = OwnedBucket(store_, target.bucket, request.caller.account, &bucket)) {
    return Fail(request, *error);
  }
  s3::Payload payload;
  if (auto error = s3::ReadPayload(request, &payload)) return Fail(request, *error);
  const S3Error malformed{400, "MalformedXML",
                          "The XML you provided was not well-formed or did not validate against "
                          "our published schema."};
  if (s3::XmlRootName(payload.data) != "Delete") return Fail(request, malformed);
  const auto objects = s3::XmlElements(payload.data, "Object");
  if (!objects || objects->empty() || objects->size() > kMaxDeleteObjects) {
    return Fail(request, malformed);
  }
  const bool quiet = s3::XmlElementText(payload.data, "Quiet") == "true";
  std::string xml;
  for (const std::string& object : *objects) {
    const auto key = s3::XmlElementText(object, "Key");
    if (!key) return Fail(request, malformed);
    const auto version = s3::XmlElementText(object, "VersionId");
    auto deleted = store_.DeleteObject(target.bucket, *key, version, clock_.Now());
    const std::string version_xml = version ? s3::XmlElement("VersionId", *version) : "";
    if (!deleted.ok()) {
      const S3Error error = FromStatus(deleted.status(), "NoSuchBucket");
      xml += "<Error>" + s3::XmlElement("Key", *key) + version_xml +
             s3::XmlElement("Code", error.code) + s3::XmlElement("Message", error.message) +
             "</Error>";
      continue;
    }
    if (quiet) continue;
    xml += "<Deleted>" + s3::XmlElement("Key", *key) + version_xml;
    if (deleted->delete_marker) {
      xml += s3::XmlElement("DeleteMarker", "true");
      if (!version) xml += s3::XmlElement("DeleteMarkerVersionId", deleted->version_id);
    }
    xml += "</Deleted>";
  }
  return XmlResponse(Xml("DeleteResult", xml));
}

}  // namespace signet::api
