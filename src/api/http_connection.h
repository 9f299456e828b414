// HttpConnectionStream: cpp-httplib's Stream over one accepted TCP connection, for its whole
// keep-alive life, built to spend as few system calls per request as the protocol allows. The
// client (AwsClient) uses one per request too, so that a request's head and body leave together.
//
// The library's own stream (0.11.4) is made anew for every request and polls before every
// recv and send (a send polls twice: writable, then "still alive"), sends the response head and
// body with separate send calls (two TCP segments, each paying the peer's receive path), and
// asks the kernel for both socket addresses on every request. This stream instead:
//   - buffers what the library writes and sends it when the request is done (Flush), when the
//     buffer would exceed kMaxBuffered (large bodies), or before it must wait for the peer (a
//     read that finds no buffered input), so nothing written is ever held while we wait and
//     "100 Continue" still goes out before the body is read; TCP_NODELAY semantics are kept:
//     nothing is delayed past the end of the request that wrote it;
//   - waits for the next request with one blocking recv (SO_RCVTIMEO = the keep-alive timeout)
//     instead of poll-then-recv, reads through a per-connection buffer and keeps bytes of a
//     pipelined next request;
//   - within a request, enforces the read and write timeouts with poll only when recv/send
//     would block;
//   - looks up the peer's and its own address once per connection.
// The bytes on the wire are the library's: only how they are grouped into send calls differs.
//
// TlsConnectionStream is the same over TLS (HTTPS: the admission webhook, the API with a
// certificate): it completes the server's handshake itself, so that a TLS connection too is
// served by signetd's connection loop (api/http_server.h), and writes each response as one
// SSL_write (its TLS records leave together) when the request is done.
//
// Not thread-safe: one worker thread owns a connection's stream. Does not own the socket.
#pragma once

#include <httplib.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace signet::api {

// A timeout as the library keeps it (seconds and microseconds), for the streams below.
std::chrono::milliseconds HttpTimeout(time_t seconds, time_t microseconds);

// What the two streams below share: the socket and its timeouts, output buffered until the
// request is done (or until more than kMaxBuffered waits), the failed state, the addresses
// looked up once, and the library's Stream calls that do not depend on the transport. Each
// stream supplies how bytes leave (Send) and how they arrive.
class ConnectionStream : public httplib::Stream {
 public:
  // Output beyond this is sent at once instead of waiting for the end of the request.
  static constexpr size_t kMaxBuffered = size_t{64} * 1024;

  // What waiting for the next request found.
  enum class Wait {
    kReady,     // bytes of the next request arrived (or EOF, which the request parser then sees)
    kTimedOut,  // nothing arrived within the wait
    kFailed,    // the connection failed
  };

  ConnectionStream(const ConnectionStream&) = delete;
  ConnectionStream& operator=(const ConnectionStream&) = delete;

  // Sends everything buffered. False if the connection failed or a send timed out.
  bool Flush();
  // A send, or a read within a request, failed or timed out: every read, write and flush fails
  // from then on, so that nothing is answered on a connection whose request was cut.
  bool failed() const { return failed_; }

  // httplib::Stream.
  bool is_writable() const override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return sock_; }

 protected:
  ConnectionStream(int sock, std::chrono::milliseconds read_timeout,
                   std::chrono::milliseconds write_timeout);
  ~ConnectionStream() override = default;

  // Sends `head` then `tail` completely; on failure (or timeout) sets failed_ and returns false.
  virtual bool Send(const char* head, size_t head_size, const char* tail, size_t tail_size) = 0;
  // poll() for `events` up to `timeout`, retried across signals; the poll result.
  int Poll(short events, std::chrono::milliseconds timeout, short* revents) const;

  const int sock_;
  const std::chrono::milliseconds read_timeout_;
  const std::chrono::milliseconds write_timeout_;
  bool failed_ = false;

 private:
  struct Address {
    bool looked_up = false;
    std::string ip;
    int port = -1;
  };
  using Lookup = int (*)(int, sockaddr*, socklen_t*);  // getpeername or getsockname
  // As the library formats REMOTE_ADDR and LOCAL_ADDR (numeric host; ip and port stay as they
  // were if the lookup fails), looked up on first use.
  void CopyAddress(Address& address, Lookup lookup, std::string& ip, int& port) const;

  std::string out_;
  mutable Address remote_;
  mutable Address local_;
};

class HttpConnectionStream final : public ConnectionStream {
 public:
  // recv size for reads smaller than this (larger reads go straight to the caller's buffer).
  static constexpr size_t kReadBuffer = size_t{64} * 1024;

  HttpConnectionStream(int sock, std::chrono::milliseconds read_timeout,
                       std::chrono::milliseconds write_timeout);

  // Waits up to `idle` for the next request and reads what has arrived of it. Buffered input
  // counts as arrived. Call after Flush: it does not send.
  Wait WaitForRequest(std::chrono::milliseconds idle);

  // httplib::Stream.
  bool is_readable() const override;
  ssize_t read(char* ptr, size_t size) override;

 private:
  char* InputBuffer();  // in_, allocated on first use
  ssize_t Receive(char* ptr, size_t size);
  // One sendmsg when the socket takes it all.
  bool Send(const char* head, size_t head_size, const char* tail, size_t tail_size) override;

  std::unique_ptr<char[]> in_;  // kReadBuffer bytes, once the first read needs them
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  std::chrono::milliseconds receive_timeout_{-1};  // SO_RCVTIMEO as last set by us
};

class TlsConnectionStream final : public ConnectionStream {
 public:
  // The server's side of the handshake on the accepted `sock`, which is made non-blocking;
  // null if the handshake fails or takes longer than `read_timeout`. Leaves OpenSSL's error
  // queue of this thread empty, whatever happens.
  static std::unique_ptr<TlsConnectionStream> Accept(SSL_CTX* context, int sock,
                                                     std::chrono::milliseconds read_timeout,
                                                     std::chrono::milliseconds write_timeout);
  ~TlsConnectionStream() override;

  // As HttpConnectionStream's: decrypted or received bytes not yet read count as arrived.
  Wait WaitForRequest(std::chrono::milliseconds idle);
  // Ends the session with a close_notify, without waiting for the peer's, unless it failed.
  void Shutdown();

  // httplib::Stream.
  bool is_readable() const override;
  ssize_t read(char* ptr, size_t size) override;

 private:
  TlsConnectionStream(SSL* ssl, int sock, std::chrono::milliseconds read_timeout,
                      std::chrono::milliseconds write_timeout);
  // After an SSL call failed with `ssl_error`: waits up to `timeout` for the socket to become
  // what the call wants (readable or writable); false if it is another error or times out.
  bool Retry(int ssl_error, std::chrono::milliseconds timeout) const;
  // Each part with one SSL_write_ex.
  bool Send(const char* head, size_t head_size, const char* tail, size_t tail_size) override;
  bool WriteAll(const char* data, size_t size);

  SSL* const ssl_;
};

}  // namespace signet::api
