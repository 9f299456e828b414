#include "api/http_server.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "api/http_connection.h"

namespace signet::api {
namespace {

// httplib's TaskQueue: `threads` workers taking connections in arrival order, which tells
// whether a connection waits with every worker busy. The library's ThreadPool does the same
// without telling: since a worker serves one keep-alive connection for its whole life, more
// connections than workers (SDK connection pools across a CI fleet) would wait until one closes.
class WorkerPool final : public httplib::TaskQueue {
 public:
  explicit WorkerPool(int threads) {
    workers_.reserve(static_cast<size_t>(threads));
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
  }

  void enqueue(std::function<void()> fn) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(std::move(fn));
      queued_.store(jobs_.size(), std::memory_order_relaxed);
    }
    cv_.notify_one();
  }

  // Runs what is queued, then joins the workers.
  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      shutdown_ = true;
    }
    cv_.notify_all();
    for (std::thread& worker : workers_) worker.join();
  }

  // A connection waits that no idle worker is about to take. Read without the lock: a stale
  // answer only delays or hastens one connection's hand-over by a request.
  bool Starved() const {
    return queued_.load(std::memory_order_relaxed) > idle_.load(std::memory_order_relaxed);
  }

 private:
  void Work() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        idle_.fetch_add(1, std::memory_order_relaxed);
        cv_.wait(lock, [this] { return !jobs_.empty() || shutdown_; });
        idle_.fetch_sub(1, std::memory_order_relaxed);
        if (jobs_.empty()) return;  // shut down, and nothing left to run
        job = std::move(jobs_.front());
        jobs_.pop_front();
        queued_.store(jobs_.size(), std::memory_order_relaxed);
      }
      job();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool shutdown_ = false;
  std::atomic<size_t> queued_{0};
  std::atomic<size_t> idle_{0};
  std::vector<std::thread> workers_;
};

// The library's server (Base: httplib::Server, or httplib::SSLServer) with its per-connection
// loop replaced (the virtual the library provides for this): the same sequence of requests on
// one connection (keep-alive count, idle timeout, stop between requests, shutdown and close at
// the end), over an HttpConnectionStream or a TlsConnectionStream. A connection also gives up
// its worker when another one waits for a worker with all of them busy: a busy one, once it has
// held the worker for kBusySlice, by answering its current request with "Connection: close"
// (clients reconnect and queue behind), an idle one after kIdleSlice without a request (as at
// the idle timeout). The busy slice bounds the reconnections while more clients than workers
// keep sending: without it every response would close its connection, and each request would
// pay a connect (over TLS, a handshake: ten times fewer requests per second).
template <typename Base>
class HandOverServer : public Base {
 public:
  static constexpr std::chrono::milliseconds kIdleSlice{100};
  static constexpr std::chrono::milliseconds kBusySlice{250};

  template <typename... BaseArgs>
  explicit HandOverServer(int threads, BaseArgs&&... base_args)
      : Base(std::forward<BaseArgs>(base_args)...) {
    this->new_task_queue = [this, threads] {
      auto* pool = new WorkerPool(threads);
      pool_.store(pool);
      return pool;
    };
  }

 protected:
  std::chrono::milliseconds ReadTimeout() const {
    return HttpTimeout(this->read_timeout_sec_, this->read_timeout_usec_);
  }
  std::chrono::milliseconds WriteTimeout() const {
    return HttpTimeout(this->write_timeout_sec_, this->write_timeout_usec_);
  }

  // Serves the connection's requests until it ends; false if one failed.
  template <typename Stream>
  bool ServeRequests(Stream& stream) {
    const std::chrono::seconds idle(this->keep_alive_timeout_sec_);
    const auto began = std::chrono::steady_clock::now();
    bool ok = false;
    for (size_t left = this->keep_alive_max_count_; left > 0 && this->svr_sock_ != INVALID_SOCKET;
         --left) {
      if (!WaitForNextRequest(stream, idle)) break;
      // The clock is read only while a connection waits for a worker.
      const bool last =
          left == 1 || (Starved() && std::chrono::steady_clock::now() - began >= kBusySlice);
      bool connection_closed = false;
      ok = this->process_request(stream, /*close_connection=*/last, connection_closed, nullptr);
      // The response goes out now, before the wait for the next request.
      if (!stream.Flush()) ok = false;
      if (!ok || connection_closed || last) break;
    }
    return ok;
  }

 private:
  bool Starved() const {
    const WorkerPool* pool = pool_.load();
    return pool != nullptr && pool->Starved();
  }

