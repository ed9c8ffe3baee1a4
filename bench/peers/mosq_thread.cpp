// libmosquitto with its own network thread (mosquitto_loop_start); the main thread publishes.
#include <mosquitto.h>

#include "mosq_common.hpp"
#include "peer_common.hpp"

namespace {

using portmqtt::bench::Completions;
using portmqtt::bench::MosqState;

constexpr const char* kName = "mosq_thread";

double publish_all(mosquitto* mosq, MosqState& s, Completions& acks) {
  const auto& o = s.options;
  const std::string payload = portmqtt::bench::make_payload(o.size);
  portmqtt::bench::Stopwatch clock;
  for (std::uint64_t i = 0; i < o.count; ++i) {
    acks.acquire();
    portmqtt::bench::mosq_publish(mosq, s, payload, o.qos, nullptr);
  }
  std::uint64_t expected = o.count;
  if (o.qos == 0) {
    // QoS 0 completes when written; a QoS 1 marker behind them proves they were delivered.
    acks.acquire();
    portmqtt::bench::mosq_publish(mosq, s, "end", 1, nullptr);
    ++expected;
  }
  acks.wait_for(expected);
  return clock.seconds();
}

double receive_all(mosquitto* mosq, MosqState& s, Completions& messages) {
  portmqtt::bench::mosq_subscribe(mosq, s);
  portmqtt::bench::Stopwatch clock;
  messages.wait_for(s.options.count);
  return clock.seconds();
}

}  // namespace

int main(int argc, char** argv) {
  MosqState s;
  s.name = kName;
  s.options = portmqtt::bench::parse_peer_options(argc, argv);
  Completions connects(0);
  Completions acks(s.options.qos == 0 ? 0 : s.options.window);
  Completions messages(0);
  s.connects = &connects;
  s.acks = &acks;
  s.messages = &messages;
  mosquitto* mosq = portmqtt::bench::mosq_start(s);
  const int rc = mosquitto_loop_start(mosq);
  if (rc != MOSQ_ERR_SUCCESS) portmqtt::bench::fail(kName, mosquitto_strerror(rc));
  connects.wait_for(1);
  const double seconds =
      s.options.recv ? receive_all(mosq, s, messages) : publish_all(mosq, s, acks);
  portmqtt::bench::mosq_finish(mosq, true);
  portmqtt::bench::print_report(kName, s.options, seconds);
  return 0;
}
