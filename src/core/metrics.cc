#include "core/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <utility>

namespace signet::metrics {
namespace {

[[noreturn]] void Bug(const std::string& message) {
  std::fprintf(stderr, "signet metrics: %s\n", message.c_str());
  std::abort();
}

bool IsValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                        (allow_colon && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

void CheckNames(std::string_view name, const std::vector<std::string>& label_names) {
  if (!IsValidName(name, true)) Bug("invalid metric name '" + std::string(name) + "'");
  for (const std::string& l : label_names) {
    if (!IsValidName(l, false) || l.rfind("__", 0) == 0 || l == "le") {
      Bug("invalid label name '" + l + "' of " + std::string(name));
    }
  }
}

void CheckArity(const std::string& name, const std::vector<std::string>& label_names,
                size_t labels) {
  if (labels != label_names.size()) {
    Bug(name + " takes " + std::to_string(label_names.size()) + " label values, got " +
        std::to_string(labels));
  }
}

// The series of `labels` (LabelValues or LabelViews) in a family's map, made by fresh() if new.
// Only a new series copies its labels; once the family is full, new tuples share the overflow
// series. Requires the family's mutex.
template <typename Map, typename Labels, typename Fresh>
typename Map::mapped_type& SeriesIn(Map& series, const Labels& labels, Fresh fresh) {
  auto it = series.find(labels);
  if (it != series.end()) return it->second;
  LabelValues key = series.size() < kMaxSeriesPerFamily
                        ? LabelValues(labels.begin(), labels.end())
                        : LabelValues(labels.size(), "_overflow_");
  return series.try_emplace(std::move(key), fresh()).first->second;
}

std::string FormatDouble(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) return "NaN";
  return std::string(buf, end);
}

void Header(std::string& out, const std::string& name, const std::string& help,
            std::string_view type) {
  out += "# HELP " + name + " " + EscapeHelp(help) + "\n";
  out += "# TYPE " + name + " ";
  out += type;
  out += "\n";
}

// {a="x",b="y"} with an optional extra label (le) last; empty when there are no labels.
std::string LabelSet(const std::vector<std::string>& names, const LabelValues& values,
                     std::string_view extra_name = {}, std::string_view extra_value = {}) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    out += out.empty() ? "{" : ",";
    out += names[i] + "=\"" + EscapeLabelValue(values[i]) + "\"";
  }
  if (!extra_name.empty()) {
    out += out.empty() ? "{" : ",";
    out += std::string(extra_name) + "=\"" + std::string(extra_value) + "\"";
  }
  if (!out.empty()) out += "}";
  return out;
}

// One integer sample line: NAME{labels} VALUE.
void AppendSample(std::string& out, const std::string& name,
                  const std::vector<std::string>& label_names, const LabelValues& labels,
                  uint64_t value) {
  out += name + LabelSet(label_names, labels) + " " + std::to_string(value) + "\n";
}

}  // namespace

// std::string and std::string_view order alike (char_traits), so both forms of a tuple sort
// to the same place.
bool LabelLess::operator()(const LabelValues& a, LabelViews b) const {
  return std::lexicographical_compare(
      a.begin(), a.end(), b.begin(), b.end(),
      [](std::string_view x, std::string_view y) { return x < y; });
}

bool LabelLess::operator()(LabelViews a, const LabelValues& b) const {
  return std::lexicographical_compare(
      a.begin(), a.end(), b.begin(), b.end(),
      [](std::string_view x, std::string_view y) { return x < y; });
}

namespace {

// The exposition format's escapes: backslash and newline always, the double quote in label values.
std::string Escape(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) { return Escape(value, true); }

std::string EscapeHelp(std::string_view help) { return Escape(help, false); }

// --- Counters ------------------------------------------------------------------------------------

CounterFamily::CounterFamily(std::string name, std::string help,
                             std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

void CounterFamily::Add(const LabelValues& labels, uint64_t amount) {
  CheckArity(name_, label_names_, labels.size());
  std::lock_guard<std::mutex> lock(mu_);
  SeriesIn(series_, labels, [] { return uint64_t{0}; }) += amount;
}

void CounterFamily::Add(LabelViews labels, uint64_t amount) {
  CheckArity(name_, label_names_, labels.size());
  std::lock_guard<std::mutex> lock(mu_);
  SeriesIn(series_, labels, [] { return uint64_t{0}; }) += amount;
}

uint64_t CounterFamily::Value(const LabelValues& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0 : it->second;
}

void CounterFamily::Render(std::string& out) const {
  Header(out, name_, help_, "counter");
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [labels, value] : series_) {
    AppendSample(out, name_, label_names_, labels, value);
  }
}

// --- Histograms ----------------------------------------------------------------------------------

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> label_names, std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      bounds_(std::move(bounds)) {}

HistogramFamily::Series HistogramFamily::FreshSeries() const {
  Series fresh;
  fresh.buckets.assign(bounds_.size() + 1, 0);
  return fresh;
}

void HistogramFamily::Record(Series& series, double value) const {
  const size_t bucket =
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();  // le: v <= bound
  ++series.buckets[bucket];
  series.sum += value;
  ++series.count;
}

void HistogramFamily::Observe(const LabelValues& labels, double value) {
  CheckArity(name_, label_names_, labels.size());
  if (std::isnan(value)) return;
  std::lock_guard<std::mutex> lock(mu_);
  Record(SeriesIn(series_, labels, [this] { return FreshSeries(); }), value);
}

void HistogramFamily::Observe(LabelViews labels, double value) {
  CheckArity(name_, label_names_, labels.size());
  if (std::isnan(value)) return;
  std::lock_guard<std::mutex> lock(mu_);
  Record(SeriesIn(series_, labels, [this] { return FreshSeries(); }), value);
}

uint64_t HistogramFamily::Count(const LabelValues& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0 : it->second.count;
}

void HistogramFamily::Render(std::string& out) const {
  Header(out, name_, help_, "histogram");
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [labels, s] : series_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += s.buckets[i];
      const std::string le = i < bounds_.size() ? FormatDouble(bounds_[i]) : "+Inf";
      out += name_ + "_bucket" + LabelSet(label_names_, labels, "le", le) + " " +
             std::to_string(cumulative) + "\n";
    }
    out += name_ + "_sum" + LabelSet(label_names_, labels) + " " + FormatDouble(s.sum) + "\n";
    out += name_ + "_count" + LabelSet(label_names_, labels) + " " + std::to_string(s.count) +
           "\n";
  }
}

