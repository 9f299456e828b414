// HttpServer over real loopback connections, spoken to byte by byte. The buffered connection
// loop (api/http_connection.h) must answer exactly what the library's own loop answers.
#include "api/http_server.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "testing/loopback.h"
#include "testing/temp_dir.h"

namespace signet::api {
namespace {

using std::chrono::milliseconds;

// A running HttpServer, stopped and joined on destruction.
class RunningServer {
 public:
  RunningServer(HttpServerOptions options, HttpHandler handler) {
    auto bound = HttpServer::Bind(options, std::move(handler));
    EXPECT_TRUE(bound.ok()) << bound.status().message();
    server_ = std::move(*bound);
    thread_ = std::thread([this] { served_ = server_->Serve().ok(); });
  }
  ~RunningServer() { Stop(); }
  void Stop() {
    if (!thread_.joinable()) return;
    server_->Stop();
    thread_.join();
  }
  int port() const { return server_->port(); }
  bool served() const { return served_; }

 private:
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  bool served_ = false;
};

// One client connection that reads whole responses (by Content-Length) as raw bytes.
class Connection {
 public:
  explicit Connection(int port) : fd_(test::ConnectToLoopback(port)) {}
  ~Connection() { ::close(fd_); }
  void Send(const std::string& s) {
    EXPECT_EQ(::send(fd_, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size()));
  }
  // The next response's bytes, head and body; empty if the server closed first.
  std::string Response(bool head_request = false) {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return "";
    }
    end += 4;
    size_t body = 0;
    const std::string head = buffer_.substr(0, end);
    if (const size_t at = head.find("Content-Length: "); at != std::string::npos) {
      body = std::stoul(head.substr(at + 16));
    }
    if (head_request || head.rfind("HTTP/1.1 100 ", 0) == 0) body = 0;
    while (buffer_.size() < end + body) {
      if (!Fill()) return "";
    }
    std::string out = buffer_.substr(0, end + body);
    buffer_.erase(0, end + body);
    return out;
  }
  // True if the server closes the connection within `timeout` (nothing more arrives).
  bool ClosedWithin(milliseconds timeout) {
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char c;
    return ::recv(fd_, &c, 1, 0) == 0;
  }

 private:
  bool Fill() {
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, 5000) <= 0) return false;
    char chunk[1 << 16];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  int fd_;
  std::string buffer_;
};

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i * 7 % 26);
  return s;
}

// /bytes/N: N bytes in memory; /file/N: N bytes streamed from a file (offset 3); /echo: the
// request body; /status/N: an error status with a JSON body.
HttpHandler TestHandler(const std::filesystem::path& file) {
  return [file](const HttpRequestView& request) {
    ApiResponse response;
    response.SetHeader("x-test", request.method);
    const std::string& path = request.raw_path;
    if (path.rfind("/bytes/", 0) == 0) {
      response.content_type = "application/octet-stream";
      response.body = Pattern(std::stoul(path.substr(7)));
    } else if (path.rfind("/file/", 0) == 0) {
      response.content_type = "application/octet-stream";
      response.file_body = ApiResponse::FileBody{file, 3, std::stoul(path.substr(6)), false};
    } else if (path == "/echo") {
      response.body = std::string(request.body);
    } else if (path.rfind("/status/", 0) == 0) {
      response.status = std::stoi(path.substr(8));
      response.SetHeader("content-type", "text/overridden");  // content_type wins, as ever
      response.body = "{\"message\":\"no\"}";
    } else if (path == "/slow") {
      std::this_thread::sleep_for(milliseconds(300));
      response.body = "slow";
    }
    return response;
  };
}

std::string Get(const std::string& path, const std::string& method = "GET") {
  return method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
}

std::string Post(const std::string& path, const std::string& body) {
  return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(file_) << Pattern(400000);
  }
  RunningServer Start(bool buffered, HttpServerOptions options = {}) {
    options.buffered_connections = buffered;
    return RunningServer(options, TestHandler(file_));
  }
  RunningServer StartWithKeepAliveTimeout(std::chrono::seconds timeout) {
    HttpServerOptions options;
    options.keep_alive_timeout = timeout;
    return Start(true, options);
  }
  test::TempDir dir_;
  std::filesystem::path file_ = dir_.path() / "object";
};

