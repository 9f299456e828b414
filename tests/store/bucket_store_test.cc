// BucketStore: buckets, versioning, objects, delete markers, listings, persistence, concurrency.
#include "store/bucket_store.h"

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "store_test_util.h"

namespace signet::store::testing {
namespace {

constexpr char kAcct[] = "111111111111";
constexpr char kOther[] = "222222222222";

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ObjectWrite Write(std::string bucket, std::string key) {
  ObjectWrite w;
  w.bucket = std::move(bucket);
  w.key = std::move(key);
  w.etag = "\"etag\"";
  return w;
}

class BucketStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = BucketStore::Open(dir_.path() / "buckets");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->CreateBucket(kAcct, "artifacts", At(100)).ok());
  }

  std::string Get(const std::string& key, const std::optional<std::string>& version = {}) {
    auto found = store_->OpenObject("artifacts", key, version);
    if (!found.ok()) return "<" + found.status().ToString() + ">";
    return ReadAll(found->second);
  }

  ObjectInfo Put(const std::string& key, std::string_view data, int64_t t = 200) {
    auto put = store_->PutObject(Write("artifacts", key), data, At(t));
    EXPECT_TRUE(put.ok()) << put.status().ToString();
    return put.ok() ? *put : ObjectInfo{};
  }

  std::vector<std::string> Keys(const ObjectListing& listing) {
    std::vector<std::string> keys;
    for (const auto& o : listing.objects) keys.push_back(o.key);
    return keys;
  }

  TempDir dir_;
  std::unique_ptr<BucketStore> store_;
};

TEST_F(BucketStoreTest, CreateGetListDeleteBuckets) {
  auto info = store_->GetBucket("artifacts");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->owner_account, kAcct);
  EXPECT_EQ(info->created_at, At(100));
  EXPECT_EQ(info->versioning, VersioningStatus::kUnversioned);

  Status again = store_->CreateBucket(kAcct, "artifacts", At(101));
  EXPECT_EQ(again.code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(again.message().find("owned by you"), std::string::npos);
  Status theirs = store_->CreateBucket(kOther, "artifacts", At(101));
  EXPECT_EQ(theirs.code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(theirs.message().find("another account"), std::string::npos);

  ASSERT_TRUE(store_->CreateBucket(kAcct, "a-second.bucket", At(102)).ok());
  ASSERT_TRUE(store_->CreateBucket(kOther, "other-bucket", At(103)).ok());
  auto mine = store_->ListBuckets(kAcct);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].name, "a-second.bucket");
  EXPECT_EQ((*mine)[1].name, "artifacts");

  EXPECT_TRUE(store_->DeleteBucket("a-second.bucket").ok());
  EXPECT_EQ(store_->GetBucket("a-second.bucket").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->DeleteBucket("a-second.bucket").code(), ErrorCode::kNotFound);
}

