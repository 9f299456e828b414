#include "api/http_connection.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "testing/loopback.h"

namespace signet::api {
namespace {

using std::chrono::milliseconds;

// A connected loopback TCP pair: `server` is the accepted end the stream serves.
struct SocketPair {
  int client = -1;
  int server = -1;
  int listen_port = 0;
  int client_port = 0;
  SocketPair() {
    const int listener = test::ListenOnLoopback(&listen_port);
    client = test::ConnectToLoopback(listen_port);
    server = ::accept(listener, nullptr, nullptr);
    ::close(listener);
    sockaddr_in addr{};
    socklen_t len = sizeof(addr);
    EXPECT_EQ(::getsockname(client, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    client_port = ntohs(addr.sin_port);
  }
  ~SocketPair() {
    if (client >= 0) ::close(client);
    ::close(server);
  }
  bool ClientHasData(int timeout_ms = 0) const {
    pollfd pfd{client, POLLIN, 0};
    return ::poll(&pfd, 1, timeout_ms) > 0;
  }
  std::string ClientReceive(size_t n) const {
    std::string out;
    char buffer[1 << 16];
    while (out.size() < n) {
      const ssize_t got = ::recv(client, buffer, std::min(sizeof(buffer), n - out.size()), 0);
      if (got <= 0) break;
      out.append(buffer, static_cast<size_t>(got));
    }
    return out;
  }
  void ClientSend(const std::string& s) const {
    ASSERT_EQ(::send(client, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size()));
  }
};

HttpConnectionStream Stream(const SocketPair& pair, milliseconds timeout = milliseconds(2000)) {
  return HttpConnectionStream(pair.server, timeout, timeout);
}

std::string ReadAll(HttpConnectionStream& stream, size_t n) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    const ssize_t r = stream.read(out.data() + got, n - got);
    if (r <= 0) break;
    got += static_cast<size_t>(r);
  }
  out.resize(got);
  return out;
}

TEST(HttpConnectionStreamTest, WritesStayBufferedUntilFlushThenLeaveInOneSend) {
  SocketPair pair;
  auto stream = Stream(pair);
  ASSERT_EQ(stream.write("HTTP/1.1 200 OK\r\n\r\n", 19), 19);
  ASSERT_EQ(stream.write("body", 4), 4);
  EXPECT_FALSE(pair.ClientHasData(50));
  ASSERT_TRUE(stream.Flush());
  ASSERT_TRUE(pair.ClientHasData(2000));
  char buffer[64];
  EXPECT_EQ(std::string(buffer, static_cast<size_t>(::recv(pair.client, buffer, sizeof(buffer), 0))),
            "HTTP/1.1 200 OK\r\n\r\nbody");
  EXPECT_TRUE(stream.Flush());  // nothing left: no-op
}

TEST(HttpConnectionStreamTest, OutputBeyondTheBufferGoesOutWithoutFlush) {
  SocketPair pair;
  auto stream = Stream(pair);
  const std::string head = "head";
  const std::string big(HttpConnectionStream::kMaxBuffered, 'x');
  ASSERT_EQ(stream.write(head.data(), head.size()), 4);
  ASSERT_EQ(stream.write(big.data(), big.size()), static_cast<ssize_t>(big.size()));
  EXPECT_EQ(pair.ClientReceive(head.size() + big.size()), head + big);
  EXPECT_FALSE(pair.ClientHasData(20));
}

TEST(HttpConnectionStreamTest, ManyWriteSizesArriveInOrder) {
  SocketPair pair;
  auto stream = Stream(pair);
  std::vector<size_t> sizes;
  std::string expected;
  for (size_t size = 1; size < 300000; size = size * 3 + 1) {
    sizes.push_back(size);
    expected.append(size, static_cast<char>('a' + sizes.size() % 26));
  }
  std::thread reader([&] { EXPECT_EQ(pair.ClientReceive(expected.size()), expected); });
  size_t at = 0;
  for (size_t size : sizes) {
    EXPECT_EQ(stream.write(expected.data() + at, size), static_cast<ssize_t>(size));
    at += size;
  }
  EXPECT_TRUE(stream.Flush());
  reader.join();
}

// "100 Continue" must reach the client before the server waits for the body.
TEST(HttpConnectionStreamTest, ReadSendsBufferedOutputBeforeWaiting) {
  SocketPair pair;
  auto stream = Stream(pair);
  const std::string interim = "HTTP/1.1 100 Continue\r\n\r\n";
  ASSERT_EQ(stream.write(interim.data(), interim.size()), static_cast<ssize_t>(interim.size()));
  std::thread client([&] {
    EXPECT_EQ(pair.ClientReceive(interim.size()), interim);
    pair.ClientSend("hello");
  });
  EXPECT_EQ(ReadAll(stream, 5), "hello");
  client.join();
}

TEST(HttpConnectionStreamTest, KeepsPipelinedBytesAcrossRequests) {
  SocketPair pair;
  auto stream = Stream(pair);
  pair.ClientSend("first|second");
  ASSERT_EQ(stream.WaitForRequest(milliseconds(2000)), HttpConnectionStream::Wait::kReady);
  EXPECT_EQ(ReadAll(stream, 6), "first|");
  // The rest was read along with the first request: no wait, nothing lost.
  ASSERT_EQ(stream.WaitForRequest(milliseconds(0)), HttpConnectionStream::Wait::kReady);
  EXPECT_EQ(ReadAll(stream, 6), "second");
}

TEST(HttpConnectionStreamTest, LargeReadsGoStraightToTheCaller) {
  SocketPair pair;
  auto stream = Stream(pair);
  const std::string body(3 * HttpConnectionStream::kReadBuffer + 5, 'b');
  std::thread client([&] { pair.ClientSend(body); });
  EXPECT_EQ(ReadAll(stream, body.size()), body);
  client.join();
}

TEST(HttpConnectionStreamTest, WaitForRequestTimesOutWhenIdle) {
  SocketPair pair;
  auto stream = Stream(pair);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(stream.WaitForRequest(milliseconds(150)), HttpConnectionStream::Wait::kTimedOut);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(140));
  // The idle timeout does not apply within a request: a read still waits its own timeout.
  std::thread client([&] {
    std::this_thread::sleep_for(milliseconds(300));
    pair.ClientSend("late");
  });
  EXPECT_EQ(ReadAll(stream, 4), "late");
  client.join();
}

TEST(HttpConnectionStreamTest, EndOfStreamIsSeenByTheReader) {
  SocketPair pair;
  auto stream = Stream(pair);
  ::close(pair.client);
  pair.client = -1;
  ASSERT_EQ(stream.WaitForRequest(milliseconds(2000)), HttpConnectionStream::Wait::kReady);
  char c;
  EXPECT_EQ(stream.read(&c, 1), 0);
}

// The server ends the connection instead of waiting on it again.
TEST(HttpConnectionStreamTest, AResetConnectionFailsTheWait) {
  SocketPair pair;
  auto stream = Stream(pair);
  const linger reset{1, 0};  // close sends RST
  ASSERT_EQ(::setsockopt(pair.client, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset)), 0);
  ::close(pair.client);
  pair.client = -1;
  EXPECT_EQ(stream.WaitForRequest(milliseconds(2000)), HttpConnectionStream::Wait::kFailed);
}

