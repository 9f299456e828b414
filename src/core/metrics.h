// Metrics: counters and histograms with labels, rendered in the Prometheus text exposition
// format 0.0.4 (what signetd serves on /metrics).
//
// Any module records into a Registry (usually DefaultMetrics(), the process-wide one that
// signetd serves; tests may build their own). A family is registered once by name with its
// label names; each distinct tuple of label values is one series. Label values must be bounded
// (operation names, platform ids, profile and environment names), never raw paths or ids: a
// family holds at most kMaxSeriesPerFamily series, and further tuples are counted in one series
// whose labels are all "_overflow_".
//
// Contract violations are bugs and abort: registering a name twice with another type, labels
// or buckets; recording with the wrong number of label values; an invalid metric or label name.
//
// Thread-safety: everything is safe to call from any thread. Families live as long as their
// Registry; references returned by Counter()/Histogram() stay valid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace signet::metrics {

inline constexpr size_t kMaxSeriesPerFamily = 10'000;

// Label values, in the order of the family's label names.
using LabelValues = std::vector<std::string>;
// The same as views: recording into a series that exists copies no label value.
using LabelViews = std::initializer_list<std::string_view>;

// Orders label tuples lexicographically, LabelValues and LabelViews alike.
struct LabelLess {
  using is_transparent = void;
  bool operator()(const LabelValues& a, const LabelValues& b) const { return a < b; }
  bool operator()(const LabelValues& a, LabelViews b) const;
  bool operator()(LabelViews a, const LabelValues& b) const;
};

// A monotonically increasing integer count per label tuple (exact up to 2^53 when scraped).
class CounterFamily {
 public:
  void Add(const LabelValues& labels, uint64_t amount = 1);
  void Add(LabelViews labels, uint64_t amount = 1);
  uint64_t Value(const LabelValues& labels) const;  // 0 for a tuple never recorded

 private:
  friend class Registry;
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names);
  void Render(std::string& out) const;

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  mutable std::mutex mu_;
  std::map<LabelValues, uint64_t, LabelLess> series_;
};

// Observations counted into cumulative buckets (upper bounds, ascending; +Inf is implicit).
class HistogramFamily {
 public:
  void Observe(const LabelValues& labels, double value);
  void Observe(LabelViews labels, double value);
  uint64_t Count(const LabelValues& labels) const;

 private:
  friend class Registry;
  struct Series {
    std::vector<uint64_t> buckets;  // non-cumulative counts, one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> bounds);
  Series FreshSeries() const;  // all buckets zero
  void Record(Series& series, double value) const;
  void Render(std::string& out) const;

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<LabelValues, Series, LabelLess> series_;
};

// Series read when scraped from counts kept elsewhere (e.g. a store's own statistics) rather than
// recorded into the registry: every series with its value, label values in the family's order.
using ReadSeries = std::vector<std::pair<LabelValues, uint64_t>>;
using SeriesReader = std::function<ReadSeries()>;
enum class ReaderType { kCounter, kGauge };

class Registry;

// Keeps a reader registered (Registry::Reader) while it lives: whoever owns the counts holds
// it, so no scrape reads counts that are gone. Movable; destroying or resetting it removes the
// reader, unless a newer registration of the same name has replaced it.
class ReaderRegistration {
 public:
  ReaderRegistration() = default;
  ReaderRegistration(ReaderRegistration&& other) noexcept { *this = std::move(other); }
  ReaderRegistration& operator=(ReaderRegistration&& other) noexcept;
  ~ReaderRegistration() { reset(); }
  void reset();

 private:
  friend class Registry;
  ReaderRegistration(Registry* registry, std::string name, uint64_t id)
      : registry_(registry), name_(std::move(name)), id_(id) {}
  Registry* registry_ = nullptr;
  std::string name_;
  uint64_t id_ = 0;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Returns the family of this name, registering it on first use.
  CounterFamily& Counter(std::string_view name, std::string_view help,
                         std::vector<std::string> label_names);
  HistogramFamily& Histogram(std::string_view name, std::string_view help,
                             std::vector<std::string> label_names, std::vector<double> bounds);

  // Registers `read` as family `name`'s series until the returned registration is destroyed.
  // A newer registration of the name replaces the reader (and its help, type and labels). The
  // reader runs at each Render, under the registry's lock: it must be quick, thread-safe, and
  // must not call the registry.
  [[nodiscard]] ReaderRegistration Reader(std::string_view name, std::string_view help,
                                          ReaderType type, std::vector<std::string> label_names,
                                          SeriesReader read);

  // Every family, ordered by name, in the text exposition format 0.0.4 (Content-Type
  // kExpositionContentType). A family with no series yet shows its HELP and TYPE only.
  std::string Render() const;

 private:
  friend class ReaderRegistration;
  struct ReadFamily {
    uint64_t id;
    std::string help;
    ReaderType type;
    std::vector<std::string> label_names;
    SeriesReader read;
  };
  void RemoveReader(const std::string& name, uint64_t id);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<CounterFamily>, std::less<>> counters_;
  std::map<std::string, std::unique_ptr<HistogramFamily>, std::less<>> histograms_;
  std::map<std::string, ReadFamily, std::less<>> readers_;
  uint64_t next_reader_id_ = 1;
};

inline constexpr std::string_view kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

// The process-wide registry signetd serves.
Registry& DefaultMetrics();

// Label value and HELP escaping of the exposition format (exposed for tests).
std::string EscapeLabelValue(std::string_view value);
std::string EscapeHelp(std::string_view help);

}  // namespace signet::metrics