TEST_F(BucketStoreTest, BucketNamesFollowS3Rules) {
  for (const char* bad : {"ab", "UPPER", "has_underscore", "-start", "end-", "a..b", "a.-b",
                          "192.168.1.1", "xn--punycode", "x-s3alias", ""}) {
    EXPECT_EQ(store_->CreateBucket(kAcct, bad, At(1)).code(), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(store_->CreateBucket(kAcct, std::string(64, 'a'), At(1)).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_TRUE(store_->CreateBucket(kAcct, std::string(63, 'a'), At(1)).ok());
  EXPECT_TRUE(store_->CreateBucket(kAcct, "my.bucket-1", At(1)).ok());
  EXPECT_EQ(store_->GetBucket("../etc").status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(BucketStoreTest, DeleteNonEmptyBucketFails) {
  Put("k", "v");
  EXPECT_EQ(store_->DeleteBucket("artifacts").code(), ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(store_->DeleteObject("artifacts", "k", std::nullopt, At(300)).ok());
  EXPECT_TRUE(store_->DeleteBucket("artifacts").ok());
}

TEST_F(BucketStoreTest, PutGetHeadRoundTrip) {
  ObjectWrite w = Write("artifacts", "app/function.zip");
  w.content_type = "application/zip";
  w.user_metadata = {{"team", "payments"}, {"odd:name", "5:colons:and\nnewline"}};
  auto put = store_->PutObject(w, std::string("PK\0\x03zip", 6), At(500));
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->version_id, "null");
  EXPECT_EQ(put->size, 6u);

  auto head = store_->HeadObject("artifacts", "app/function.zip");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->etag, "\"etag\"");
  EXPECT_EQ(head->content_type, "application/zip");
  EXPECT_EQ(head->last_modified, At(500));
  EXPECT_EQ(head->user_metadata, w.user_metadata);
  EXPECT_EQ(head->size, 6u);
  EXPECT_FALSE(head->delete_marker);
  EXPECT_EQ(Get("app/function.zip"), std::string("PK\0\x03zip", 6));

  Put("app/function.zip", "second");
  EXPECT_EQ(Get("app/function.zip"), "second");
  EXPECT_EQ(Get("app/function.zip", "null"), "second");

  EXPECT_EQ(store_->HeadObject("artifacts", "missing").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->HeadObject("nobucket", "k").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->PutObject(Write("nobucket", "k"), "x", At(1)).status().code(),
            ErrorCode::kNotFound);
}

TEST_F(BucketStoreTest, EmptyObject) {
  Put("empty", "");
  EXPECT_EQ(store_->HeadObject("artifacts", "empty")->size, 0u);
  EXPECT_EQ(Get("empty"), "");
}

TEST_F(BucketStoreTest, KeysAreValidated) {
  EXPECT_EQ(store_->PutObject(Write("artifacts", ""), "x", At(1)).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      store_->PutObject(Write("artifacts", std::string(1025, 'k')), "x", At(1)).status().code(),
      ErrorCode::kInvalidArgument);
  EXPECT_TRUE(store_->PutObject(Write("artifacts", std::string(1024, 'k')), "x", At(1)).ok());
  for (std::string bad : {std::string("a\0b", 3), std::string("\xff"), std::string("\xc0\xaf"),
                          std::string("\xed\xa0\x80"), std::string("trunc\xe2\x82")}) {
    EXPECT_EQ(store_->PutObject(Write("artifacts", bad), "x", At(1)).status().code(),
              ErrorCode::kInvalidArgument);
  }
}

TEST_F(BucketStoreTest, UnicodeAndDotDotKeysStayInsideTheStore) {
  const std::string unicode = "r\xc3\xa9sum\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x94\x91.zip";
  Put(unicode, "unicode");
  Put("../../escape", "dots");
  Put("/abs/path", "abs");
  Put("./a/../b", "rel");
  EXPECT_EQ(Get(unicode), "unicode");
  EXPECT_EQ(Get("../../escape"), "dots");
  EXPECT_EQ(Get("/abs/path"), "abs");
  auto found = store_->OpenObject("artifacts", "../../escape");
  ASSERT_TRUE(found.ok());
  const auto root = std::filesystem::weakly_canonical(dir_.path() / "buckets");
  const auto file = std::filesystem::weakly_canonical(found->second);
  EXPECT_EQ(file.parent_path(), root / "objects");
  // Nothing was created outside the store's directory.
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "escape"));
  EXPECT_FALSE(std::filesystem::exists("/abs/path"));
  auto listing = store_->ListObjects("artifacts", {});
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(Keys(*listing),
            (std::vector<std::string>{"../../escape", "./a/../b", "/abs/path", unicode}));
}

TEST_F(BucketStoreTest, VersioningKeepsEveryVersion) {
  Put("k", "null-version", 100);
  ASSERT_TRUE(store_->SetVersioning("artifacts", VersioningStatus::kEnabled).ok());
  EXPECT_EQ(store_->GetBucket("artifacts")->versioning, VersioningStatus::kEnabled);
  ObjectInfo v1 = Put("k", "one", 101);
  ObjectInfo v2 = Put("k", "two", 102);
  EXPECT_EQ(v1.version_id.size(), 32u);
  EXPECT_NE(v1.version_id, v2.version_id);
  for (char c : v1.version_id) EXPECT_TRUE(std::isalnum(c) || c == '-' || c == '_') << c;
  EXPECT_EQ(Get("k"), "two");
  EXPECT_EQ(Get("k", v1.version_id), "one");
  EXPECT_EQ(Get("k", "null"), "null-version");
  EXPECT_EQ(store_->HeadObject("artifacts", "k")->version_id, v2.version_id);

  // Deleting the latest version by id makes the previous one current.
  auto del = store_->DeleteObject("artifacts", "k", v2.version_id, At(103));
  ASSERT_TRUE(del.ok());
  EXPECT_EQ(del->version_id, v2.version_id);
  EXPECT_EQ(Get("k"), "one");
  EXPECT_EQ(store_->HeadObject("artifacts", "k", v2.version_id).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->HeadObject("artifacts", "k", "not-a-version").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->SetVersioning("artifacts", VersioningStatus::kUnversioned).code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(BucketStoreTest, DeleteMarkers) {
  ASSERT_TRUE(store_->SetVersioning("artifacts", VersioningStatus::kEnabled).ok());
  ObjectInfo v1 = Put("k", "one");
  auto marker = store_->DeleteObject("artifacts", "k", std::nullopt, At(300));
  ASSERT_TRUE(marker.ok());
  EXPECT_TRUE(marker->delete_marker);
  EXPECT_EQ(marker->version_id.size(), 32u);
  EXPECT_EQ(marker->last_modified, At(300));

  auto head = store_->HeadObject("artifacts", "k");
  EXPECT_EQ(head.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(head.status().message().find("delete marker"), std::string::npos);
  EXPECT_EQ(store_->HeadObject("artifacts", "k", marker->version_id).status().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Get("k", v1.version_id), "one");
  EXPECT_TRUE(Keys(*store_->ListObjects("artifacts", {})).empty());
  EXPECT_EQ(store_->DeleteBucket("artifacts").code(), ErrorCode::kFailedPrecondition);

  // Removing the marker brings the object back.
  auto undo = store_->DeleteObject("artifacts", "k", marker->version_id, At(301));
  ASSERT_TRUE(undo.ok());
  EXPECT_TRUE(undo->delete_marker);
  EXPECT_EQ(Get("k"), "one");
  // Deleting a missing key or version succeeds.
  EXPECT_TRUE(store_->DeleteObject("artifacts", "nokey", v1.version_id, At(302)).ok());
  EXPECT_FALSE(store_->DeleteObject("artifacts", "nokey", std::nullopt, At(302))->key.empty());
}

TEST_F(BucketStoreTest, SuspendedVersioningReplacesTheNullVersion) {
  ASSERT_TRUE(store_->SetVersioning("artifacts", VersioningStatus::kEnabled).ok());
  ObjectInfo v1 = Put("k", "one");
  ASSERT_TRUE(store_->SetVersioning("artifacts", VersioningStatus::kSuspended).ok());
  EXPECT_EQ(Put("k", "null-a").version_id, "null");
  EXPECT_EQ(Put("k", "null-b").version_id, "null");
  EXPECT_EQ(Get("k"), "null-b");
  EXPECT_EQ(Get("k", v1.version_id), "one");
  auto marker = store_->DeleteObject("artifacts", "k", std::nullopt, At(400));
  ASSERT_TRUE(marker.ok());
  EXPECT_TRUE(marker->delete_marker);
  EXPECT_EQ(marker->version_id, "null");
  EXPECT_EQ(store_->HeadObject("artifacts", "k").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(Get("k", v1.version_id), "one");
}

TEST_F(BucketStoreTest, UnversionedDeleteRemovesTheObject) {
  Put("k", "v");
  auto del = store_->DeleteObject("artifacts", "k", std::nullopt, At(300));
  ASSERT_TRUE(del.ok());
  EXPECT_FALSE(del->delete_marker);
  EXPECT_EQ(store_->HeadObject("artifacts", "k").status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store_->DeleteObject("artifacts", "k", std::nullopt, At(301)).ok());
  EXPECT_TRUE(store_->DeleteBucket("artifacts").ok());
}

TEST_F(BucketStoreTest, ListWithPrefixAndDelimiter) {
  for (const char* k : {"a.txt", "docs/guide.md", "docs/api/ref.md", "docs/api/x.md", "img/1.png",
                        "img/2.png", "zeta"}) {
    Put(k, k);
  }
  ListObjectsRequest req;
  req.delimiter = "/";
  auto top = store_->ListObjects("artifacts", req);
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(Keys(*top), (std::vector<std::string>{"a.txt", "zeta"}));
  EXPECT_EQ(top->common_prefixes, (std::vector<std::string>{"docs/", "img/"}));
  EXPECT_FALSE(top->truncated);

  req.prefix = "docs/";
  auto docs = store_->ListObjects("artifacts", req);
  ASSERT_TRUE(docs.ok());
  EXPECT_EQ(Keys(*docs), (std::vector<std::string>{"docs/guide.md"}));
  EXPECT_EQ(docs->common_prefixes, (std::vector<std::string>{"docs/api/"}));
  EXPECT_EQ(docs->objects[0].size, 13u);

  req = {};
  req.prefix = "img";
  EXPECT_EQ(Keys(*store_->ListObjects("artifacts", req)),
            (std::vector<std::string>{"img/1.png", "img/2.png"}));
  req.prefix = "nothing";
  EXPECT_TRUE(Keys(*store_->ListObjects("artifacts", req)).empty());

  req = {};
  req.start_after = "docs/z";
  EXPECT_EQ(Keys(*store_->ListObjects("artifacts", req)),
            (std::vector<std::string>{"img/1.png", "img/2.png", "zeta"}));
  req.max_keys = 1001;
  EXPECT_EQ(store_->ListObjects("artifacts", req).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->ListObjects("nobucket", {}).status().code(), ErrorCode::kNotFound);
}

TEST_F(BucketStoreTest, PaginationVisitsEveryEntryOnce) {
  // More keys than one internal batch, with prefixes mixed in.
  std::set<std::string> expected;
  for (int i = 0; i < 600; ++i) {
    char key[32];
    std::snprintf(key, sizeof key, "k%04d", i);
    Put(key, "x");
    expected.insert(key);
    if (i % 100 == 0) {
      std::string dir = std::string("k") + std::to_string(i) + "/";
      Put(dir + "a", "x");
      Put(dir + "b", "x");
      expected.insert(dir);
    }
  }
  for (int page_size : {1, 7, 1000}) {
    ListObjectsRequest req;
    req.delimiter = "/";
    req.max_keys = page_size;
    std::vector<std::string> seen;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = store_->ListObjects("artifacts", req);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      EXPECT_LE(static_cast<int>(page->objects.size() + page->common_prefixes.size()), page_size);
      for (const auto& o : page->objects) seen.push_back(o.key);
      for (const auto& p : page->common_prefixes) seen.push_back(p);
      if (!page->truncated) break;
      EXPECT_FALSE(page->next_start_after.empty());
      req.start_after = page->next_start_after;
    }
    EXPECT_EQ(seen.size(), expected.size()) << page_size;
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected) << page_size;
  }
  ListObjectsRequest zero;
  zero.max_keys = 0;
  auto none = store_->ListObjects("artifacts", zero);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->objects.empty());
}

TEST_F(BucketStoreTest, ExactlyFullPageIsNotTruncated) {
  Put("a", "1");
  Put("b", "2");
  ListObjectsRequest req;
  req.max_keys = 2;
  auto page = store_->ListObjects("artifacts", req);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->objects.size(), 2u);
  EXPECT_FALSE(page->truncated);
}

TEST_F(BucketStoreTest, PutObjectFileMovesTheFileIntoPlace) {
  const auto temp = store_->NewTempPath();
  { std::ofstream(temp, std::ios::binary) << "streamed content"; }
  auto put = store_->PutObjectFile(Write("artifacts", "big.zip"), temp, At(10));
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->size, 16u);
  EXPECT_FALSE(std::filesystem::exists(temp));
  EXPECT_EQ(Get("big.zip"), "streamed content");

  const auto missing = store_->NewTempPath();
  EXPECT_FALSE(store_->PutObjectFile(Write("artifacts", "x"), missing, At(10)).ok());
  const auto bad_key = store_->NewTempPath();
  { std::ofstream(bad_key) << "x"; }
  EXPECT_EQ(store_->PutObjectFile(Write("artifacts", ""), bad_key, At(10)).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(bad_key));
}

TEST_F(BucketStoreTest, ReaderKeepsItsPathWhenTheObjectIsOverwritten) {
  Put("k", "old");
  auto found = store_->OpenObject("artifacts", "k");
  ASSERT_TRUE(found.ok());
  Put("k", "new");
  ASSERT_TRUE(store_->DeleteObject("artifacts", "k", std::nullopt, At(1)).ok());
  EXPECT_EQ(ReadAll(found->second), "old");
}

TEST_F(BucketStoreTest, ConcurrentPuts) {
  ASSERT_TRUE(store_->SetVersioning("artifacts", VersioningStatus::kEnabled).ok());
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> ids(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const std::string data = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto put = store_->PutObject(Write("artifacts", i % 2 ? "shared" : data), data, At(i));
        if (put.ok()) ids[t].push_back(put->version_id);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (const auto& v : ids) {
    EXPECT_EQ(v.size(), 20u);
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(all.size(), 160u);
  auto listing = store_->ListObjects("artifacts", {});
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(listing->objects.size(), 81u);  // 80 distinct keys + "shared"
  // Every version of "shared" is readable and holds what its writer wrote.
  const std::string current = Get("shared");
  EXPECT_EQ(current.substr(0, 1), "t");
}

TEST_F(BucketStoreTest, ReopenKeepsEverythingAndCleansLeftovers) {
  ASSERT_TRUE(store_->SetVersioning("artifacts", VersioningStatus::kEnabled).ok());
  ObjectInfo v1 = Put("k", "one");
  Put("k", "two");
  ASSERT_TRUE(store_->DeleteObject("artifacts", "gone", std::nullopt, At(5)).ok());
  const auto leftover_tmp = store_->NewTempPath();
  { std::ofstream(leftover_tmp) << "crash"; }
  const auto orphan = dir_.path() / "buckets" / "objects" / "orphan-blob";
  { std::ofstream(orphan) << "crash"; }
  store_.reset();

  auto reopened = BucketStore::Open(dir_.path() / "buckets");
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  store_ = std::move(*reopened);
  EXPECT_EQ(store_->GetBucket("artifacts")->versioning, VersioningStatus::kEnabled);
  EXPECT_EQ(Get("k"), "two");
  EXPECT_EQ(Get("k", v1.version_id), "one");
  EXPECT_FALSE(std::filesystem::exists(leftover_tmp));
  EXPECT_FALSE(std::filesystem::exists(orphan));
  const auto perms = std::filesystem::status(dir_.path() / "buckets").permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all, std::filesystem::perms::owner_all);
}

TEST_F(BucketStoreTest, OpenFailsOnAFileInsteadOfADirectory) {
  { std::ofstream(dir_.path() / "file") << "x"; }
  EXPECT_FALSE(BucketStore::Open(dir_.path() / "file").ok());
}

}  // namespace
}  // namespace signet::store::testing