// --- Registry ------------------------------------------------------------------------------------

CounterFamily& Registry::Counter(std::string_view name, std::string_view help,
                                 std::vector<std::string> label_names) {
  CheckNames(name, label_names);
  std::lock_guard<std::mutex> lock(mu_);
  if (histograms_.count(name) > 0) Bug(std::string(name) + " is registered as a histogram");
  if (readers_.count(name) > 0) Bug(std::string(name) + " is registered as a reader");
  auto it = counters_.find(name);
  if (it != counters_.end()) {
    if (it->second->label_names_ != label_names) {
      Bug(std::string(name) + " is registered with other labels");
    }
    return *it->second;
  }
  std::unique_ptr<CounterFamily> family(
      new CounterFamily(std::string(name), std::string(help), std::move(label_names)));
  return *counters_.emplace(std::string(name), std::move(family)).first->second;
}

HistogramFamily& Registry::Histogram(std::string_view name, std::string_view help,
                                     std::vector<std::string> label_names,
                                     std::vector<double> bounds) {
  CheckNames(name, label_names);
  if (bounds.empty() || !std::is_sorted(bounds.begin(), bounds.end()) ||
      std::adjacent_find(bounds.begin(), bounds.end()) != bounds.end() ||
      std::any_of(bounds.begin(), bounds.end(), [](double b) { return !std::isfinite(b); })) {
    Bug(std::string(name) + " needs finite, strictly ascending bucket bounds");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (counters_.count(name) > 0) Bug(std::string(name) + " is registered as a counter");
  if (readers_.count(name) > 0) Bug(std::string(name) + " is registered as a reader");
  auto it = histograms_.find(name);
  if (it != histograms_.end()) {
    if (it->second->label_names_ != label_names || it->second->bounds_ != bounds) {
      Bug(std::string(name) + " is registered with other labels or buckets");
    }
    return *it->second;
  }
  std::unique_ptr<HistogramFamily> family(new HistogramFamily(
      std::string(name), std::string(help), std::move(label_names), std::move(bounds)));
  return *histograms_.emplace(std::string(name), std::move(family)).first->second;
}

ReaderRegistration Registry::Reader(std::string_view name, std::string_view help, ReaderType type,
                                    std::vector<std::string> label_names, SeriesReader read) {
  CheckNames(name, label_names);
  if (!read) Bug(std::string(name) + " needs a reader");
  std::lock_guard<std::mutex> lock(mu_);
  if (counters_.count(name) > 0) Bug(std::string(name) + " is registered as a counter");
  if (histograms_.count(name) > 0) Bug(std::string(name) + " is registered as a histogram");
  const uint64_t id = next_reader_id_++;
  readers_.insert_or_assign(std::string(name), ReadFamily{id, std::string(help), type,
                                                          std::move(label_names), std::move(read)});
  return ReaderRegistration(this, std::string(name), id);
}

void Registry::RemoveReader(const std::string& name, uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = readers_.find(name);
  if (it != readers_.end() && it->second.id == id) readers_.erase(it);
}

ReaderRegistration& ReaderRegistration::operator=(ReaderRegistration&& other) noexcept {
  if (this != &other) {
    reset();
    registry_ = std::exchange(other.registry_, nullptr);
    name_ = std::move(other.name_);
    id_ = other.id_;
  }
  return *this;
}

void ReaderRegistration::reset() {
  if (registry_ != nullptr) std::exchange(registry_, nullptr)->RemoveReader(name_, id_);
}

std::string Registry::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  // Every family (counter, histogram or reader) in name order.
  std::vector<std::pair<std::string_view, std::function<void(std::string&)>>> families;
  families.reserve(counters_.size() + histograms_.size() + readers_.size());
  for (const auto& [name, family] : counters_) {
    families.emplace_back(name, [f = family.get()](std::string& out) { f->Render(out); });
  }
  for (const auto& [name, family] : histograms_) {
    families.emplace_back(name, [f = family.get()](std::string& out) { f->Render(out); });
  }
  for (const auto& [name, family] : readers_) {
    families.emplace_back(name, [&name, &family](std::string& out) {
      Header(out, name, family.help, family.type == ReaderType::kCounter ? "counter" : "gauge");
      ReadSeries series = family.read();
      std::sort(series.begin(), series.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      for (const auto& [labels, value] : series) {
        CheckArity(name, family.label_names, labels.size());
        AppendSample(out, name, family.label_names, labels, value);
      }
    });
  }
  std::sort(families.begin(), families.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [name, render] : families) render(out);
  return out;
}

Registry& DefaultMetrics() {
  static Registry* registry = new Registry();  // never destroyed: recorded into until exit
  return *registry;
}

}  // namespace signet::metrics
