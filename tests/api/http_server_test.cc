// HttpServer over real loopback connections, spoken to byte by byte, over HTTP and HTTPS. The
// buffered connection loop (api/http_connection.h) must answer exactly what the library's own
// loop answers.
#include "api/http_server.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "crypto/certificate_builder.h"
#include "crypto/private_key.h"
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

// A TLS client context that takes any server certificate (the tests' is self-signed).
SSL_CTX* ClientTlsContext() {
  static SSL_CTX* const context = [] {
    SSL_CTX* c = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
    return c;
  }();
  return context;
}

// One client connection that reads whole responses (by Content-Length) as raw bytes, over TLS
// when `tls` (the handshake done in the constructor).
class Connection {
 public:
  explicit Connection(int port, bool tls = false) : fd_(test::ConnectToLoopback(port)) {
    if (!tls) return;
    ssl_ = SSL_new(ClientTlsContext());
    SSL_set_fd(ssl_, fd_);
    EXPECT_EQ(SSL_connect(ssl_), 1) << "TLS handshake with port " << port;
  }
  ~Connection() {
    SSL_free(ssl_);
    ::close(fd_);
  }
  void Send(const std::string& s) {
    if (ssl_ != nullptr) {
      EXPECT_EQ(SSL_write(ssl_, s.data(), static_cast<int>(s.size())), static_cast<int>(s.size()));
      return;
    }
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
    if (!Readable(timeout)) return false;
    char c;
    return Receive(&c, 1) <= 0;
  }
  // The bytes that arrive until the server closes the connection; nullopt if it is still open
  // after `timeout`.
  std::optional<std::string> BytesUntilClosed(milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string bytes;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !Readable(left)) return std::nullopt;
      char chunk[4096];
      const ssize_t n = Receive(chunk, sizeof(chunk));
      if (n <= 0) return bytes;
      bytes.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  bool Readable(milliseconds timeout) {
    if (ssl_ != nullptr && SSL_pending(ssl_) > 0) return true;
    pollfd pfd{fd_, POLLIN, 0};
    return ::poll(&pfd, 1, static_cast<int>(timeout.count())) > 0;
  }
  // As recv: bytes read, 0 at the end of the connection (TLS: close_notify or EOF), -1 failed.
  ssize_t Receive(char* buffer, size_t size) {
    if (ssl_ == nullptr) return ::recv(fd_, buffer, size, 0);
    size_t n = 0;
    if (SSL_read_ex(ssl_, buffer, size, &n) == 1) return static_cast<ssize_t>(n);
    const int error = SSL_get_error(ssl_, 0);
    return error == SSL_ERROR_ZERO_RETURN || error == SSL_ERROR_SYSCALL || error == SSL_ERROR_SSL
               ? 0
               : -1;
  }
  bool Fill() {
    if (!Readable(milliseconds(5000))) return false;
    char chunk[1 << 16];
    const ssize_t n = Receive(chunk, sizeof(chunk));
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  int fd_;
  SSL* ssl_ = nullptr;
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
  // A self-signed certificate and its key, for the HTTPS servers.
  static void SetUpTestSuite() {
    signal(SIGPIPE, SIG_IGN);  // as signetd: a write to a closed TLS peer must fail, not kill
    tls_dir_ = new test::TempDir();
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
    ASSERT_TRUE(key.ok());
    crypto::CertificateTemplate tmpl;
    tmpl.role = crypto::CertificateRole::kRootCa;
    tmpl.subject.common_name = "127.0.0.1";
    tmpl.not_before = SystemClock().Now() - std::chrono::hours(1);
    tmpl.not_after = SystemClock().Now() + std::chrono::hours(24);
    auto certificate = crypto::IssueRootCertificate(tmpl, *key);
    ASSERT_TRUE(certificate.ok());
    std::ofstream(tls_dir_->path() / "tls.pem") << certificate->ToPem();
    FILE* out = std::fopen((tls_dir_->path() / "tls.key").c_str(), "w");
    ASSERT_NE(out, nullptr);
    EXPECT_EQ(PEM_write_PrivateKey(out, key->raw(), nullptr, nullptr, 0, nullptr, nullptr), 1);
    std::fclose(out);
  }
  static void TearDownTestSuite() {
    delete tls_dir_;
    tls_dir_ = nullptr;
  }
  static void UseTls(HttpServerOptions& options) {
    options.tls_certificate_file = tls_dir_->path() / "tls.pem";
    options.tls_key_file = tls_dir_->path() / "tls.key";
  }

  void SetUp() override {
    std::ofstream(file_) << Pattern(400000);
  }
  RunningServer Start(bool buffered, HttpServerOptions options = {}) {
    options.buffered_connections = buffered;
    return RunningServer(options, TestHandler(file_));
  }
  static test::TempDir* tls_dir_;
  test::TempDir dir_;
  std::filesystem::path file_ = dir_.path() / "object";
};
test::TempDir* HttpServerTest::tls_dir_ = nullptr;

// The tests that hold over HTTP and HTTPS alike (the parameter: TLS).
class HttpOrHttpsServerTest : public HttpServerTest, public ::testing::WithParamInterface<bool> {
 protected:
  bool tls() const { return GetParam(); }
  RunningServer Start(bool buffered, HttpServerOptions options = {}) {
    if (tls()) UseTls(options);
    return HttpServerTest::Start(buffered, options);
  }
  RunningServer StartWithKeepAliveTimeout(std::chrono::seconds timeout) {
    HttpServerOptions options;
    options.keep_alive_timeout = timeout;
    return Start(true, options);
  }
};

INSTANTIATE_TEST_SUITE_P(Transport, HttpOrHttpsServerTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? "Https" : "Http";
                         });

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

