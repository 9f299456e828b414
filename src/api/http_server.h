// HttpServer: signetd's HTTP/1.1 listener (cpp-httplib), HTTPS when given a certificate.
//
// Tuned for API clients that keep connections alive: TCP_NODELAY, a keep-alive budget of
// thousands of requests per connection (the library's default closes every 5th request), a
// worker pool sized for many concurrent keep-alive connections (each occupies a worker while
// open; one waiting for a worker with all of them busy gets one at the next response, which
// says "Connection: close", or after 100 ms of a connection's idleness, over HTTP and HTTPS
// alike), and few system calls per request (api/http_connection.h). The handler sees each
// request raw (path and query as sent, so SigV4 can be verified) and returns an ApiResponse.
// Stop() stops accepting and lets in-flight requests finish.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "api/http_message.h"
#include "api/sigv4.h"
#include "core/status.h"

namespace signet::api {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port (see HttpServer::port())
  std::string tls_certificate_file;  // PEM; with tls_key_file, serve HTTPS
  std::string tls_key_file;
  size_t max_body_bytes = size_t{300} * 1024 * 1024;  // a 250 MB package plus framing
  int worker_threads = 64;
  size_t keep_alive_max_requests = 100000;
  // An idle keep-alive connection holds a worker; it is closed after this long (sooner when
  // another connection waits for the worker or the server stops).
  std::chrono::seconds keep_alive_timeout{5};
  std::chrono::seconds io_timeout{120};
  // Serve each connection through api/http_connection.h (one send, or one SSL_write, per
  // response, no poll per read/write, addresses looked up once per connection, the worker
  // hand-over above). false: the library's own loop, byte-for-byte the same responses, without
  // the hand-over; kept to compare against.
  bool buffered_connections = true;
};

using HttpHandler = std::function<ApiResponse(const HttpRequestView& request)>;

class HttpServer {
 public:
  // Binds the listening socket (Unavailable if the address is in use or TLS files are bad).
  static Result<std::unique_ptr<HttpServer>> Bind(const HttpServerOptions& options,
                                                  HttpHandler handler);
  ~HttpServer();

  int port() const { return port_; }
  bool tls() const { return tls_; }
  // Serves until Stop(); returns when the listener has closed and in-flight requests finished.
  Status Serve();
  void Stop();

 private:
  struct Impl;
  HttpServer(std::unique_ptr<Impl> impl, int port, bool tls);
  std::unique_ptr<Impl> impl_;
  int port_;
  bool tls_;
};

}  // namespace signet::api
