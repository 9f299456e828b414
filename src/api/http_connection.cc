#include "api/http_connection.h"

#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>

namespace signet::api {
namespace {

using std::chrono::milliseconds;

// As the library formats REMOTE_ADDR/LOCAL_ADDR: numeric host, port in host order; ip and port
// stay as they were for a family other than IPv4/IPv6 or when the lookup fails.
template <typename Lookup>
void LookUpAddress(int sock, Lookup lookup, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t addr_len = sizeof(addr);
  if (lookup(sock, reinterpret_cast<sockaddr*>(&addr), &addr_len) != 0) return;
  int found_port;
  if (addr.ss_family == AF_INET) {
    found_port = ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    found_port = ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  } else {
    return;
  }
  std::array<char, NI_MAXHOST> host{};
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), addr_len, host.data(),
                  static_cast<socklen_t>(host.size()), nullptr, 0, NI_NUMERICHOST) != 0) {
    return;
  }
  ip = host.data();
  port = found_port;
}

}  // namespace

milliseconds HttpTimeout(time_t seconds, time_t microseconds) {
  return std::chrono::duration_cast<milliseconds>(std::chrono::seconds(seconds) +
                                                  std::chrono::microseconds(microseconds));
}

ConnectionStream::ConnectionStream(int sock, milliseconds read_timeout, milliseconds write_timeout)
    : sock_(sock), read_timeout_(read_timeout), write_timeout_(write_timeout) {}

int ConnectionStream::Poll(short events, milliseconds timeout, short* revents) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  pollfd pfd{sock_, events, 0};
  for (;;) {
    const auto left =
        std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    const int wait = static_cast<int>(std::clamp<milliseconds::rep>(left.count(), 0, INT_MAX));
    const int n = ::poll(&pfd, 1, wait);
    if (n < 0 && errno == EINTR) continue;
    if (revents != nullptr) *revents = pfd.revents;
    return n;
  }
}