  // Waits up to `idle` for the next request, in slices of kIdleSlice (over plain HTTP with
  // SO_RCVTIMEO, so no system call more while requests keep coming); false when none came,
  // another connection needs the worker, or the server is stopping (Stop() does not wait out
  // idle clients).
  template <typename Stream>
  bool WaitForNextRequest(Stream& stream, std::chrono::milliseconds idle) const {
    // The clock is read only once a slice has passed quietly, not per request.
    std::optional<std::chrono::steady_clock::time_point> deadline;
    for (std::chrono::milliseconds wait = std::min(idle, kIdleSlice);;) {
      switch (stream.WaitForRequest(wait)) {
        case ConnectionStream::Wait::kReady:
          return true;
        case ConnectionStream::Wait::kFailed:
          return false;
        case ConnectionStream::Wait::kTimedOut:
          break;
      }
      const auto now = std::chrono::steady_clock::now();
      if (!deadline) deadline = now + idle - wait;  // the first slice has just passed
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - now);
      if (left.count() <= 0 || Starved() || this->svr_sock_ == INVALID_SOCKET) return false;
      wait = std::min(left, kIdleSlice);
    }
  }

  // The pool of the listen() under way (the library owns and deletes it). Read only from
  // process_and_close_socket, which runs on that pool's workers, so never once it is gone.
  std::atomic<const WorkerPool*> pool_{nullptr};
};

class BufferedServer final : public HandOverServer<httplib::Server> {
 public:
  explicit BufferedServer(int threads) : HandOverServer(threads) {}

 private:
  bool process_and_close_socket(socket_t sock) override {
    HttpConnectionStream stream(sock, ReadTimeout(), WriteTimeout());
    const bool ok = ServeRequests(stream);
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
  }
};

// HTTPS: the handshake on the worker that serves the connection (as the library's own loop
// does), then the same loop over TLS; close_notify when the connection ended well.
class BufferedTlsServer final : public HandOverServer<httplib::SSLServer> {
 public:
  BufferedTlsServer(int threads, const char* certificate_file, const char* key_file)
      : HandOverServer(threads, certificate_file, key_file) {}

 private:
  bool process_and_close_socket(socket_t sock) override {
    bool ok = false;
    if (auto stream =
            TlsConnectionStream::Accept(ssl_context(), sock, ReadTimeout(), WriteTimeout())) {
      ok = ServeRequests(*stream);
      if (ok) stream->Shutdown();
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
  }
};

// The library's listening socket (its protected member, reached through a derived class).
struct ListeningSocket : httplib::Server {
  static socket_t Of(httplib::Server& server) {
    return (server.*(&ListeningSocket::svr_sock_)).load();
  }
  // Closes it, as the library's stop() does, but also before listen has begun: stop() does
  // nothing until then, so a Stop() just after the serving thread started was lost and Serve()
  // never returned. The accept loop ends when it finds the socket gone, whenever that is.
  static void Close(httplib::Server& server) {
    const socket_t sock = (server.*(&ListeningSocket::svr_sock_)).exchange(INVALID_SOCKET);
    if (sock == INVALID_SOCKET) return;
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
  }
};

// An open file whose bytes stream out as a response body, closed when the response is done.
struct FileBody {
  int fd = -1;
  uint64_t offset = 0;
  ~FileBody() {
    if (fd >= 0) ::close(fd);
  }
};

// Moves the handler's strings into the library's response (no copy of the body).
void WriteResponse(ApiResponse&& api, httplib::Response& res) {
  res.status = api.status;
  for (auto& [name, value] : api.headers) res.headers.emplace(std::move(name), std::move(value));
  if (api.file_body && api.file_body->length == 0) {
    // The library's content provider needs a length above 0 (it asserts), so an empty range is
    // an empty in-memory body.
    if (api.file_body->remove_when_opened) ::unlink(api.file_body->path.c_str());
    api.file_body.reset();
  }
  if (api.file_body) {
    auto file = std::make_shared<FileBody>();
    file->fd = ::open(api.file_body->path.c_str(), O_RDONLY | O_CLOEXEC);
    file->offset = api.file_body->offset;
    if (api.file_body->remove_when_opened) ::unlink(api.file_body->path.c_str());
    if (file->fd < 0) {
      res.status = 500;
      res.set_content("{\"message\":\"cannot read the object\"}", "application/json");
      return;
    }
    res.set_content_provider(api.file_body->length, api.content_type,
                             [file](size_t offset, size_t length, httplib::DataSink& sink) {
                               char buffer[1 << 16];
                               const size_t n = std::min(length, sizeof(buffer));
                               const ssize_t got = ::pread(
                                   file->fd, buffer, n, static_cast<off_t>(file->offset + offset));
                               if (got <= 0) return false;
                               return sink.write(buffer, static_cast<size_t>(got));
                             });
    return;
  }
  // As Response::set_content, which would copy the body.
  res.body = std::move(api.body);
  res.headers.erase("Content-Type");
  res.set_header("Content-Type", api.content_type);
}

}  // namespace

