#include "core/status.h"

#include <gtest/gtest.h>

namespace signet {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  SIGNET_ASSIGN_OR_RETURN(int h, Half(x));
  SIGNET_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int x) {
  SIGNET_RETURN_IF_ERROR(Half(x).status());
  return Status::Ok();
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_EQ(Status::Ok().ToString(), "OK");
  Status s = NotFoundError("no profile \"p\"");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kNotFound);
  EXPECT_EQ(s.ToString(), "NOT_FOUND: no profile \"p\"");
  EXPECT_EQ(s.WithContext("GetSigningProfile").message(), "GetSigningProfile: no profile \"p\"");
  EXPECT_TRUE(Status::Ok().WithContext("x").ok());
}

TEST(StatusTest, EveryCodeHasAName) {
  for (ErrorCode c : {ErrorCode::kInvalidArgument, ErrorCode::kNotFound, ErrorCode::kAlreadyExists,
                      ErrorCode::kPermissionDenied, ErrorCode::kFailedPrecondition,
                      ErrorCode::kUnavailable, ErrorCode::kResourceExhausted,
                      ErrorCode::kInternal}) {
    EXPECT_NE(ErrorCodeName(c), "UNKNOWN");
    EXPECT_NE(ErrorCodeName(c), "OK");
  }
}

TEST(ResultTest, PropagatesThroughMacros) {
  ASSERT_TRUE(Quarter(8).ok());
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "odd: 3");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_FALSE(CheckEven(5).ok());
}

TEST(ResultTest, OkStatusBecomesInternalError) {
  Result<int> r{Status::Ok()};
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInternal);
}

TEST(ResultDeathTest, ValueOfErrorAborts) {
  Result<int> r = NotFoundError("x");
  EXPECT_DEATH((void)r.value(), "value\\(\\) of a failed Result");
}

}  // namespace
}  // namespace signet
