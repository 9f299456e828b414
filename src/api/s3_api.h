// S3Api: the subset of the Amazon S3 REST API that signetd serves on its own port, for requests
// whose SigV4 credential scope names the service "s3" (DESIGN.md §1, local-directory buckets).
// Pipelines use it with `aws s3api ... --endpoint-url` to upload the packages StartSigningJob
// reads and to fetch the signed ones it writes.
//
//   service   GET /                              ListBuckets
//   bucket    PUT, HEAD, DELETE /B               CreateBucket, HeadBucket, DeleteBucket
//             GET /B?list-type=2 | GET /B         ListObjectsV2 | ListObjects
//             PUT, GET /B?versioning              Put/GetBucketVersioning
//             GET /B?location                     GetBucketLocation
//             POST /B?delete                      DeleteObjects
//   object    PUT, GET, HEAD, DELETE /B/KEY       PutObject, GetObject (Range), HeadObject,
//                                                 DeleteObject (?versionId= on all but PUT)
//
// Path-style addressing only: the first path segment is the bucket, the rest (percent-decoded
// from the raw path, '/' kept) the key. A bucket belongs to the account that created it; other
// accounts get AccessDenied. Payloads are verified against Content-MD5 and x-amz-checksum-*
// (crc32, crc32c, crc64nvme, sha256), also when sent as an aws-chunked trailer
// (STREAMING-UNSIGNED-PAYLOAD-TRAILER); signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) are
// refused with NotImplemented. Not served (NotImplemented): multipart uploads, copies, ACLs,
// policies, tagging, ListObjectVersions.
//
// GetObject and HeadObject answer with `file_body` (HEAD too, so that the server reports the
// object's Content-Length; it sends no body for HEAD). Errors are S3 XML documents; HEAD errors
// have no body.
//
// Thread-safe: keeps no state of its own besides references to the store and clock, which must
// outlive it.
#pragma once

#include <string>
#include <string_view>

#include "api/http_message.h"
#include "core/time.h"
#include "store/bucket_store.h"

namespace signet::api {

struct S3Error {
  int http_status = 400;
  std::string code;  // e.g. "NoSuchBucket"
  std::string message;
};

// The S3 error response: <Error><Code/><Message/><Resource/><RequestId/></Error> as
// application/xml, or no body when `head` (HEAD responses carry none).
ApiResponse S3ErrorResponse(const S3Error& error, std::string_view resource,
                            std::string_view request_id, bool head = false);

class S3Api {
 public:
  S3Api(store::BucketStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  ApiResponse Handle(const ApiRequest& request);

 private:
  struct Target;
  ApiResponse ListBuckets(const ApiRequest& request);
  ApiResponse BucketOperation(const ApiRequest& request, const Target& target);
  ApiResponse ObjectOperation(const ApiRequest& request, const Target& target);
  ApiResponse ListObjects(const ApiRequest& request, const Target& target);
  ApiResponse PutObject(const ApiRequest& request, const Target& target);
  ApiResponse GetObject(const ApiRequest& request, const Target& target);
  ApiResponse DeleteObject(const ApiRequest& request, const Target& target);
  ApiResponse DeleteObjects(const ApiRequest& request, const Target& target);

  store::BucketStore& store_;
  const Clock& clock_;
};

}  // namespace signet::api
