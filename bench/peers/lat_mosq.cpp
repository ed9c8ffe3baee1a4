// Publish-to-delivery latency through the broker with libmosquitto's own network thread
// (mosquitto_loop_start): the main thread publishes, on_message runs on the library thread.
// A first argument --tcp-nodelay sets MOSQ_OPT_TCP_NODELAY (off by default in libmosquitto):
// without it every small packet waits for the ACK of the one before, which the broker may
// delay by up to 40 ms.
#include <mosquitto.h>

#include <string_view>

#include "latency_common.hpp"
#include "mosq_common.hpp"

namespace {

using portmqtt::bench::Completions;
using portmqtt::bench::MosqState;

const char* g_name = "mosq_thread";

portmqtt::bench::LatencySamples* g_samples = nullptr;  // what on_message fills
Completions* g_subscribed = nullptr;

void on_message(mosquitto*, void*, const mosquitto_message* m) {
  g_samples->delivered(m->payload, static_cast<std::size_t>(m->payloadlen));
}

void on_subscribe(mosquitto*, void*, int, int, const int*) {
  g_subscribed->complete();
}

}  // namespace

int main(int argc, char** argv) {
  const bool nodelay = argc > 1 && std::string_view(argv[1]) == "--tcp-nodelay";
  if (nodelay) {
    g_name = "mosq_thread_nodelay";
    argv[1] = argv[0];  // the common options follow
    --argc;
    ++argv;
  }
  MosqState s;
  s.name = g_name;
  s.options = portmqtt::bench::parse_peer_options(argc, argv);
  s.options.topic = portmqtt::bench::latency_topic(s.options.topic, g_name);
  portmqtt::bench::LatencySamples samples(s.options.count);
  Completions connects(0);
  Completions subscribed(0);
  g_samples = &samples;
  g_subscribed = &subscribed;
  s.connects = &connects;
  s.tcp_nodelay = nodelay;
  mosquitto* mosq = portmqtt::bench::mosq_start(s);
  // Callbacks run only inside the loop, which starts below.
  mosquitto_message_callback_set(mosq, on_message);
  mosquitto_subscribe_callback_set(mosq, on_subscribe);
  const int rc = mosquitto_loop_start(mosq);
  if (rc != MOSQ_ERR_SUCCESS) portmqtt::bench::fail(g_name, mosquitto_strerror(rc));
  connects.wait_for(1);
  portmqtt::bench::mosq_subscribe(mosq, s);
  subscribed.wait_for(1);
  const double seconds =
      portmqtt::bench::publish_timed(s.options, samples, [&](const std::string& payload) {
        portmqtt::bench::mosq_publish(mosq, s, payload, s.options.qos, nullptr);
      });
  portmqtt::bench::mosq_finish(mosq, true);
  portmqtt::bench::print_latency_report(g_name, s.options, samples, seconds);
  return 0;
}