struct HttpServer::Impl {
  std::unique_ptr<httplib::Server> server;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl, int port, bool tls)
    : impl_(std::move(impl)), port_(port), tls_(tls) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Bind(const HttpServerOptions& options,
                                                     HttpHandler handler) {
  auto impl = std::make_unique<Impl>();
  const bool tls = !options.tls_certificate_file.empty();
  if (tls != !options.tls_key_file.empty()) {
    return InvalidArgumentError("TLS needs both a certificate file and a key file");
  }
  const int threads = std::max(4, options.worker_threads);
  if (tls) {
    const char* certificate = options.tls_certificate_file.c_str();
    const char* key = options.tls_key_file.c_str();
    std::unique_ptr<httplib::SSLServer> server;
    if (options.buffered_connections) {
      server = std::make_unique<BufferedTlsServer>(threads, certificate, key);
    } else {
      server = std::make_unique<httplib::SSLServer>(certificate, key);
      server->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    }
    if (!server->is_valid()) {
      return InvalidArgumentError("cannot load the TLS certificate " +
                                  options.tls_certificate_file + " and key " +
                                  options.tls_key_file);
    }
    impl->server = std::move(server);
  } else if (options.buffered_connections) {
    impl->server = std::make_unique<BufferedServer>(threads);
  } else {
    impl->server = std::make_unique<httplib::Server>();
    impl->server->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  }
  httplib::Server& server = *impl->server;
  server.set_tcp_nodelay(true);
  // The library's default also sets SO_REUSEPORT, which lets a second signetd share a port
  // silently; a port in use must be an error.
  server.set_socket_options([](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server.set_keep_alive_max_count(options.keep_alive_max_requests);
  server.set_keep_alive_timeout(options.keep_alive_timeout.count());
  server.set_read_timeout(options.io_timeout.count());
  server.set_write_timeout(options.io_timeout.count());
  server.set_payload_max_length(options.max_body_bytes);

  auto adapter = [handler](const httplib::Request& req, httplib::Response& res) {
    HttpRequestView view;
    view.method = req.method;
    std::string encoded;
    std::string_view target = req.target;
    if (target.empty()) {
      encoded = UriEncode(req.path, /*encode_slash=*/false);
      target = encoded;
    }
    const size_t q = target.find('?');
    view.raw_path = target.substr(0, q);
    if (q != std::string_view::npos) view.raw_query = target.substr(q + 1);
    view.headers.reserve(req.headers.size());
    for (const auto& [name, value] : req.headers) view.headers.emplace_back(name, value);
    view.body = req.body;
    // The handler alone interprets Range (S3 GetObject); the library would apply it again.
    const_cast<httplib::Request&>(req).ranges.clear();
    WriteResponse(handler(view), res);
  };
  const std::string any = ".*";
  server.Get(any, adapter);  // also HEAD
  server.Post(any, adapter);
  server.Put(any, adapter);
  server.Delete(any, adapter);
  server.Patch(any, adapter);
  server.Options(any, adapter);
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                  std::exception_ptr) {
    res.status = 500;
    res.set_content("{\"message\":\"internal error\",\"code\":\"InternalServiceErrorException\"}",
                    "application/json");
    res.set_header("x-amzn-ErrorType", "InternalServiceErrorException");
  });

  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
    if (port < 0) return UnavailableError("cannot listen on " + options.host);
  } else if (!server.bind_to_port(options.host, port)) {
    return UnavailableError("cannot listen on " + options.host + ":" + std::to_string(port) +
                            " (in use?)");
  }
  // The library listens with a backlog of 5: a burst of connects (a CI fleet starting, a load
  // test, the API server's webhook calls) overflows it, and Linux then drops SYNs (a connect
  // waits the 1 s retransmission) or resets connections the client already thinks open.
  // listen() again on a listening socket sets its backlog (capped by net.core.somaxconn).
  if (::listen(ListeningSocket::Of(server), SOMAXCONN) != 0) {
    return UnavailableError("cannot listen on " + options.host + ":" + std::to_string(port));
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl), port, tls));
}

Status HttpServer::Serve() {
  if (!impl_->server->listen_after_bind()) {
    return UnavailableError("the HTTP listener stopped with an error");
  }
  return Status::Ok();
}

void HttpServer::Stop() {
  if (impl_ && impl_->server) ListeningSocket::Close(*impl_->server);
}

}  // namespace signet::api
