#include "cli/progress_bar.h"

#include <unistd.h>

#include <cstdio>
#include <ostream>

namespace signet::cli {
namespace {

constexpr int kWidth = 30;
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

std::string Megabytes(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

}  // namespace

bool ProgressBar::StderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

void ProgressBar::Update(uint64_t done, uint64_t total) {
  done_ = done;
  total_ = total;
  const auto now = std::chrono::steady_clock::now();
  if (done < total && drawn_ && now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  Draw();
}

void ProgressBar::SetLabel(std::string label) {
  label_ = std::move(label);
  Draw();
}

void ProgressBar::Draw() {
  if (!enabled_) return;
  const int filled =
      total_ == 0 ? kWidth : static_cast<int>(static_cast<double>(done_) / total_ * kWidth);
  const int percent = total_ == 0 ? 100 : static_cast<int>(done_ * 100 / total_);
  out_ << "\r" << label_ << " [" << std::string(filled, '#') << std::string(kWidth - filled, ' ')
       << "] " << percent << "% " << Megabytes(done_) << " / " << Megabytes(total_) << "\x1b[K"
       << std::flush;
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (enabled_ && drawn_) out_ << "\n" << std::flush;
  drawn_ = false;
  enabled_ = false;
}

}  // namespace signet::cli
