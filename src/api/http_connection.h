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
// Not thread-safe: one worker thread owns a connection's stream. Does not own the socket.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <sys/types.h>

namespace signet::api {

// A timeout as the library keeps it (seconds and microseconds), for HttpConnectionStream.
std::chrono::milliseconds HttpTimeout(time_t seconds, time_t microseconds);

class HttpConnectionStream final : public httplib::Stream {
 public:
  // Output beyond this is sent at once instead of waiting for the end of the request.
  static constexpr size_t kMaxBuffered = size_t{64} * 1024;
  // recv size for reads smaller than this (larger reads go straight to the caller's buffer).
  static constexpr size_t kReadBuffer = size_t{64} * 1024;

  HttpConnectionStream(int sock, std::chrono::milliseconds read_timeout,
                       std::chrono::milliseconds write_timeout);
  HttpConnectionStream(const HttpConnectionStream&) = delete;
  HttpConnectionStream& operator=(const HttpConnectionStream&) = delete;

  enum class Wait {
    kReady,     // bytes of the next request arrived (or EOF, which the request parser then sees)
    kTimedOut,  // nothing arrived within the wait
    kFailed,    // the connection failed
  };
  // Waits up to `idle` for the next request and reads what has arrived of it. Buffered input
  // counts as arrived. Call after Flush: it does not send.
  Wait WaitForRequest(std::chrono::milliseconds idle);
  // Sends everything buffered. False if the connection failed or a send timed out; after a
  // failure every write and flush fails.
  bool Flush();
  bool failed() const { return failed_; }

  // httplib::Stream.
  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return sock_; }

 private:
  struct Address {
    bool looked_up = false;
    std::string ip;
    int port = -1;
  };

  char* InputBuffer();  // in_, allocated on first use
  ssize_t Receive(char* ptr, size_t size);
  // Sends `head` then `tail` completely (one sendmsg when the socket takes it all).
  bool SendAll(const char* head, size_t head_size, const char* tail, size_t tail_size);
  // poll() for `events` up to `timeout`, retried across signals; the poll result.
  int Poll(short events, std::chrono::milliseconds timeout, short* revents) const;

  const int sock_;
  const std::chrono::milliseconds read_timeout_;
  const std::chrono::milliseconds write_timeout_;
  std::unique_ptr<char[]> in_;  // kReadBuffer bytes, once the first read needs them
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  std::string out_;
  bool failed_ = false;
  std::chrono::milliseconds receive_timeout_{-1};  // SO_RCVTIMEO as last set by us
  mutable Address remote_;
  mutable Address local_;
};

}  // namespace signet::api