// How long a new connection takes to have GET /bytes/2 answered, from before the connect (over
// TLS, the handshake itself needs a worker); milliseconds::max() if the answer is wrong.
milliseconds TimeToAnswerANewConnection(int port, bool tls) {
  const auto start = std::chrono::steady_clock::now();
  Connection waiting(port, tls);
  waiting.Send(Get("/bytes/2"));
  if (waiting.Response().find("\r\n\r\n" + Pattern(2)) == std::string::npos) {
    return milliseconds::max();
  }
  return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
}

std::vector<std::string> Transcript(int port, bool tls) {
  Connection connection(port, tls);
  std::vector<std::string> responses;
  for (const auto& [request, head] : MixedRequests()) {
    connection.Send(request);
    responses.push_back(connection.Response(head));
  }
  return responses;
}

TEST_P(HttpOrHttpsServerTest, BufferedConnectionsAnswerByteForByteAsTheLibrary) {
  RunningServer buffered = Start(true);
  RunningServer library = Start(false);
  const auto ours = Transcript(buffered.port(), tls());
  const auto theirs = Transcript(library.port(), tls());
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

TEST_P(HttpOrHttpsServerTest, BadRequestLineAnswers400AsTheLibrary) {
  RunningServer buffered = Start(true);
  RunningServer library = Start(false);
  std::string answers[2];
  int ports[2] = {buffered.port(), library.port()};
  for (int i = 0; i < 2; ++i) {
    Connection connection(ports[i], tls());
    connection.Send("NONSENSE\r\n\r\n");
    answers[i] = connection.Response();
  }
  EXPECT_EQ(answers[0].rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u);
  EXPECT_EQ(answers[0], answers[1]);
}

TEST_P(HttpOrHttpsServerTest, PipelinedRequestsAreAllAnswered) {
  RunningServer server = Start(true);
  Connection connection(server.port(), tls());
  connection.Send(Get("/bytes/3") + Post("/echo", "pipelined") + Get("/bytes/4"));
  EXPECT_NE(connection.Response().find("\r\n\r\n" + Pattern(3)), std::string::npos);
  const std::string echo = connection.Response();
  EXPECT_EQ(echo.substr(echo.size() - 9), "pipelined");
  EXPECT_NE(connection.Response().find("\r\n\r\n" + Pattern(4)), std::string::npos);
}

TEST_P(HttpOrHttpsServerTest, ContinueIsSentBeforeTheBodyIsRead) {
  RunningServer server = Start(true);
  Connection connection(server.port(), tls());
  connection.Send(
      "PUT /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n");
  EXPECT_EQ(connection.Response(), "HTTP/1.1 100 Continue\r\n\r\n");
  connection.Send("hello");
  const std::string response = connection.Response();
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_EQ(response.substr(response.size() - 5), "hello");
}

TEST_P(HttpOrHttpsServerTest, KeepAliveBudgetClosesAfterTheLastRequest) {
  HttpServerOptions options;
  options.keep_alive_max_requests = 3;
  RunningServer server = Start(true, options);
  Connection connection(server.port(), tls());
  for (int i = 0; i < 2; ++i) {
    connection.Send(Get("/bytes/1"));
    EXPECT_NE(connection.Response().find("Keep-Alive: timeout=5, max=3\r\n"), std::string::npos);
  }
  connection.Send(Get("/bytes/1"));
  EXPECT_NE(connection.Response().find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(connection.ClosedWithin(milliseconds(2000)));
}

TEST_P(HttpOrHttpsServerTest, ConnectionCloseFromTheClientIsHonoured) {
  RunningServer server = Start(true);
  Connection connection(server.port(), tls());
  connection.Send("GET /bytes/2 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  EXPECT_NE(connection.Response().find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(connection.ClosedWithin(milliseconds(2000)));
}

TEST_P(HttpOrHttpsServerTest, IdleConnectionIsClosedAfterTheKeepAliveTimeout) {
  RunningServer server = StartWithKeepAliveTimeout(std::chrono::seconds(1));
  Connection connection(server.port(), tls());
  connection.Send(Get("/bytes/1"));
  EXPECT_FALSE(connection.Response().empty());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(connection.ClosedWithin(milliseconds(500)));
  EXPECT_TRUE(connection.ClosedWithin(milliseconds(3000)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(900));
}

TEST_P(HttpOrHttpsServerTest, StopLetsTheRequestInFlightFinish) {
  RunningServer server = StartWithKeepAliveTimeout(std::chrono::seconds(1));
  Connection connection(server.port(), tls());
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
TEST_P(HttpOrHttpsServerTest, StopDoesNotWaitOutIdleClients) {
  RunningServer server = StartWithKeepAliveTimeout(std::chrono::seconds(5));
  Connection connection(server.port(), tls());
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
TEST_P(HttpOrHttpsServerTest, IdleConnectionsGiveUpTheirWorkersToAWaitingOne) {
  HttpServerOptions options;
  options.worker_threads = 4;
  options.keep_alive_timeout = std::chrono::seconds(5);
  RunningServer server = Start(true, options);
  std::vector<std::unique_ptr<Connection>> holders;
  for (int i = 0; i < 4; ++i) {
    holders.push_back(std::make_unique<Connection>(server.port(), tls()));
    holders.back()->Send(Get("/bytes/1"));
    const std::string response = holders.back()->Response();
    ASSERT_NE(response.find("Keep-Alive: timeout=5"), std::string::npos) << response;
  }
  EXPECT_LT(TimeToAnswerANewConnection(server.port(), tls()), milliseconds(2000));
  int closed = 0;
  for (auto& holder : holders) closed += holder->ClosedWithin(milliseconds(0)) ? 1 : 0;
  EXPECT_GE(closed, 1);
}

TEST_P(HttpOrHttpsServerTest, BusyConnectionsHandOverWhenOneWaits) {
  HttpServerOptions options;
  options.worker_threads = 4;
  RunningServer server = Start(true, options);
  std::atomic<bool> stop{false};
  std::atomic<int> handovers{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> busy;
  for (int i = 0; i < 4; ++i) {
    busy.emplace_back([&] {
      auto connection = std::make_unique<Connection>(server.port(), tls());
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(6);
      while (!stop && std::chrono::steady_clock::now() < give_up) {
        connection->Send(Get("/bytes/1"));
        const std::string response = connection->Response();
        if (response.find("\r\n\r\n" + Pattern(1)) == std::string::npos) ++failures;
        if (response.find("Connection: close\r\n") != std::string::npos) {
          ++handovers;  // the client reconnects and queues behind, as an SDK would
          connection = std::make_unique<Connection>(server.port(), tls());
        }
      }
    });
  }
  std::this_thread::sleep_for(milliseconds(200));  // every worker busy with a keep-alive client
  const milliseconds took = TimeToAnswerANewConnection(server.port(), tls());
  stop = true;
  for (auto& t : busy) t.join();
  EXPECT_LT(took, milliseconds(2000));
  EXPECT_GE(handovers.load(), 1);
  EXPECT_EQ(failures.load(), 0);
}

// A busy connection hands its worker over only once it has held it for the busy slice (250 ms):
// were it at its next response, every request would pay a new connection (over TLS, a
// handshake) while more clients than workers keep sending.
TEST_P(HttpOrHttpsServerTest, ABusyConnectionHandsOverOnlyAfterItsSlice) {
  HttpServerOptions options;
  options.worker_threads = 4;
  RunningServer server = Start(true, options);
  std::atomic<bool> stop{false};
  std::vector<milliseconds> held(4, milliseconds::max());  // until the connection's handover
  std::vector<std::thread> busy;
  for (int i = 0; i < 4; ++i) {
    busy.emplace_back([&, i] {
      const auto began = std::chrono::steady_clock::now();
      Connection connection(server.port(), tls());
      while (!stop && std::chrono::steady_clock::now() - began < std::chrono::seconds(3)) {
        connection.Send(Get("/bytes/1"));
        if (connection.Response().find("Connection: close\r\n") != std::string::npos) {
          held[i] =
              std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - began);
          return;
        }
      }
    });
  }
  std::this_thread::sleep_for(milliseconds(30));  // every worker busy, for 30 ms only
  const milliseconds took = TimeToAnswerANewConnection(server.port(), tls());
  stop = true;
  for (auto& t : busy) t.join();
  EXPECT_LT(took, milliseconds(2000));
  const milliseconds first = *std::min_element(held.begin(), held.end());
  ASSERT_NE(first, milliseconds::max()) << "no busy connection handed its worker over";
  EXPECT_GE(first, milliseconds(250));
}

// A request that stops half way is given up after the read timeout (its worker freed).
TEST_P(HttpOrHttpsServerTest, AStalledRequestIsClosedAfterTheReadTimeout) {
  HttpServerOptions options;
  options.io_timeout = std::chrono::seconds(1);
  RunningServer server = Start(true, options);
  Connection connection(server.port(), tls());
  const auto start = std::chrono::steady_clock::now();
  connection.Send("GET /bytes/1 HTTP/1.1\r\nHost: loc");
  const auto bytes = connection.BytesUntilClosed(milliseconds(4000));
  ASSERT_TRUE(bytes.has_value());
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(900));
}

// Over HTTPS, a client that connects and never begins the handshake is closed after the read
// timeout, as by the library's own loop.
TEST_F(HttpServerTest, AHandshakeThatNeverBeginsIsClosedAfterTheReadTimeout) {
  HttpServerOptions options;
  UseTls(options);
  options.io_timeout = std::chrono::seconds(1);
  RunningServer server = Start(true, options);
  Connection silent(server.port());
  const auto start = std::chrono::steady_clock::now();
  const auto bytes = silent.BytesUntilClosed(milliseconds(4000));
  ASSERT_TRUE(bytes.has_value());
  EXPECT_TRUE(bytes->empty());
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(900));
}

// A client that does not speak TLS (plain HTTP to the HTTPS port) gets no HTTP answer and its
// connection is closed at once; the worker it held serves the next connection.
TEST_F(HttpServerTest, AClientThatDoesNotSpeakTlsIsClosedAndServingGoesOn) {
  HttpServerOptions options;
  UseTls(options);
  options.worker_threads = 4;
  RunningServer server = Start(true, options);
  for (int i = 0; i < 6; ++i) {  // more than the workers: each one's worker must come back
    Connection plain(server.port());
    plain.Send(Get("/bytes/1"));
    const auto bytes = plain.BytesUntilClosed(milliseconds(2000));
    ASSERT_TRUE(bytes.has_value()) << "the failed handshake held the connection open";
    EXPECT_EQ(bytes->find("HTTP/1.1"), std::string::npos);
  }
  Connection tls(server.port(), /*tls=*/true);
  tls.Send(Get("/bytes/2"));
  EXPECT_NE(tls.Response().find("\r\n\r\n" + Pattern(2)), std::string::npos);
}

}  // namespace
}  // namespace signet::api