// As the library's: writable within the write timeout and the peer has not gone away.
bool ConnectionStream::is_writable() const {
  if (failed_) return false;
  short revents = 0;
  if (Poll(POLLOUT | POLLRDHUP, write_timeout_, &revents) <= 0) return false;
  return (revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) == 0;
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  if (failed_) return -1;
  if (out_.size() + size <= kMaxBuffered) {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  const bool sent = Send(out_.data(), out_.size(), ptr, size);
  out_.clear();
  return sent ? static_cast<ssize_t>(size) : -1;
}

bool ConnectionStream::Flush() {
  if (failed_) return false;
  if (out_.empty()) return true;
  const bool sent = Send(out_.data(), out_.size(), nullptr, 0);
  out_.clear();
  return sent;
}

void ConnectionStream::CopyAddress(Address& address, Lookup lookup, std::string& ip,
                                   int& port) const {
  if (!address.looked_up) {
    address.looked_up = true;
    LookUpAddress(sock_, lookup, address.ip, address.port);
  }
  if (address.port >= 0) {
    ip = address.ip;
    port = address.port;
  }
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  CopyAddress(remote_, ::getpeername, ip, port);
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
  CopyAddress(local_, ::getsockname, ip, port);
}

HttpConnectionStream::HttpConnectionStream(int sock, milliseconds read_timeout,
                                           milliseconds write_timeout)
    : ConnectionStream(sock, read_timeout, write_timeout) {}

HttpConnectionStream::Wait HttpConnectionStream::WaitForRequest(milliseconds idle) {
  if (in_begin_ < in_end_) return Wait::kReady;
  auto poll_once = [&] {
    const int n = Poll(POLLIN, idle, nullptr);
    return n > 0 ? Wait::kReady : n == 0 ? Wait::kTimedOut : Wait::kFailed;
  };
  if (idle.count() <= 0) return poll_once();
  // One blocking recv bounded by SO_RCVTIMEO (set when the wait changes) instead of a poll and
  // then a recv. Reads within a request never block on it (MSG_DONTWAIT, then poll).
  if (receive_timeout_ != idle) {
    const timeval tv{static_cast<time_t>(idle.count() / 1000),
                     static_cast<suseconds_t>(idle.count() % 1000 * 1000)};
    if (::setsockopt(sock_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0) return poll_once();
    receive_timeout_ = idle;
  }
  char* const buffer = InputBuffer();
  for (;;) {
    const ssize_t n = ::recv(sock_, buffer, kReadBuffer, 0);
    if (n > 0) {
      in_begin_ = 0;
      in_end_ = static_cast<size_t>(n);
      return Wait::kReady;
    }
    if (n == 0) return Wait::kReady;  // EOF: the parser sees it and the connection ends
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? Wait::kTimedOut : Wait::kFailed;
  }
}

bool HttpConnectionStream::is_readable() const {
  return in_begin_ < in_end_ || Poll(POLLIN, read_timeout_, nullptr) > 0;
}

char* HttpConnectionStream::InputBuffer() {
  // Not zero-filled: a client's stream lives for one request, and recv overwrites what it reads.
  if (!in_) in_ = std::make_unique_for_overwrite<char[]>(kReadBuffer);
  return in_.get();
}

ssize_t HttpConnectionStream::Receive(char* ptr, size_t size) {
  for (;;) {
    const ssize_t n = ::recv(sock_, ptr, size, MSG_DONTWAIT);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if ((errno != EAGAIN && errno != EWOULDBLOCK) || Poll(POLLIN, read_timeout_, nullptr) <= 0) {
      // Failed or timed out within a request: what is left of it can no longer be told from a
      // next request, so the connection answers nothing more (the library would answer 400 and
      // go on reading the rest as a new request).
      failed_ = true;
      return -1;
    }
  }
}

ssize_t HttpConnectionStream::read(char* ptr, size_t size) {
  if (failed_) return -1;
  if (in_begin_ == in_end_) {
    // About to wait for the peer: what we wrote must be on its way first (100 Continue).
    if (!Flush()) return -1;
    if (size >= kReadBuffer) return Receive(ptr, size);
    const ssize_t n = Receive(InputBuffer(), kReadBuffer);
    if (n <= 0) return n;
    in_begin_ = 0;
    in_end_ = static_cast<size_t>(n);
  }
  const size_t n = std::min(size, in_end_ - in_begin_);
  std::memcpy(ptr, in_.get() + in_begin_, n);
  in_begin_ += n;
  return static_cast<ssize_t>(n);
}

bool HttpConnectionStream::Send(const char* head, size_t head_size, const char* tail,
                                size_t tail_size) {
  iovec iov[2] = {{const_cast<char*>(head), head_size}, {const_cast<char*>(tail), tail_size}};
  iovec* next = head_size > 0 ? iov : iov + 1;
  const iovec* const end = tail_size > 0 ? iov + 2 : iov + 1;
  while (next < end) {
    msghdr msg{};
    msg.msg_iov = next;
    msg.msg_iovlen = static_cast<size_t>(end - next);
    const ssize_t n = ::sendmsg(sock_, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      short revents = 0;
      if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
          Poll(POLLOUT, write_timeout_, &revents) > 0 && (revents & POLLOUT) != 0) {
        continue;
      }
      failed_ = true;
      return false;
    }
    size_t done = static_cast<size_t>(n);
    while (next < end && done >= next->iov_len) {
      done -= next->iov_len;
      ++next;
    }
    if (next < end) {
      next->iov_base = static_cast<char*>(next->iov_base) + done;
      next->iov_len -= done;
    }
  }
  return true;
}

std::unique_ptr<TlsConnectionStream> TlsConnectionStream::Accept(SSL_CTX* context, int sock,
                                                                 milliseconds read_timeout,
                                                                 milliseconds write_timeout) {
  const int flags = ::fcntl(sock, F_GETFL);
  if (flags < 0 || ::fcntl(sock, F_SETFL, flags | O_NONBLOCK) != 0) return nullptr;
  ERR_clear_error();
  SSL* ssl = SSL_new(context);
  if (ssl == nullptr || SSL_set_fd(ssl, sock) != 1) {
    SSL_free(ssl);
    ERR_clear_error();
    return nullptr;
  }
  std::unique_ptr<TlsConnectionStream> stream(
      new TlsConnectionStream(ssl, sock, read_timeout, write_timeout));
  // The whole handshake within the read timeout, as the library's.
  const auto deadline = std::chrono::steady_clock::now() + read_timeout;
  for (;;) {
    const int done = SSL_accept(ssl);
    if (done == 1) return stream;
    const auto left =
        std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !stream->Retry(SSL_get_error(ssl, done), left)) {
      ERR_clear_error();
      return nullptr;
    }
  }
}

