#include "api/aws_client.h"

#include <gtest/gtest.h>
#include <linux/tcp.h>  // tcp_info with tcpi_data_segs_in (glibc's is older)
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "testing/loopback.h"

namespace signet::api {
namespace {

AwsCredentials TestCredentials() {
  AwsCredentials credentials;
  credentials.access_key_id = "AKIDEXAMPLE";
  credentials.secret_access_key = SecretBytes("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  return credentials;
}

// A loopback listener that answers one request on one connection with `200 ok`, and reports
// the request's bytes and how many TCP segments carried them.
class OneRequestServer {
 public:
  OneRequestServer() {
    listener_ = test::ListenOnLoopback(&port_);
    thread_ = std::thread([this] { Serve(); });
  }
  ~OneRequestServer() {
    thread_.join();
    ::close(listener_);
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Valid once the client has its response.
  const std::string& request() const { return request_; }
  uint32_t data_segments() const { return data_segments_; }

 private:
  // Segments that carried data, received so far on `sock`.
  static uint32_t DataSegmentsIn(int sock) {
    tcp_info info{};
    socklen_t len = sizeof(info);
    EXPECT_EQ(::getsockopt(sock, IPPROTO_TCP, TCP_INFO, &info, &len), 0);
    return info.tcpi_data_segs_in;
  }

  void Serve() {
    const int sock = ::accept(listener_, nullptr, nullptr);
    ASSERT_GE(sock, 0);
    size_t want = std::string::npos;
    char buffer[1 << 16];
    while (want == std::string::npos || request_.size() < want) {
      const ssize_t got = ::recv(sock, buffer, sizeof(buffer), 0);
      if (got <= 0) break;
      request_.append(buffer, static_cast<size_t>(got));
      const size_t head_end = request_.find("\r\n\r\n");
      if (want == std::string::npos && head_end != std::string::npos) {
        const size_t at = request_.find("Content-Length: ");
        const size_t length = at == std::string::npos ? 0 : std::stoul(request_.substr(at + 16));
        want = head_end + 4 + length;
      }
    }
    data_segments_ = DataSegmentsIn(sock);  // the request is all the client sent
    const std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    EXPECT_EQ(::send(sock, response.data(), response.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(response.size()));
    ::close(sock);
  }

  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::string request_;
  uint32_t data_segments_ = 0;
};

// The AWS SDKs send a small request in one segment; the library's client sent the head and the
// body in two, so a server woken by the head had to wait again for the body.
TEST(AwsClientTest, ASmallRequestLeavesInOneSegment) {
  OneRequestServer server;
  const std::string body(600, 'b');
  {
    auto client = AwsClient::Create(server.endpoint(), TestCredentials());
    ASSERT_TRUE(client.ok()) << client.status().message();
    Result<AwsResponse> response =
        (*client)->Send("POST", "/signing-profiles/p/sign", "", body, "signer");
    ASSERT_TRUE(response.ok()) << response.status().message();
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "ok");
  }
  EXPECT_TRUE(server.request().starts_with("POST /signing-profiles/p/sign HTTP/1.1\r\n"));
  EXPECT_TRUE(server.request().ends_with("\r\n\r\n" + body));
  EXPECT_NE(server.request().find("Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
            std::string::npos);
  EXPECT_EQ(server.data_segments(), 1u);
}

// A body larger than the stream's buffer goes out as it is written, and the response is read.
TEST(AwsClientTest, ALargeBodyIsSentWholeAndTheResponseRead) {
  OneRequestServer server;
  std::string body(200 * 1024, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  {
    auto client = AwsClient::Create(server.endpoint(), TestCredentials());
    ASSERT_TRUE(client.ok()) << client.status().message();
    Result<AwsResponse> response =
        (*client)->Send("PUT", "/bucket/key", "", body, "s3", "application/octet-stream");
    ASSERT_TRUE(response.ok()) << response.status().message();
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "ok");
  }
  EXPECT_TRUE(server.request().ends_with("\r\n\r\n" + body));
}

TEST(AwsClientTest, EndpointsAreHostAndPort) {
  for (const char* endpoint : {"http://127.0.0.1:8080", "http://localhost", "https://example.com",
                               "http://[::1]:9000", "https://[::1]", "http://example.com:65535/"}) {
    EXPECT_TRUE(AwsClient::Create(endpoint, TestCredentials()).ok()) << endpoint;
  }
  for (const char* endpoint :
       {"ftp://example.com", "example.com:80", "http://example.com:0", "http://example.com:65536",
        "http://example.com:http", "http://example.com:", "http://[::1", "http://[::1]x",
        "http://:80", "http://example.com/path"}) {
    Result<std::unique_ptr<AwsClient>> client = AwsClient::Create(endpoint, TestCredentials());
    ASSERT_FALSE(client.ok()) << endpoint;
    EXPECT_EQ(client.status().code(), ErrorCode::kInvalidArgument) << endpoint;
    EXPECT_NE(client.status().message().find("http(s)://HOST[:PORT]"), std::string::npos);
  }
}

}  // namespace
}  // namespace signet::api