TEST(HttpConnectionStreamTest, ReadTimesOut) {
  SocketPair pair;
  auto stream = Stream(pair, milliseconds(100));
  const auto start = std::chrono::steady_clock::now();
  char c;
  EXPECT_EQ(stream.read(&c, 1), -1);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(90));
  EXPECT_FALSE(stream.is_readable());
  // The request it was part of can no longer be told from the next: nothing more is answered.
  EXPECT_TRUE(stream.failed());
  EXPECT_EQ(stream.write("x", 1), -1);
}

TEST(HttpConnectionStreamTest, WriteTimesOutWhenThePeerDoesNotRead) {
  SocketPair pair;
  int small = 4096;
  ::setsockopt(pair.server, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
  ::setsockopt(pair.client, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  auto stream = Stream(pair, milliseconds(100));
  const std::string chunk(1 << 20, 'z');
  ssize_t result = 0;
  for (int i = 0; i < 64 && result >= 0; ++i) result = stream.write(chunk.data(), chunk.size());
  EXPECT_EQ(result, -1);
  EXPECT_TRUE(stream.failed());
  EXPECT_EQ(stream.write("x", 1), -1);
  EXPECT_FALSE(stream.Flush());
  EXPECT_FALSE(stream.is_writable());
}

TEST(HttpConnectionStreamTest, IsWritableUntilThePeerHangsUp) {
  SocketPair pair;
  auto stream = Stream(pair);
  EXPECT_TRUE(stream.is_writable());
  ::close(pair.client);
  pair.client = -1;
  EXPECT_FALSE(stream.is_writable());
}

TEST(HttpConnectionStreamTest, ReportsBothAddressesAsTheLibraryFormatsThem) {
  SocketPair pair;
  auto stream = Stream(pair);
  std::string ip;
  int port = -1;
  stream.get_remote_ip_and_port(ip, port);
  EXPECT_EQ(ip, "127.0.0.1");
  EXPECT_EQ(port, pair.client_port);
  ip.clear();
  stream.get_local_ip_and_port(ip, port);
  EXPECT_EQ(ip, "127.0.0.1");
  EXPECT_EQ(port, pair.listen_port);
  // Looked up once: still answered after the peer is gone.
  ::close(pair.client);
  pair.client = -1;
  stream.get_remote_ip_and_port(ip, port);
  EXPECT_EQ(port, pair.client_port);
  EXPECT_EQ(stream.socket(), pair.server);
}

}  // namespace
}  // namespace signet::api
