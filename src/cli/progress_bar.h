// ProgressBar: one line on a terminal that shows how much of a transfer is done.
//
// Redraws at most every 100 ms (and at 100%), with \r, so that a 250 MB upload does not flood
// the terminal; Finish() ends the line. Callers decide whether to show one at all (a terminal,
// a large enough transfer): a disabled bar prints nothing. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>

namespace signet::cli {

class ProgressBar {
 public:
  ProgressBar(std::ostream& out, std::string label, bool enabled)
      : out_(out), label_(std::move(label)), enabled_(enabled) {}
  ~ProgressBar() { Finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void Update(uint64_t done, uint64_t total);
  // Replaces the bar's label (e.g. "uploading" -> "signing") and redraws.
  void SetLabel(std::string label);
  void Finish();

  // Whether stderr is a terminal: the usual condition for showing a bar.
  static bool StderrIsTerminal();

 private:
  void Draw();

  std::ostream& out_;
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  uint64_t done_ = 0;
  uint64_t total_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace signet::cli
