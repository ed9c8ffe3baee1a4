// Bytes on the wire with and without automatic topic aliases (MQTT 5), on workloads shaped
// like telemetry: many devices, long hierarchical topic names, small payloads. The session is
// driven directly (no broker, no clock): the counts are exact and the same on every run.
//
//   build/release/bench/topic_alias_bytes
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "session/session.hpp"

namespace {

using namespace portmqtt;

std::vector<std::string> make_topics(int count) {
  std::vector<std::string> topics;
  for (int i = 0; i < count; ++i) {
    char name[128];
    std::snprintf(name, sizeof name, "plant/site-%02d/line-%02d/station-%03d/device-%04d/telemetry",
                  i % 3, i % 12, i % 97, i);
    topics.emplace_back(name);
  }
  return topics;
}

// Topic index per message: Zipf-like popularity (a few devices talk most), or a strict
// rotation through all topics (the worst case for any cache smaller than the topic set).
std::vector<int> make_sequence(int topics, int messages, bool rotation) {
  std::vector<int> sequence;
  sequence.reserve(static_cast<std::size_t>(messages));
  if (rotation) {
    for (int i = 0; i < messages; ++i)
      sequence.push_back(i % topics);
    return sequence;
  }
  std::vector<double> weights;
  for (int i = 1; i <= topics; ++i)
    weights.push_back(1.0 / i);
  std::discrete_distribution<int> pick(weights.begin(), weights.end());
  std::mt19937 rng(12345);
  for (int i = 0; i < messages; ++i)
    sequence.push_back(pick(rng));
  return sequence;
}

// Bytes of every PUBLISH the session writes for `sequence` with `aliases` automatic aliases
// and a broker allowing `broker_maximum`.
std::uint64_t publish_bytes(const std::vector<std::string>& topics,
                            const std::vector<int>& sequence, std::uint16_t aliases,
                            std::uint16_t broker_maximum, codec::QoS qos) {
  session::Config config;
  config.version = codec::ProtocolVersion::v5;
  config.client_id = "bench";
  config.auto_topic_aliases = aliases;
  config.outbox_expiry = std::chrono::milliseconds{0};
  session::Session session(config);
  const auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours{1};
  session.connection_opened(now);
  (void)session.take_output();
  const std::uint8_t connack[] = {0x20,
                                  0x06,
                                  0x00,
                                  0x00,
                                  0x03,
                                  0x22,  // CONNACK, alias maximum
                                  static_cast<std::uint8_t>(broker_maximum >> 8),
                                  static_cast<std::uint8_t>(broker_maximum & 0xFF)};
  session.receive({connack, sizeof connack}, now);
  while (session.next_event()) {
  }
  const std::string payload = R"({"t":21.53,"h":40.2,"v":3.31})";
  std::uint64_t total = 0;
  for (int index : sequence) {
    codec::Publish message;
    message.topic = topics[static_cast<std::size_t>(index)];
    message.payload = payload;
    message.qos = qos;
    auto result = session.publish(message, now);
    if (!result) {
      std::fprintf(stderr, "publish failed: %s\n", result.error.message().c_str());
      return 0;
    }
    total += session.take_output().size();
    if (result.packet_id != 0) {
      const std::uint8_t puback[] = {0x40, 0x02, static_cast<std::uint8_t>(result.packet_id >> 8),
                                     static_cast<std::uint8_t>(result.packet_id & 0xFF)};
      session.receive({puback, sizeof puback}, now);
      while (session.next_event()) {
      }
      (void)session.take_output();
    }
  }
  return total;
}

void report(const char* workload, int topic_count, bool rotation, codec::QoS qos) {
  const int messages = 100'000;
  const auto topics = make_topics(topic_count);
  const auto sequence = make_sequence(topic_count, messages, rotation);
  const std::uint64_t plain = publish_bytes(topics, sequence, 0, 65535, qos);
  std::printf("\n%s: %d topics (%zu-%zu bytes), %d messages, QoS %d, 29-byte payload\n", workload,
              topic_count, topics.front().size(), topics.back().size(), messages,
              static_cast<int>(qos));
  std::printf("  %-26s %12s %10s %8s\n", "aliases", "bytes", "per msg", "saved");
  std::printf("  %-26s %12llu %10.1f %8s\n", "off", static_cast<unsigned long long>(plain),
              static_cast<double>(plain) / messages, "-");
  for (std::uint16_t aliases :
       {std::uint16_t{10}, std::uint16_t{64}, std::uint16_t{256}, std::uint16_t{1024}}) {
    const std::uint64_t with = publish_bytes(topics, sequence, aliases, 65535, qos);
    char label[64];
    std::snprintf(label, sizeof label, "%u (LRU)%s", static_cast<unsigned>(aliases),
                  aliases == 10 ? ", mosquitto default" : "");
    std::printf("  %-26s %12llu %10.1f %7.1f%%\n", label, static_cast<unsigned long long>(with),
                static_cast<double>(with) / messages,
                100.0 * (static_cast<double>(plain) - static_cast<double>(with)) /
                    static_cast<double>(plain));
  }
}

}  // namespace

int main() {
  std::printf("Automatic topic aliases: PUBLISH bytes written by the session\n");
  report("Zipf popularity", 500, false, codec::QoS::at_most_once);
  report("Zipf popularity", 500, false, codec::QoS::at_least_once);
  report("Rotation (worst case)", 500, true, codec::QoS::at_most_once);
  report("Few topics", 8, false, codec::QoS::at_most_once);
  return 0;
}
