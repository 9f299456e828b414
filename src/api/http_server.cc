#include "api/http_server.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string_view>

#include "api/http_connection.h"

namespace signet::api {
namespace {

std::chrono::milliseconds Millis(time_t sec, time_t usec) {
  return std::chrono::milliseconds(sec * 1000 + usec / 1000);
}

// The library's server with its per-connection loop replaced (the virtual the library provides
// for this): the same sequence of requests on one connection (keep-alive count, idle timeout,
// stop between requests, shutdown and close at the end), over an HttpConnectionStream.
class BufferedServer final : public httplib::Server {
 private:
  bool process_and_close_socket(socket_t sock) override {
    HttpConnectionStream stream(sock, Millis(read_timeout_sec_, read_timeout_usec_),
                                Millis(write_timeout_sec_, write_timeout_usec_));
    const std::chrono::seconds idle(keep_alive_timeout_sec_);
    bool ok = false;
    for (size_t left = keep_alive_max_count_; left > 0 && svr_sock_ != INVALID_SOCKET; --left) {
      if (!stream.WaitForRequest(idle)) break;
      bool connection_closed = false;
      ok = process_request(stream, /*close_connection=*/left == 1, connection_closed, nullptr);
      // The response goes out now, before the wait for the next request.
      if (!stream.Flush()) ok = false;
      if (!ok || connection_closed) break;
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
  }
};

// The library's listening socket (its protected member, read through a derived class).
struct ListeningSocket : httplib::Server {
  static socket_t Of(httplib::Server& server) {
    return (server.*(&ListeningSocket::svr_sock_)).load();
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
  if (tls) {
    auto server = std::make_unique<httplib::SSLServer>(options.tls_certificate_file.c_str(),
                                                       options.tls_key_file.c_str());
    if (!server->is_valid()) {
      return InvalidArgumentError("cannot load the TLS certificate " +
                                  options.tls_certificate_file + " and key " +
                                  options.tls_key_file);
    }
    impl->server = std::move(server);
  } else if (options.buffered_connections) {
    impl->server = std::make_unique<BufferedServer>();
  } else {
    impl->server = std::make_unique<httplib::Server>();
  }
  httplib::Server& server = *impl->server;
  const int threads = std::max(4, options.worker_threads);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
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
  if (impl_ && impl_->server) impl_->server->stop();
}

}  // namespace signet::api
