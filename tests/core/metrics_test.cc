// The metrics registry and its Prometheus text exposition (format 0.0.4).
#include "core/metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace signet::metrics {
namespace {

TEST(MetricsTest, CountersRenderSortedWithEscapedLabels) {
  Registry registry;
  CounterFamily& c = registry.Counter("signet_test_total", "A test\\counter\nwith lines.",
                                      {"env", "op"});
  c.Add({"prod", "SignPayload"});
  c.Add({"prod", "SignPayload"}, 4);
  c.Add({"a\"b\\c\nd", "x"});
  EXPECT_EQ(c.Value({"prod", "SignPayload"}), 5u);
  EXPECT_EQ(c.Value({"dev", "SignPayload"}), 0u);
  registry.Counter("signet_empty_total", "No samples yet.", {"x"});
  EXPECT_EQ(&registry.Counter("signet_test_total", "ignored", {"env", "op"}), &c);
  EXPECT_EQ(registry.Render(),
            "# HELP signet_empty_total No samples yet.\n"
            "# TYPE signet_empty_total counter\n"
            "# HELP signet_test_total A test\\\\counter\\nwith lines.\n"
            "# TYPE signet_test_total counter\n"
            "signet_test_total{env=\"a\\\"b\\\\c\\nd\",op=\"x\"} 1\n"
            "signet_test_total{env=\"prod\",op=\"SignPayload\"} 5\n");
}

TEST(MetricsTest, HistogramsAreCumulativeWithSumAndCount) {
  Registry registry;
  HistogramFamily& h = registry.Histogram("signet_latency_seconds", "Latency.", {"p"},
                                          {0.01, 0.1, 1});
  h.Observe({"x"}, 0.01);  // le is inclusive
  h.Observe({"x"}, 0.5);
  h.Observe({"x"}, 7);
  EXPECT_EQ(h.Count({"x"}), 3u);
  EXPECT_EQ(registry.Render(),
            "# HELP signet_latency_seconds Latency.\n"
            "# TYPE signet_latency_seconds histogram\n"
            "signet_latency_seconds_bucket{p=\"x\",le=\"0.01\"} 1\n"
            "signet_latency_seconds_bucket{p=\"x\",le=\"0.1\"} 1\n"
            "signet_latency_seconds_bucket{p=\"x\",le=\"1\"} 2\n"
            "signet_latency_seconds_bucket{p=\"x\",le=\"+Inf\"} 3\n"
            "signet_latency_seconds_sum{p=\"x\"} 7.51\n"
            "signet_latency_seconds_count{p=\"x\"} 3\n");
}

// Recording with views (no label value copied for a known series) and with a LabelValues
// reaches the same series; views of a new tuple create it.
TEST(MetricsTest, ViewsAndValuesRecordTheSameSeries) {
  Registry registry;
  CounterFamily& c = registry.Counter("signet_views_total", "Views.", {"a", "b"});
  const std::string platform = "Notation-OCI-SHA384-ECDSA-with-a-long-name";
  c.Add(LabelValues{platform, "x"});
  c.Add({std::string_view(platform), "x"}, 2);
  c.Add({"new", std::string_view("tuple")});
  c.Add({"a", "b\xff"});
  EXPECT_EQ(c.Value({platform, "x"}), 3u);
  EXPECT_EQ(c.Value({"new", "tuple"}), 1u);
  EXPECT_EQ(c.Value({"a", "b\xff"}), 1u);  // byte order, as std::string compares

  HistogramFamily& h = registry.Histogram("signet_views_seconds", "Views.", {"p"}, {1});
  h.Observe(LabelValues{platform}, 0.5);
  h.Observe({std::string_view(platform)}, 2);
  h.Observe({"other"}, 0.5);
  EXPECT_EQ(h.Count({platform}), 2u);
  EXPECT_EQ(h.Count({"other"}), 1u);
}

TEST(MetricsTest, SeriesPerFamilyAreBounded) {
  Registry registry;
  CounterFamily& c = registry.Counter("signet_many_total", "Many.", {"id"});
  for (size_t i = 0; i < kMaxSeriesPerFamily + 5; ++i) c.Add({std::to_string(i)});
  EXPECT_EQ(c.Value({"_overflow_"}), 5u);
  EXPECT_EQ(c.Value({"0"}), 1u);
}

// A reader's series are read at each scrape, sorted by labels, in name order with the other
// families; the reader is gone with its registration.
TEST(MetricsTest, ReadersRenderTheirSeriesWhenScrapedWhileRegistered) {
  Registry registry;
  registry.Counter("signet_b_total", "B.", {}).Add({});
  uint64_t commits = 3;
  ReaderRegistration reader = registry.Reader(
      "signet_a_total", "Read \\ when scraped.", ReaderType::kCounter, {"result"}, [&commits] {
        return ReadSeries{{{"miss"}, 1}, {{"hit"}, commits}};
      });
  ReaderRegistration gauge = registry.Reader("signet_c", "Now.", ReaderType::kGauge, {}, [] {
    return ReadSeries{{{}, 7}};
  });
  const std::string gauge_text = "# HELP signet_c Now.\n# TYPE signet_c gauge\nsignet_c 7\n";
  const std::string b_text =
      "# HELP signet_b_total B.\n# TYPE signet_b_total counter\nsignet_b_total 1\n";
  EXPECT_EQ(registry.Render(),
            "# HELP signet_a_total Read \\\\ when scraped.\n"
            "# TYPE signet_a_total counter\n"
            "signet_a_total{result=\"hit\"} 3\n"
            "signet_a_total{result=\"miss\"} 1\n" +
                b_text + gauge_text);
  commits = 5;
  EXPECT_NE(registry.Render().find("signet_a_total{result=\"hit\"} 5\n"), std::string::npos);

  // Moved, it is still registered; reset, it is gone.
  ReaderRegistration moved = std::move(reader);
  EXPECT_NE(registry.Render().find("signet_a_total"), std::string::npos);
  moved.reset();
  EXPECT_EQ(registry.Render(), b_text + gauge_text);

  // A newer registration of a name replaces the reader; the older one's end leaves it in place.
  {
    ReaderRegistration older = registry.Reader("signet_c", "Old.", ReaderType::kGauge, {}, [] {
      return ReadSeries{{{}, 1}};
    });
    gauge = registry.Reader("signet_c", "Now.", ReaderType::kGauge, {}, [] {
      return ReadSeries{{{}, 7}};
    });
  }
  EXPECT_EQ(registry.Render(), b_text + gauge_text);
}

TEST(MetricsDeathTest, MisuseIsABug) {
  Registry registry;
  CounterFamily& c = registry.Counter("signet_x_total", "X.", {"a"});
  EXPECT_DEATH(c.Add({"1", "2"}), "takes 1 label values");
  EXPECT_DEATH(registry.Histogram("signet_x_total", "X.", {"a"}, {1}), "registered as a counter");
  const auto none = [] { return ReadSeries{}; };
  EXPECT_DEATH((void)registry.Reader("signet_x_total", "X.", ReaderType::kGauge, {}, none),
               "registered as a counter");
  ReaderRegistration r = registry.Reader("signet_r", "R.", ReaderType::kGauge, {"a"}, [] {
    return ReadSeries{{{"1", "2"}, 1}};
  });
  EXPECT_DEATH(registry.Counter("signet_r", "R.", {"a"}), "registered as a reader");
  EXPECT_DEATH((void)registry.Render(), "takes 1 label values");
  EXPECT_DEATH(registry.Counter("signet_x_total", "X.", {"b"}), "other labels");
  EXPECT_DEATH(registry.Counter("bad-name", "X.", {}), "invalid metric name");
  EXPECT_DEATH(registry.Histogram("signet_h", "H.", {}, {2, 1}), "ascending");
}

}  // namespace
}  // namespace signet::metrics
