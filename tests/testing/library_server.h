// cpp-httplib's own server on a free loopback port, serving from a thread: the scripted fakes of
// a registry that the OCI and image tests talk to.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

namespace signet::test {

class LibraryServer {
 public:
  LibraryServer() = default;
  LibraryServer(const LibraryServer&) = delete;
  LibraryServer& operator=(const LibraryServer&) = delete;
  ~LibraryServer() { Stop(); }

  // Register handlers here (before Start(), or before the first request reaches them).
  httplib::Server& server() { return server_; }

  // Listens on a free loopback port and serves until destroyed. Returns once the library is
  // listening: its stop() does nothing before then, and a test that ended first would wait in
  // the destructor for ever.
  void Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) {
      ADD_FAILURE() << "cannot bind a loopback port";
      return;
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!server_.is_running()) ADD_FAILURE() << "the library did not begin to listen";
  }

  // Stops serving once the requests under way are answered. A derived fake whose handlers use
  // its own members calls this in its destructor, before those members go.
  void Stop() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }

  // "127.0.0.1:PORT".
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace signet::test
