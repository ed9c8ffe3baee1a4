// Config::packet_trace against mosquitto: every packet of a QoS 2 delivery, the keep-alive
// pings and the DISCONNECT are reported once, in wire order, with their fields, on the loop
// thread.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "recorder.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

// One line per traced packet, e.g. "> SUBSCRIBE 1 t/q2:0x02" or "< PUBLISH 1 q2 t/q2 4".
class TraceLog {
 public:
  void add(const PacketTrace& p) {
    std::string line = p.direction == PacketDirection::sent ? "> " : "< ";
    line += to_string(p.type);
    switch (p.type) {
      case PacketType::connack:
        line += " " + std::to_string(static_cast<int>(p.reason));
        break;
      case PacketType::publish:
        line += " " + std::to_string(p.packet_id) + " q" + std::to_string(static_cast<int>(p.qos)) +
                " " + std::string(p.topic) + " " + std::to_string(p.payload_size);
        break;
      case PacketType::puback:
      case PacketType::pubrec:
      case PacketType::pubrel:
      case PacketType::pubcomp:
        line += " " + std::to_string(p.packet_id);
        break;
      case PacketType::subscribe:
        line += " " + std::to_string(p.packet_id);
        for (const auto& f : p.filters) {
          char options[8];
          std::snprintf(options, sizeof options, "0x%02x", f.options);
          line += " " + std::string(f.filter) + ":" + options;
        }
        break;
      case PacketType::suback:
        line += " " + std::to_string(p.packet_id);
        for (const auto r : p.reasons)
          line += " " + std::to_string(static_cast<int>(r));
        break;
      default:
        break;
    }
    {
      std::lock_guard lock(mutex_);
      lines_.push_back(line);
      if (std::this_thread::get_id() == main_thread_) on_main_thread_ = true;
    }
    changed_.notify_all();
  }

  bool wait_for(const std::string& line) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(
        lock, 10s, [&] { return std::find(lines_.begin(), lines_.end(), line) != lines_.end(); });
  }

  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  bool seen_on_main_thread() const {
    std::lock_guard lock(mutex_);
    return on_main_thread_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
  std::thread::id main_thread_ = std::this_thread::get_id();
  bool on_main_thread_ = false;
};

TEST(PacketTrace, ReportsEveryPacketOfAQos2DeliveryAndThePings) {
  Mosquitto broker;
  TraceLog trace;
  Config config;
  config.broker.uri = broker.uri();
  config.credentials.client_id = "tracer";
  config.session.keep_alive = Seconds{2};
  config.packet_trace = [&trace](const PacketTrace& p) { trace.add(p); };
  Client client{config};
  Recorder recorder{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(recorder.wait_connected());
  ASSERT_TRUE(client.subscribe("t/q2", {.qos = QoS::exactly_once}));
  ASSERT_TRUE(trace.wait_for("< SUBACK 1 2"));
  ASSERT_EQ(run_mosquitto_pub(broker, {.topic = "t/q2", .payload = "four", .qos = 2}), 0);
  ASSERT_TRUE(trace.wait_for("> PUBCOMP 1"));
  ASSERT_TRUE(trace.wait_for("< PINGRESP"));  // keep-alive 2 s: a ping after 1 s idle
  ASSERT_FALSE(client.stop());

  const std::vector<std::string> expected_start = {"> CONNECT",
                                                   "< CONNACK 0",
                                                   "> SUBSCRIBE 1 t/q2:0x02",
                                                   "< SUBACK 1 2",
                                                   "< PUBLISH 1 q2 t/q2 4",
                                                   "> PUBREC 1",
                                                   "< PUBREL 1",
                                                   "> PUBCOMP 1"};
  const auto lines = trace.lines();
  // A slow machine may take a second to start mosquitto_pub, and a ping then falls between
  // the packets of the exchange: the exchange is compared without the pings.
  std::vector<std::string> exchange;
  std::copy_if(lines.begin(), lines.end(), std::back_inserter(exchange),
               [](const std::string& line) { return line.find(" PING") == std::string::npos; });
  ASSERT_GE(exchange.size(), expected_start.size() + 1);
  EXPECT_EQ(std::vector<std::string>(exchange.begin(), exchange.begin() + 8), expected_start);
  const auto ping = std::find(lines.begin(), lines.end(), "> PINGREQ");
  ASSERT_NE(ping, lines.end());
  EXPECT_NE(std::find(ping, lines.end(), "< PINGRESP"), lines.end());
  EXPECT_EQ(std::count(lines.begin(), ping, "< PINGRESP"), 0);  // none before a PINGREQ
  EXPECT_EQ(lines.back(), "> DISCONNECT");
  EXPECT_FALSE(trace.seen_on_main_thread());
}

}  // namespace
}  // namespace portmqtt::test