// Every request of a keep-alive sequence, of many sizes and kinds, over one connection.
std::vector<std::pair<std::string, bool>> MixedRequests() {
  std::vector<std::pair<std::string, bool>> requests;
  for (size_t n : {0, 1, 17, 1000, 65535, 65536, 65537, 131072, 300000}) {
    requests.emplace_back(Get("/bytes/" + std::to_string(n)), false);
  }
  for (size_t n : {0, 1, 65536, 65537, 300000}) {
    requests.emplace_back(Get("/file/" + std::to_string(n)), false);
  }
  requests.emplace_back(Get("/file/0", "HEAD"), true);
  requests.emplace_back(Get("/bytes/1000", "HEAD"), true);
  requests.emplace_back(Get("/file/1000", "HEAD"), true);
  requests.emplace_back(Post("/echo", Pattern(70000)), false);
  requests.emplace_back(Post("/echo", ""), false);
  requests.emplace_back(Get("/status/404"), false);
  requests.emplace_back(Get("/status/503", "DELETE"), false);
  requests.emplace_back(Get("/bytes/5"), false);
  return requests;
}

std::vector<std::string> Transcript(int port) {
  Connection connection(port);
  std::vector<std::string> responses;
  for (const auto& [request, head] : MixedRequests()) {
    connection.Send(request);
    responses.push_back(connection.Response(head));
  }
  return responses;
}