TlsConnectionStream::TlsConnectionStream(SSL* ssl, int sock, milliseconds read_timeout,
                                         milliseconds write_timeout)
    : ConnectionStream(sock, read_timeout, write_timeout), ssl_(ssl) {}

TlsConnectionStream::~TlsConnectionStream() { SSL_free(ssl_); }

bool TlsConnectionStream::Retry(int ssl_error, milliseconds timeout) const {
  short events;
  if (ssl_error == SSL_ERROR_WANT_READ) {
    events = POLLIN;
  } else if (ssl_error == SSL_ERROR_WANT_WRITE) {
    events = POLLOUT;
  } else {
    return false;
  }
  return Poll(events, timeout, nullptr) > 0;
}

TlsConnectionStream::Wait TlsConnectionStream::WaitForRequest(milliseconds idle) {
  if (failed_) return Wait::kFailed;
  if (SSL_has_pending(ssl_) == 1) return Wait::kReady;
  const int n = Poll(POLLIN, idle, nullptr);
  return n > 0 ? Wait::kReady : n == 0 ? Wait::kTimedOut : Wait::kFailed;
}

bool TlsConnectionStream::is_readable() const {
  return SSL_has_pending(ssl_) == 1 || Poll(POLLIN, read_timeout_, nullptr) > 0;
}

ssize_t TlsConnectionStream::read(char* ptr, size_t size) {
  if (failed_) return -1;
  // About to wait for the peer: what we wrote must be on its way first (100 Continue).
  if (SSL_pending(ssl_) == 0 && !Flush()) return -1;
  for (;;) {
    size_t n = 0;
    const int done = SSL_read_ex(ssl_, ptr, size, &n);
    if (done == 1) return static_cast<ssize_t>(n);
    const int error = SSL_get_error(ssl_, done);
    if (error == SSL_ERROR_ZERO_RETURN) return 0;  // the peer's close_notify
    if (!Retry(error, read_timeout_)) {
      ERR_clear_error();
      failed_ = true;
      return -1;
    }
  }
}

bool TlsConnectionStream::Send(const char* head, size_t head_size, const char* tail,
                               size_t tail_size) {
  return WriteAll(head, head_size) && WriteAll(tail, tail_size);
}

bool TlsConnectionStream::WriteAll(const char* data, size_t size) {
  // Without SSL_MODE_ENABLE_PARTIAL_WRITE, SSL_write_ex succeeds only once all is written, and
  // one that wants to wait is retried with the same arguments.
  if (size == 0) return true;
  for (;;) {
    size_t n = 0;
    const int done = SSL_write_ex(ssl_, data, size, &n);
    if (done == 1) return true;
    if (!Retry(SSL_get_error(ssl_, done), write_timeout_)) {
      ERR_clear_error();
      failed_ = true;
      return false;
    }
  }
}

void TlsConnectionStream::Shutdown() {
  if (!failed_ && SSL_shutdown(ssl_) < 0) ERR_clear_error();
}

}  // namespace signet::api
