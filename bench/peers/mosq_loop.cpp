// libmosquitto driven by one application thread calling mosquitto_loop().
#include <mosquitto.h>

#include "mosq_common.hpp"
#include "peer_common.hpp"

namespace {

using portmqtt::bench::MosqState;

constexpr const char* kName = "mosq_loop";

// Runs one iteration of the library loop; `wait_ms` bounds how long it may block.
void step(mosquitto* mosq, MosqState& s, int wait_ms) {
  const int rc = mosquitto_loop(mosq, wait_ms, 1);
  if (rc != MOSQ_ERR_SUCCESS) portmqtt::bench::fail(s.name, mosquitto_strerror(rc));
}

double publish_all(mosquitto* mosq, MosqState& s) {
  const auto& o = s.options;
  const std::string payload = portmqtt::bench::make_payload(o.size);
  const std::string marker = "end";
  const bool qos0 = o.qos == 0;
  std::uint64_t sent = 0;
  portmqtt::bench::Stopwatch clock;
  for (;;) {
    // Publish until the window is full, but give the loop a turn every `window` messages so
    // that acknowledgements are read while QoS 0 runs unbounded.
    for (std::uint64_t burst = 0;
         sent < o.count && (qos0 || sent - s.published < o.window) && burst < o.window; ++burst) {
      portmqtt::bench::mosq_publish(mosq, s, payload, o.qos, nullptr);
      ++sent;
    }
    if (qos0 && sent == o.count && s.marker_mid < 0) {
      portmqtt::bench::mosq_publish(mosq, s, marker, 1, &s.marker_mid);
    }
    if (qos0 ? s.marker_done : s.published >= o.count) return clock.seconds();
    const bool can_send = sent < o.count && (qos0 || sent - s.published < o.window);
    step(mosq, s, can_send ? 0 : 1000);
  }
}

double receive_all(mosquitto* mosq, MosqState& s) {
  portmqtt::bench::mosq_subscribe(mosq, s);
  portmqtt::bench::Stopwatch clock;
  while (s.received < s.options.count)
    step(mosq, s, 1000);
  return clock.seconds();
}

}  // namespace

int main(int argc, char** argv) {
  MosqState s;
  s.name = kName;
  s.options = portmqtt::bench::parse_peer_options(argc, argv);
  mosquitto* mosq = portmqtt::bench::mosq_start(s);
  while (!s.connected)
    step(mosq, s, 1000);
  const double seconds = s.options.recv ? receive_all(mosq, s) : publish_all(mosq, s);
  portmqtt::bench::mosq_finish(mosq, false);
  portmqtt::bench::print_report(kName, s.options, seconds);
  return 0;
}
