// Tests of the S3 endpoint: S3Api::Handle driven with constructed requests against a real
// BucketStore in a temporary directory, and the wire helpers (checksums, aws-chunked, Range, XML).
#include "api/s3_api.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "api/http_message.h"
#include "api/s3_wire.h"
#include "core/encoding.h"
#include "core/time.h"
#include "crypto/digest.h"
#include "store/bucket_store.h"

namespace signet::api {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

const signer::Caller kAlice{"111111111111", "arn:aws:iam::111111111111:user/alice"};
const signer::Caller kBob{"222222222222", "arn:aws:iam::222222222222:user/bob"};
constexpr int64_t kNow = 1717200000;  // 2024-06-01T00:00:00Z

std::string Header(const ApiResponse& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n.size() == name.size() && strncasecmp(n.c_str(), name.data(), n.size()) == 0) return v;
  }
  return {};
}

// The body as a client would receive it: the file range when the response streams a file.
std::string Body(const ApiResponse& r) {
  if (!r.file_body) return r.body;
  std::ifstream in(r.file_body->path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return data.substr(r.file_body->offset, r.file_body->length);
}

// The text of the first <name> element of an XML body.
std::string Xml(const ApiResponse& r, const std::string& name) {
  return s3::XmlElementText(r.body, name).value_or("<absent>");
}

std::string Md5Hex(std::string_view data) { return "\"" + HexEncode(crypto::Md5(data)) + "\""; }

class S3ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // On tmpfs when there is one: every commit fsyncs, and these tests check behaviour.
    std::error_code ec;
    const auto base = std::filesystem::is_directory("/dev/shm", ec)
                          ? std::filesystem::path("/dev/shm")
                          : std::filesystem::temp_directory_path();
    std::string tmpl = (base / "signet-s3-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto opened = store::BucketStore::Open(dir_ / "buckets");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    api_ = std::make_unique<S3Api>(*store_, clock_);
  }
  void TearDown() override {
    api_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  ApiResponse Call(std::string method, std::string raw_path, std::string raw_query = "",
                   std::string body = "", Headers headers = {},
                   const signer::Caller& caller = kAlice) {
    ApiRequest r;
    r.method = std::move(method);
    r.raw_path = std::move(raw_path);
    r.path = PercentDecode(r.raw_path).value_or(r.raw_path);
    r.raw_query = std::move(raw_query);
    r.query = ParseQuery(r.raw_query).value_or(std::multimap<std::string, std::string>{});
    r.headers = std::move(headers);
    bodies_.push_back(std::move(body));
    r.body = bodies_.back();
    r.caller = caller;
    r.service = "s3";
    r.request_id = "req-1";
    return api_->Handle(r);
  }

  void MakeBucket(const std::string& name = "pkgs") {
    ASSERT_EQ(Call("PUT", "/" + name).status, 200);
  }
  void EnableVersioning(const std::string& status = "Enabled") {
    ASSERT_EQ(Call("PUT", "/pkgs", "versioning=",
                   "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                   "<Status>" +
                       status + "</Status></VersioningConfiguration>")
                  .status,
              200);
  }

  FixedClock clock_{Timestamp(std::chrono::seconds(kNow))};
  std::filesystem::path dir_;
  std::unique_ptr<store::BucketStore> store_;
  std::unique_ptr<S3Api> api_;
  std::deque<std::string> bodies_;
};

TEST_F(S3ApiTest, BucketLifecycle) {
  auto created = Call("PUT", "/pkgs");
  EXPECT_EQ(created.status, 200);
  EXPECT_EQ(Header(created, "Location"), "/pkgs");
  ASSERT_EQ(Call("PUT", "/other", "",
                 "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint>"
                 "</CreateBucketConfiguration>")
                .status,
            200);
  auto list = Call("GET", "/");
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.content_type, "application/xml");
  EXPECT_NE(list.body.find("xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""), std::string::npos);
  EXPECT_NE(list.body.find("<Name>other</Name>"), std::string::npos);
  EXPECT_NE(list.body.find("<CreationDate>2024-06-01T00:00:00.000Z</CreationDate>"),
            std::string::npos);
  EXPECT_EQ(Xml(list, "ID"), kAlice.account);
  EXPECT_EQ(Call("GET", "/", "", "", {}, kBob).body.find("<Name>"), std::string::npos);

  EXPECT_EQ(Call("HEAD", "/pkgs").status, 200);
  auto missing = Call("HEAD", "/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(missing.body.empty());
  EXPECT_EQ(Call("DELETE", "/pkgs").status, 204);
  EXPECT_EQ(Call("HEAD", "/pkgs").status, 404);
  auto gone = Call("DELETE", "/pkgs");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(Xml(gone, "Code"), "NoSuchBucket");
  EXPECT_EQ(Xml(gone, "Resource"), "/pkgs");
  EXPECT_EQ(Xml(gone, "RequestId"), "req-1");
}

TEST_F(S3ApiTest, CreateBucketErrors) {
  MakeBucket();
  auto mine = Call("PUT", "/pkgs");
  EXPECT_EQ(mine.status, 409);
  EXPECT_EQ(Xml(mine, "Code"), "BucketAlreadyOwnedByYou");
  auto theirs = Call("PUT", "/pkgs", "", "", {}, kBob);
  EXPECT_EQ(theirs.status, 409);
  EXPECT_EQ(Xml(theirs, "Code"), "BucketAlreadyExists");
  auto bad = Call("PUT", "/Bad_Name");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Xml(bad, "Code"), "InvalidBucketName");
  auto malformed = Call("PUT", "/fine-name", "", "not xml");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(Xml(malformed, "Code"), "MalformedXML");
  ASSERT_EQ(Call("PUT", "/pkgs/k", "", "x").status, 200);
  auto not_empty = Call("DELETE", "/pkgs");
  EXPECT_EQ(not_empty.status, 409);
  EXPECT_EQ(Xml(not_empty, "Code"), "BucketNotEmpty");
}

TEST_F(S3ApiTest, OtherAccountsAreDenied) {
  MakeBucket();
  ASSERT_EQ(Call("PUT", "/pkgs/app.zip", "", "zip").status, 200);
  const std::vector<std::tuple<std::string, std::string, std::string>> calls = {
      {"HEAD", "/pkgs", ""},          {"GET", "/pkgs", "list-type=2"},
      {"GET", "/pkgs", "versioning"}, {"DELETE", "/pkgs", ""},
      {"PUT", "/pkgs/x", ""},         {"GET", "/pkgs/app.zip", ""},
      {"HEAD", "/pkgs/app.zip", ""},  {"DELETE", "/pkgs/app.zip", ""}};
  for (const auto& [method, path, query] : calls) {
    auto r = Call(method, path, query, "", {}, kBob);
    EXPECT_EQ(r.status, 403) << method << " " << path;
    if (method != "HEAD") {
      EXPECT_EQ(Xml(r, "Code"), "AccessDenied") << method << " " << path;
    }
  }
  EXPECT_EQ(Call("GET", "/pkgs/app.zip").status, 200);
}

TEST_F(S3ApiTest, PutGetHeadObject) {
  MakeBucket();
  const std::string data = "PK\x03\x04 function package";
  auto put = Call("PUT", "/pkgs/builds/app%20v1%2B.zip", "", data,
                  {{"Content-Type", "application/zip"}, {"X-Amz-Meta-Commit", "abc123"}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Header(put, "ETag"), Md5Hex(data));
  EXPECT_EQ(Header(put, "x-amz-version-id"), "");  // unversioned bucket

  auto get = Call("GET", "/pkgs/builds/app%20v1%2B.zip");
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(Body(get), data);
  EXPECT_EQ(get.content_type, "application/zip");
  EXPECT_EQ(Header(get, "ETag"), Md5Hex(data));
  EXPECT_EQ(Header(get, "Last-Modified"), "Sat, 01 Jun 2024 00:00:00 GMT");
  EXPECT_EQ(Header(get, "x-amz-meta-commit"), "abc123");
  EXPECT_TRUE(store_->HeadObject("pkgs", "builds/app v1+.zip").ok());

  auto head = Call("HEAD", "/pkgs/builds/app%20v1%2B.zip");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  ASSERT_TRUE(head.file_body.has_value());  // so the server reports Content-Length
  EXPECT_EQ(head.file_body->length, data.size());

  auto overridden = Call("GET", "/pkgs/builds/app%20v1%2B.zip",
                         "response-content-type=text%2Fplain&response-content-disposition=inline");
  EXPECT_EQ(overridden.content_type, "text/plain");
  EXPECT_EQ(Header(overridden, "Content-Disposition"), "inline");

  auto no_key = Call("GET", "/pkgs/missing");
  EXPECT_EQ(no_key.status, 404);
  EXPECT_EQ(Xml(no_key, "Code"), "NoSuchKey");
  EXPECT_EQ(Xml(no_key, "Resource"), "/pkgs/missing");
  EXPECT_TRUE(Call("HEAD", "/pkgs/missing").body.empty());
  EXPECT_EQ(Xml(Call("PUT", "/nobucket/k", "", "x"), "Code"), "NoSuchBucket");

  auto empty = Call("PUT", "/pkgs/empty", "", "");
  EXPECT_EQ(Header(empty, "ETag"), "\"d41d8cd98f00b204e9800998ecf8427e\"");
  auto get_empty = Call("GET", "/pkgs/empty");
  EXPECT_EQ(Body(get_empty), "");
  EXPECT_EQ(get_empty.content_type, "application/octet-stream");

  EXPECT_EQ(Call("DELETE", "/pkgs/builds/app%20v1%2B.zip").status, 204);
  EXPECT_EQ(Call("GET", "/pkgs/builds/app%20v1%2B.zip").status, 404);
}

TEST_F(S3ApiTest, UnusualKeys) {
  MakeBucket();
  const std::vector<std::pair<std::string, std::string>> keys = {
      {"/pkgs/..%2F..%2Fetc%2Fpasswd", "../../etc/passwd"},
      {"/pkgs/../../escape", "../../escape"},
      {"/pkgs/%E6%97%A5%E6%9C%AC/%F0%9F%94%91", "\xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x94\x91"},
      {"/pkgs//leading-slash", "/leading-slash"},
      {"/pkgs/a&b<c>", "a&b<c>"}};
  for (const auto& [raw, key] : keys) {
    ASSERT_EQ(Call("PUT", raw, "", key).status, 200) << raw;
    EXPECT_EQ(Body(Call("GET", raw)), key) << raw;
    EXPECT_TRUE(store_->HeadObject("pkgs", key).ok()) << raw;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "escape"));
  auto list = Call("GET", "/pkgs", "list-type=2");
  EXPECT_NE(list.body.find("<Key>a&amp;b&lt;c&gt;</Key>"), std::string::npos);
  auto too_long = Call("PUT", "/pkgs/" + std::string(1025, 'k'), "", "x");
  EXPECT_EQ(Xml(too_long, "Code"), "KeyTooLongError");
  EXPECT_EQ(Xml(Call("PUT", "/pkgs/%FF", "", "x"), "Code"), "InvalidArgument");
  EXPECT_EQ(Xml(Call("PUT", "/pkgs/%ZZ", "", "x"), "Code"), "InvalidURI");
}

TEST_F(S3ApiTest, Versioning) {
  MakeBucket();
  auto initial = Call("GET", "/pkgs", "versioning=");
  EXPECT_EQ(initial.status, 200);
  EXPECT_EQ(Xml(initial, "Status"), "<absent>");
  EnableVersioning();
  EXPECT_EQ(Xml(Call("GET", "/pkgs", "versioning="), "Status"), "Enabled");

  auto v1 = Call("PUT", "/pkgs/app.zip", "", "one");
  auto v2 = Call("PUT", "/pkgs/app.zip", "", "two");
  const std::string id1 = Header(v1, "x-amz-version-id");
  const std::string id2 = Header(v2, "x-amz-version-id");
  EXPECT_EQ(id1.size(), 32u);
  EXPECT_NE(id1, id2);
  EXPECT_EQ(Body(Call("GET", "/pkgs/app.zip")), "two");
  EXPECT_EQ(Header(Call("GET", "/pkgs/app.zip"), "x-amz-version-id"), id2);
  EXPECT_EQ(Body(Call("GET", "/pkgs/app.zip", "versionId=" + id1)), "one");
  EXPECT_EQ(Header(Call("HEAD", "/pkgs/app.zip", "versionId=" + id1), "x-amz-version-id"), id1);

  auto marker = Call("DELETE", "/pkgs/app.zip");
  EXPECT_EQ(marker.status, 204);
  EXPECT_EQ(Header(marker, "x-amz-delete-marker"), "true");
  const std::string marker_id = Header(marker, "x-amz-version-id");
  EXPECT_EQ(marker_id.size(), 32u);
  EXPECT_EQ(Xml(Call("GET", "/pkgs/app.zip"), "Code"), "NoSuchKey");
  auto by_marker = Call("GET", "/pkgs/app.zip", "versionId=" + marker_id);
  EXPECT_EQ(by_marker.status, 405);
  EXPECT_EQ(Header(by_marker, "x-amz-delete-marker"), "true");
  EXPECT_EQ(Xml(Call("GET", "/pkgs/app.zip", "versionId=" + std::string(32, 'A')), "Code"),
            "NoSuchVersion");
  auto bad_id = Call("GET", "/pkgs/app.zip", "versionId=nope");
  EXPECT_EQ(bad_id.status, 400);
  EXPECT_EQ(Xml(bad_id, "Code"), "InvalidArgument");

  auto undelete = Call("DELETE", "/pkgs/app.zip", "versionId=" + marker_id);
  EXPECT_EQ(undelete.status, 204);
  EXPECT_EQ(Header(undelete, "x-amz-delete-marker"), "true");
  EXPECT_EQ(Header(undelete, "x-amz-version-id"), marker_id);
  EXPECT_EQ(Body(Call("GET", "/pkgs/app.zip")), "two");

  EnableVersioning("Suspended");
  EXPECT_EQ(Xml(Call("GET", "/pkgs", "versioning="), "Status"), "Suspended");
  EXPECT_EQ(Header(Call("PUT", "/pkgs/app.zip", "", "three"), "x-amz-version-id"), "null");
  EXPECT_EQ(Body(Call("GET", "/pkgs/app.zip", "versionId=null")), "three");
  EXPECT_EQ(Body(Call("GET", "/pkgs/app.zip", "versionId=" + id1)), "one");
}

TEST_F(S3ApiTest, VersioningConfigurationErrors) {
  MakeBucket();
  auto malformed = Call("PUT", "/pkgs", "versioning=", "<Other/>");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(Xml(malformed, "Code"), "MalformedXML");
  auto illegal =
      Call("PUT", "/pkgs",
           "versioning=", "<VersioningConfiguration><Status>On</Status></VersioningConfiguration>");
  EXPECT_EQ(illegal.status, 400);
  EXPECT_EQ(Xml(illegal, "Code"), "IllegalVersioningConfigurationException");
  EXPECT_EQ(Call("PUT", "/pkgs", "versioning=", "").status, 400);
  EXPECT_EQ(Call("DELETE", "/pkgs", "versioning=").status, 405);
}

TEST_F(S3ApiTest, RangeRequests) {
  MakeBucket();
  ASSERT_EQ(Call("PUT", "/pkgs/k", "", "0123456789").status, 200);
  auto r = Call("GET", "/pkgs/k", "", "", {{"Range", "bytes=2-4"}});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(Body(r), "234");
  EXPECT_EQ(Header(r, "Content-Range"), "bytes 2-4/10");
  r = Call("GET", "/pkgs/k", "", "", {{"range", "bytes=-3"}});
  EXPECT_EQ(Body(r), "789");
  r = Call("GET", "/pkgs/k", "", "", {{"Range", "bytes=7-"}});
  EXPECT_EQ(Body(r), "789");
  EXPECT_EQ(Header(r, "Content-Range"), "bytes 7-9/10");
  r = Call("GET", "/pkgs/k", "", "", {{"Range", "bytes=5-100"}});
  EXPECT_EQ(Body(r), "56789");
  r = Call("GET", "/pkgs/k", "", "", {{"Range", "bytes=10-20"}});
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(Xml(r, "Code"), "InvalidRange");
  EXPECT_EQ(Header(r, "Content-Range"), "bytes */10");
  r = Call("GET", "/pkgs/k", "", "", {{"Range", "lines=1-2"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Body(r), "0123456789");
}

TEST_F(S3ApiTest, ConditionalGet) {
  MakeBucket();
  const std::string etag = Header(Call("PUT", "/pkgs/k", "", "v"), "ETag");
  EXPECT_EQ(Call("GET", "/pkgs/k", "", "", {{"If-None-Match", etag}}).status, 304);
  EXPECT_EQ(Call("GET", "/pkgs/k", "", "", {{"If-Match", "\"other\""}}).status, 412);
  EXPECT_EQ(Call("GET", "/pkgs/k", "", "", {{"If-Match", etag}}).status, 200);
}

TEST_F(S3ApiTest, ListObjectsV2) {
  MakeBucket();
  for (const char* k :
       {"a.txt", "docs/guide.md", "docs/api/ref.md", "img/1.png", "img/2.png", "z z+z"}) {
    ASSERT_EQ(Call("PUT", std::string("/pkgs/") + k, "", k).status, 200);
  }
  auto top = Call("GET", "/pkgs", "list-type=2&delimiter=%2F");
  ASSERT_EQ(top.status, 200) << top.body;
  EXPECT_EQ(Xml(top, "KeyCount"), "4");  // a.txt, "z z+z", docs/, img/
  EXPECT_EQ(Xml(top, "IsTruncated"), "false");
  EXPECT_NE(top.body.find("<CommonPrefixes><Prefix>docs/</Prefix></CommonPrefixes>"
                          "<CommonPrefixes><Prefix>img/</Prefix></CommonPrefixes>"),
            std::string::npos);
  EXPECT_NE(top.body.find("<Key>a.txt</Key><LastModified>2024-06-01T00:00:00.000Z</LastModified>"
                          "<ETag>&quot;"),
            std::string::npos);
  EXPECT_NE(top.body.find("<Size>5</Size><StorageClass>STANDARD</StorageClass>"),
            std::string::npos);

  auto docs = Call("GET", "/pkgs", "list-type=2&prefix=docs%2F&delimiter=%2F");
  EXPECT_EQ(Xml(docs, "Prefix"), "docs/");
  EXPECT_EQ(Xml(docs, "Key"), "docs/guide.md");

  auto encoded = Call("GET", "/pkgs", "list-type=2&encoding-type=url&prefix=z");
  EXPECT_EQ(Xml(encoded, "EncodingType"), "url");
  EXPECT_EQ(Xml(encoded, "Key"), "z%20z%2Bz");

  // Pagination with continuation tokens visits every entry once.
  std::vector<std::string> seen;
  std::string query = "list-type=2&max-keys=2";
  for (int page = 0; page < 10; ++page) {
    auto r = Call("GET", "/pkgs", query);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto keys = s3::XmlElements(r.body, "Key");
    ASSERT_TRUE(keys.has_value());
    seen.insert(seen.end(), keys->begin(), keys->end());
    if (Xml(r, "IsTruncated") == "false") break;
    EXPECT_EQ(Xml(r, "KeyCount"), "2");
    query = "list-type=2&max-keys=2&continuation-token=" + Xml(r, "NextContinuationToken");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a.txt", "docs/api/ref.md", "docs/guide.md",
                                            "img/1.png", "img/2.png", "z z+z"}));

  auto after = Call("GET", "/pkgs", "list-type=2&start-after=img%2F1.png");
  EXPECT_EQ(Xml(after, "StartAfter"), "img/1.png");
  EXPECT_EQ(*s3::XmlElements(after.body, "Key"), (std::vector<std::string>{"img/2.png", "z z+z"}));

  EXPECT_EQ(Xml(Call("GET", "/pkgs", "list-type=2&continuation-token=bogus"), "Code"),
            "InvalidArgument");
  EXPECT_EQ(Xml(Call("GET", "/pkgs", "list-type=2&max-keys=-1"), "Code"), "InvalidArgument");
  EXPECT_EQ(Xml(Call("GET", "/pkgs", "list-type=2&max-keys=abc"), "Code"), "InvalidArgument");
  EXPECT_EQ(Xml(Call("GET", "/pkgs", "list-type=2&encoding-type=base64"), "Code"),
            "InvalidArgument");
  EXPECT_EQ(Xml(Call("GET", "/pkgs", "list-type=2&max-keys=5000"), "MaxKeys"), "1000");
  EXPECT_EQ(Xml(Call("GET", "/pkgs", "list-type=3"), "Code"), "InvalidArgument");
  EXPECT_EQ(Xml(Call("GET", "/nobucket", "list-type=2"), "Code"), "NoSuchBucket");
}

TEST_F(S3ApiTest, ListObjectsV1UsesMarkers) {
  MakeBucket();
  for (const char* k : {"a", "b", "c"})
    ASSERT_EQ(Call("PUT", std::string("/pkgs/") + k).status, 200);
  auto first = Call("GET", "/pkgs", "max-keys=2");
  EXPECT_EQ(Xml(first, "IsTruncated"), "true");
  EXPECT_EQ(Xml(first, "NextMarker"), "b");
  auto rest = Call("GET", "/pkgs", "marker=b");
  EXPECT_EQ(Xml(rest, "Marker"), "b");
  EXPECT_EQ(*s3::XmlElements(rest.body, "Key"), (std::vector<std::string>{"c"}));
}

TEST_F(S3ApiTest, PayloadChecksums) {
  MakeBucket();
  const std::string data = "123456789";
  const std::string md5 = Base64Encode(crypto::Md5(data));
  EXPECT_EQ(Call("PUT", "/pkgs/k", "", data, {{"Content-MD5", md5}}).status, 200);
  auto bad_md5 = Call("PUT", "/pkgs/k", "", data + "x", {{"Content-MD5", md5}});
  EXPECT_EQ(bad_md5.status, 400);
  EXPECT_EQ(Xml(bad_md5, "Code"), "BadDigest");
  EXPECT_EQ(Xml(Call("PUT", "/pkgs/k", "", data, {{"Content-MD5", "abc"}}), "Code"),
            "InvalidDigest");

  const std::vector<std::pair<std::string, std::string>> good = {
      {"x-amz-checksum-crc32", "y/Q5Jg=="},
      {"x-amz-checksum-crc32c", "4waSgw=="},
      {"x-amz-checksum-crc64nvme", "rosUhgp5mIg="},
      {"x-amz-checksum-sha256", Base64Encode(crypto::Sha256(data))}};
  for (const auto& [name, value] : good) {
    auto put = Call("PUT", "/pkgs/k", "", data, {{name, value}});
    EXPECT_EQ(put.status, 200) << name << ": " << put.body;
    EXPECT_EQ(Header(put, name), value) << name;
    auto bad = Call("PUT", "/pkgs/k", "", data + "!", {{name, value}});
    EXPECT_EQ(bad.status, 400) << name;
    EXPECT_EQ(Xml(bad, "Code"), "BadDigest") << name;
  }
  EXPECT_EQ(Call("PUT", "/pkgs/k", "", data, {{"x-amz-checksum-sha1", "x"}}).status, 501);
  EXPECT_EQ(Body(Call("GET", "/pkgs/k")), data);  // the failed puts changed nothing
}

TEST_F(S3ApiTest, AwsChunkedUploadWithTrailer) {
  MakeBucket();
  const std::string crc = s3::ComputeChecksum(s3::ChecksumAlgorithm::kCrc32, "hello world");
  const std::string body =
      "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:" + crc + "\r\n\r\n";
  const Headers headers = {{"Content-Encoding", "aws-chunked"},
                           {"x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
                           {"x-amz-trailer", "x-amz-checksum-crc32"},
                           {"x-amz-decoded-content-length", "11"}};
  auto put = Call("PUT", "/pkgs/chunked", "", body, headers);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Header(put, "x-amz-checksum-crc32"), crc);
  EXPECT_EQ(Header(put, "ETag"), Md5Hex("hello world"));
  EXPECT_EQ(Body(Call("GET", "/pkgs/chunked")), "hello world");

  std::string wrong = body;
  wrong.replace(wrong.find(crc), crc.size(), "AAAAAA==");
  EXPECT_EQ(Xml(Call("PUT", "/pkgs/chunked", "", wrong, headers), "Code"), "BadDigest");
  Headers bad_length = headers;
  bad_length.back().second = "12";
  EXPECT_EQ(Xml(Call("PUT", "/pkgs/chunked", "", body, bad_length), "Code"), "IncompleteBody");
  EXPECT_EQ(Xml(Call("PUT", "/pkgs/chunked", "", "5\r\nhel", headers), "Code"), "IncompleteBody");
  Headers five = headers;
  five.back().second = "5";
  EXPECT_EQ(Xml(Call("PUT", "/pkgs/chunked", "", "5\r\nhello\r\n0\r\n\r\n", five), "Code"),
            "MalformedTrailerError");

  auto signed_chunks = Call("PUT", "/pkgs/chunked", "", "5;chunk-signature=abc\r\nhello\r\n",
                            {{"Content-Encoding", "aws-chunked"},
                             {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}});
  EXPECT_EQ(signed_chunks.status, 501);
  EXPECT_EQ(Xml(signed_chunks, "Code"), "NotImplemented");
  EXPECT_NE(Xml(signed_chunks, "Message").find("unsigned"), std::string::npos);
  EXPECT_EQ(Body(Call("GET", "/pkgs/chunked")), "hello world");
}

TEST_F(S3ApiTest, DeleteObjects) {
  MakeBucket();
  ASSERT_EQ(Call("PUT", "/pkgs/a&b", "", "1").status, 200);
  ASSERT_EQ(Call("PUT", "/pkgs/c", "", "2").status, 200);
  const std::string body =
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a&amp;b</Key>"
      "</Object><Object><Key>c</Key></Object><Object><Key>missing</Key></Object></Delete>";
  auto r =
      Call("POST", "/pkgs", "delete=", body, {{"Content-MD5", Base64Encode(crypto::Md5(body))}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(*s3::XmlElements(r.body, "Key"), (std::vector<std::string>{"a&amp;b", "c", "missing"}));
  EXPECT_EQ(Call("GET", "/pkgs/c").status, 404);
  EXPECT_EQ(Call("GET", "/pkgs/a%26b").status, 404);
  EXPECT_EQ(Xml(Call("POST", "/pkgs", "delete=", "<Delete></Delete>"), "Code"), "MalformedXML");
  EXPECT_EQ(
      Xml(Call("POST", "/pkgs", "delete=", "<Delete><Object><Key>x</Object></Delete>"), "Code"),
      "MalformedXML");
  auto quiet = Call("POST", "/pkgs",
                    "delete=", "<Delete><Quiet>true</Quiet><Object><Key>x</Key></Object></Delete>");
  EXPECT_EQ(quiet.status, 200);
  EXPECT_EQ(quiet.body.find("<Deleted>"), std::string::npos);
}

TEST_F(S3ApiTest, UnsupportedOperations) {
  MakeBucket();
  ASSERT_EQ(Call("PUT", "/pkgs/k", "", "v").status, 200);
  EXPECT_EQ(Xml(Call("GET", "/pkgs", "acl="), "Code"), "NotImplemented");
  EXPECT_EQ(Xml(Call("POST", "/pkgs/k", "uploads="), "Code"), "NotImplemented");
  EXPECT_EQ(Xml(Call("GET", "/pkgs", "versions="), "Code"), "NotImplemented");
  EXPECT_EQ(Xml(Call("PUT", "/pkgs/copy", "", "", {{"x-amz-copy-source", "/pkgs/k"}}), "Code"),
            "NotImplemented");
  EXPECT_EQ(Call("PATCH", "/pkgs/k").status, 405);
  EXPECT_EQ(Call("PUT", "/").status, 405);
  EXPECT_EQ(Call("GET", "/pkgs/k", "partNumber=1").status, 200);
  EXPECT_EQ(Call("GET", "/pkgs/k", "partNumber=2").status, 501);
  EXPECT_EQ(Xml(Call("GET", "nopath"), "Code"), "InvalidURI");
}

TEST_F(S3ApiTest, GarbageNeverCrashes) {
  MakeBucket();
  std::mt19937 rng(7);
  auto random_bytes = [&](size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    return s;
  };
  const std::vector<std::string> pieces = {"<",      ">", "</Object>", "<Object>", "<Key>",
                                           "</Key>", "&", "&#x",       ";",        "\r\n",
                                           "0",      "5", ":",         "<Delete>"};
  for (int i = 0; i < 300; ++i) {
    std::string body;
    for (int k = 0; k < 12; ++k) {
      body += rng() % 2 ? pieces[rng() % pieces.size()] : random_bytes(rng() % 4);
    }
    (void)Call("POST", "/pkgs", "delete=", body);
    (void)Call("PUT", "/pkgs", "versioning=", body);
    (void)Call("PUT", "/pkgs/k", "", body,
               {{"x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
                {"Range", random_bytes(6)}});
    (void)Call("GET", "/pkgs/k", "", "", {{"Range", "bytes=" + random_bytes(5)}});
    (void)Call("GET", "/" + random_bytes(rng() % 20), random_bytes(rng() % 10));
  }
}

TEST(S3WireTest, ChecksumKnownAnswers) {
  EXPECT_EQ(s3::Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(s3::Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(s3::Crc64Nvme("123456789"), 0xAE8B14860A799888ull);
  EXPECT_EQ(s3::ComputeChecksum(s3::ChecksumAlgorithm::kCrc32, "123456789"), "y/Q5Jg==");
  EXPECT_EQ(HexEncode(crypto::Md5("abc")), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(S3WireTest, ParseRange) {
  using K = s3::ByteRange;
  auto check = [](std::string_view h, uint64_t size, K::Kind kind, uint64_t first = 0,
                  uint64_t length = 0) {
    const auto r = s3::ParseRange(h, size);
    EXPECT_EQ(r.kind, kind) << h;
    if (kind == K::kPartial) {
      EXPECT_EQ(r.first, first) << h;
      EXPECT_EQ(r.length, length) << h;
    }
  };
  check("", 10, K::kWhole);
  check("bytes=0-0", 10, K::kPartial, 0, 1);
  check("bytes=0-", 10, K::kPartial, 0, 10);
  check("bytes=-20", 10, K::kPartial, 0, 10);
  check("bytes=-0", 10, K::kUnsatisfiable);
  check("bytes=0-0", 0, K::kUnsatisfiable);
  check("bytes=5-2", 10, K::kWhole);
  check("bytes=1-2,4-5", 10, K::kWhole);
  check("bytes=99999999999999999999-", 10, K::kWhole);
}

TEST(S3WireTest, AwsChunkedEdgeCases) {
  auto ok = s3::DecodeAwsChunked("0\r\n\r\n");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->data, "");
  ok = s3::DecodeAwsChunked("3\r\nabc\r\n0\r\nX-Amz-Checksum-Crc32 : AAAAAA== \r\n\r\n");
  ASSERT_TRUE(ok.ok());
  ASSERT_EQ(ok->trailers.size(), 1u);
  EXPECT_EQ(ok->trailers[0].first, "x-amz-checksum-crc32");
  EXPECT_EQ(ok->trailers[0].second, "AAAAAA==");
  for (std::string_view bad :
       {"", "3\r\nab", "3\r\nabcd\r\n0\r\n\r\n", "zz\r\n", "0\r\nnocolon\r\n\r\n", "0\r\n\r\nextra",
        "ffffffffffffffff\r\nabc\r\n"}) {
    EXPECT_FALSE(s3::DecodeAwsChunked(bad).ok()) << bad;
  }
}

TEST(S3WireTest, Xml) {
  EXPECT_EQ(s3::XmlRootName("<?xml version=\"1.0\"?>\n<!-- c --><Delete xmlns=\"x\">"), "Delete");
  EXPECT_EQ(s3::XmlRootName("plain"), std::nullopt);
  EXPECT_EQ(s3::XmlElementText("<A><Key>a&amp;&#x41;&#66;&lt;</Key></A>", "Key"), "a&AB<");
  EXPECT_EQ(s3::XmlElementText("<A><Key>&bogus;</Key></A>", "Key"), std::nullopt);
  EXPECT_EQ(s3::XmlElementText("<A><KeyCount>1</KeyCount><Key>k</Key></A>", "Key"), "k");
  EXPECT_EQ(s3::XmlElementText("<A><Key/></A>", "Key"), "");
  EXPECT_EQ(s3::XmlEscape("a<&>\"'\x01"), "a&lt;&amp;&gt;&quot;&apos;&#1;");
  EXPECT_EQ(s3::UrlEncodeKey("dir/a b+c%\xc3\xa9"), "dir/a%20b%2Bc%25%C3%A9");
}

}  // namespace
}  // namespace signet::api
