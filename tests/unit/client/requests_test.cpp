// The response topic and correlation data of Client::request(), without sockets.
#include <gtest/gtest.h>

#include <set>

#include "client/requests.hpp"

namespace portmqtt::detail {
namespace {

bool is_hex(std::string_view s) {
  return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

TEST(Requests, ResponseInformationNamesTheTopic) {
  Requests r;
  const std::string with_slash = r.topic_for("resp/c1/", "portmqtt/rr", "c1");
  ASSERT_EQ(with_slash.size(), std::string{"resp/c1/"}.size() + 16);
  EXPECT_EQ(with_slash.rfind("resp/c1/", 0), 0u);
  EXPECT_TRUE(is_hex(with_slash.substr(8)));
  // Without a trailing slash one is added; the random part is the client's, the same each time.
  EXPECT_EQ(r.topic_for("resp/c1", "portmqtt/rr", "c1"), with_slash);
}

TEST(Requests, WithoutResponseInformationThePrefixAndTheClientIdAreUsed) {
  Requests r;
  const std::string topic = r.topic_for("", "portmqtt/rr", "dev/+#1");
  EXPECT_EQ(topic.rfind("portmqtt/rr/dev___1/", 0), 0u) << topic;  // no wildcard, one level
  EXPECT_TRUE(is_hex(topic.substr(20)));
  EXPECT_EQ(r.topic_for("", "p", "").rfind("p/", 0), 0u);
  // Another client picks another random part.
  Requests other;
  EXPECT_NE(other.topic_for("", "portmqtt/rr", "dev/+#1"), topic);
}

TEST(Requests, CorrelationDataIsSixteenBytesAndNeverRepeats) {
  Requests r;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string c = r.next_correlation();
    EXPECT_EQ(c.size(), 16u);
    EXPECT_TRUE(seen.insert(c).second);
  }
}

}  // namespace
}  // namespace portmqtt::detail