TEST_F(HttpServerTest, BufferedConnectionsAnswerByteForByteAsTheLibrary) {
  RunningServer buffered = Start(true);
  RunningServer library = Start(false);
  const auto ours = Transcript(buffered.port());
  const auto theirs = Transcript(library.port());
  ASSERT_EQ(ours.size(), MixedRequests().size());
  for (size_t i = 0; i < ours.size(); ++i) {
    EXPECT_FALSE(ours[i].empty()) << MixedRequests()[i].first.substr(0, 40);
    EXPECT_EQ(ours[i], theirs[i]) << MixedRequests()[i].first.substr(0, 40);
  }
  EXPECT_EQ(ours[3].rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(ours[3].find("Keep-Alive: timeout=5, max=100000\r\n"), std::string::npos);
  EXPECT_EQ(ours[3].substr(ours[3].size() - 1000), Pattern(1000));
  const std::string& not_found = ours[19];
  EXPECT_EQ(not_found.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
  EXPECT_NE(not_found.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_EQ(not_found.find("overridden"), std::string::npos);
  EXPECT_EQ(not_found.substr(not_found.size() - 16), "{\"message\":\"no\"}");
  EXPECT_EQ(ours[13].rfind("HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n", 0), 0u);
  EXPECT_EQ(ours[13].substr(ours[13].size() - 300000), Pattern(400000).substr(3, 300000));
  // An empty file range is an empty body, and the connection goes on.
  EXPECT_EQ(ours[9].rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(ours[9].find("Content-Length: 0\r\n"), std::string::npos);
  EXPECT_EQ(ours[9].substr(ours[9].size() - 4), "\r\n\r\n");
}

TEST_F(HttpServerTest, BadRequestLineAnswers400AsTheLibrary) {
  RunningServer buffered = Start(true);
  RunningServer library = Start(false);
  std::string answers[2];
  int ports[2] = {buffered.port(), library.port()};
  for (int i = 0; i < 2; ++i) {
    Connection connection(ports[i]);
    connection.Send("NONSENSE\r\n\r\n");
    answers[i] = connection.Response();
  }
  EXPECT_EQ(answers[0].rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u);
  EXPECT_EQ(answers[0], answers[1]);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAllAnswered) {
  RunningServer server = Start(true);
  Connection connection(server.port());
  connection.Send(Get("/bytes/3") + Post("/echo", "pipelined") + Get("/bytes/4"));
  EXPECT_NE(connection.Response().find("\r\n\r\n" + Pattern(3)), std::string::npos);
  const std::string echo = connection.Response();
  EXPECT_EQ(echo.substr(echo.size() - 9), "pipelined");
  EXPECT_NE(connection.Response().find("\r\n\r\n" + Pattern(4)), std::string::npos);
}

TEST_F(HttpServerTest, ContinueIsSentBeforeTheBodyIsRead) {
  RunningServer server = Start(true);
  Connection connection(server.port());
  connection.Send(
      "PUT /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n");
  EXPECT_EQ(connection.Response(), "HTTP/1.1 100 Continue\r\n\r\n");
  connection.Send("hello");
  const std::string response = connection.Response();
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_EQ(response.substr(response.size() - 5), "hello");
}

TEST_F(HttpServerTest, KeepAliveBudgetClosesAfterTheLastRequest) {
  HttpServerOptions options;
  options.keep_alive_max_requests = 3;
  RunningServer server = Start(true, options);
  Connection connection(server.port());
  for (int i = 0; i < 2; ++i) {
    connection.Send(Get("/bytes/1"));
    EXPECT_NE(connection.Response().find("Keep-Alive: timeout=5, max=3\r\n"), std::string::npos);
  }
  connection.Send(Get("/bytes/1"));
  EXPECT_NE(connection.Response().find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(connection.ClosedWithin(milliseconds(2000)));
}

TEST_F(HttpServerTest, ConnectionCloseFromTheClientIsHonoured) {
  RunningServer server = Start(true);
  Connection connection(server.port());
  connection.Send("GET /bytes/2 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  EXPECT_NE(connection.Response().find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(connection.ClosedWithin(milliseconds(2000)));
}

TEST_F(HttpServerTest, IdleConnectionIsClosedAfterTheKeepAliveTimeout) {
  RunningServer server = StartWithKeepAliveTimeout(std::chrono::seconds(1));
  Connection connection(server.port());
  connection.Send(Get("/bytes/1"));
  EXPECT_FALSE(connection.Response().empty());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(connection.ClosedWithin(milliseconds(500)));
  EXPECT_TRUE(connection.ClosedWithin(milliseconds(3000)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(900));
}

TEST_F(HttpServerTest, StopLetsTheRequestInFlightFinish) {
  RunningServer server = StartWithKeepAliveTimeout(std::chrono::seconds(1));
  Connection connection(server.port());
  connection.Send(Get("/slow"));
  std::this_thread::sleep_for(milliseconds(100));
  std::thread stopper([&] { server.Stop(); });
  const std::string response = connection.Response();
  EXPECT_EQ(response.substr(response.size() - 4), "slow");
  stopper.join();
  EXPECT_TRUE(server.served());
  EXPECT_TRUE(connection.ClosedWithin(milliseconds(2000)));
}

// An idle keep-alive client does not hold a graceful stop for the keep-alive timeout.
TEST_F(HttpServerTest, StopDoesNotWaitOutIdleClients) {
  RunningServer server = StartWithKeepAliveTimeout(std::chrono::seconds(5));
  Connection connection(server.port());
  connection.Send(Get("/bytes/1"));
  ASSERT_FALSE(connection.Response().empty());
  const auto start = std::chrono::steady_clock::now();
  server.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));
  EXPECT_TRUE(server.served());
  EXPECT_TRUE(connection.ClosedWithin(milliseconds(2000)));
}

// A Stop() that comes before the serving thread has begun to listen (a test or a SIGTERM right
// after start) still ends Serve(): the library's own stop() does nothing until then.
TEST_F(HttpServerTest, StopBeforeServeBeginsEndsServe) {
  for (bool buffered : {true, false}) {
    HttpServerOptions options;
    options.buffered_connections = buffered;
    auto bound = HttpServer::Bind(options, TestHandler(file_));
    ASSERT_TRUE(bound.ok()) << bound.status().message();
    HttpServer& server = **bound;
    server.Stop();
    auto served = std::async(std::launch::async, [&] { return server.Serve().ok(); });
    // Were it lost, Serve() would not return: ASSERT, and ctest's timeout ends the process.
    ASSERT_EQ(served.wait_for(std::chrono::seconds(5)), std::future_status::ready)
        << (buffered ? "buffered" : "library");
    EXPECT_TRUE(served.get());
    EXPECT_EQ(test::TryConnectToLoopback(server.port()), -1);  // the listening socket is closed
  }
}

// A burst of connects (a CI fleet starting, a load test) must not overflow the accept queue: the
// library listens with a backlog of 5, and Linux then drops SYNs (the client's connect() waits
// the 1 s SYN retransmission) or resets connections the client already thinks open.
TEST_F(HttpServerTest, ABurstOfConnectsIsAcceptedAtOnce) {
  RunningServer server = Start(true);
  constexpr int kThreads = 8, kPerThread = 32;
  std::atomic<int> answered{0};
  std::atomic<long> slowest_connect_ms{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::vector<std::unique_ptr<Connection>> connections;
      for (int i = 0; i < kPerThread; ++i) {
        const auto start = std::chrono::steady_clock::now();
        connections.push_back(std::make_unique<Connection>(server.port()));
        const long ms =
            std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start)
                .count();
        long seen = slowest_connect_ms.load();
        while (ms > seen && !slowest_connect_ms.compare_exchange_weak(seen, ms)) {
        }
      }
      for (auto& c : connections) {
        c->Send("GET /bytes/3 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      }
      for (auto& c : connections) {
        if (c->Response().find("\r\n\r\n" + Pattern(3)) != std::string::npos) ++answered;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(answered.load(), kThreads * kPerThread);
  EXPECT_LT(slowest_connect_ms.load(), 500) << "a SYN was dropped: the accept queue overflowed";
}

// More keep-alive connections than workers: a worker serves one connection for its whole life,
// so without a hand-over the fifth connection below would wait for the keep-alive timeout (idle
// holders) or for ever (busy ones).
TEST_F(HttpServerTest, IdleConnectionsGiveUpTheirWorkersToAWaitingOne) {
  HttpServerOptions options;
  options.worker_threads = 4;
  options.keep_alive_timeout = std::chrono::seconds(5);
  RunningServer server = Start(true, options);
  std::vector<std::unique_ptr<Connection>> holders;
  for (int i = 0; i < 4; ++i) {
    holders.push_back(std::make_unique<Connection>(server.port()));
    holders.back()->Send(Get("/bytes/1"));
    const std::string response = holders.back()->Response();
    ASSERT_NE(response.find("Keep-Alive: timeout=5"), std::string::npos) << response;
  }
  Connection waiting(server.port());
  const auto start = std::chrono::steady_clock::now();
  waiting.Send(Get("/bytes/2"));
  EXPECT_NE(waiting.Response().find("\r\n\r\n" + Pattern(2)), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
  int closed = 0;
  for (auto& holder : holders) closed += holder->ClosedWithin(milliseconds(0)) ? 1 : 0;
  EXPECT_GE(closed, 1);
}

TEST_F(HttpServerTest, BusyConnectionsHandOverWhenOneWaits) {
  HttpServerOptions options;
  options.worker_threads = 4;
  RunningServer server = Start(true, options);
  std::atomic<bool> stop{false};
  std::atomic<int> handovers{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> busy;
  for (int i = 0; i < 4; ++i) {
    busy.emplace_back([&] {
      auto connection = std::make_unique<Connection>(server.port());
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(6);
      while (!stop && std::chrono::steady_clock::now() < give_up) {
        connection->Send(Get("/bytes/1"));
        const std::string response = connection->Response();
        if (response.find("\r\n\r\n" + Pattern(1)) == std::string::npos) ++failures;
        if (response.find("Connection: close\r\n") != std::string::npos) {
          ++handovers;  // the client reconnects and queues behind, as an SDK would
          connection = std::make_unique<Connection>(server.port());
        }
      }
    });
  }
  std::this_thread::sleep_for(milliseconds(200));  // every worker busy with a keep-alive client
  Connection waiting(server.port());
  const auto start = std::chrono::steady_clock::now();
  waiting.Send(Get("/bytes/2"));
  const std::string response = waiting.Response();
  const auto took = std::chrono::steady_clock::now() - start;
  stop = true;
  for (auto& t : busy) t.join();
  EXPECT_NE(response.find("\r\n\r\n" + Pattern(2)), std::string::npos);
  EXPECT_LT(took, milliseconds(2000));
  EXPECT_GE(handovers.load(), 1);
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace signet::api
