// Publish-to-delivery latency through the broker with Eclipse Paho C (MQTTAsync): the main
// thread sends, the message-arrived callback runs on the library's receive thread.
#include <MQTTAsync.h>

#include <algorithm>
#include <climits>
#include <string>

#include "latency_common.hpp"

namespace {

using portmqtt::bench::Completions;
using portmqtt::bench::PeerOptions;

constexpr const char* kName = "paho_c";

struct State {
  explicit State(const PeerOptions& o) : options(o), samples(o.count) {}
  PeerOptions options;
  portmqtt::bench::LatencySamples samples;
  Completions connects{0};
  Completions subscribed{0};
};

void check(int rc, const char* what) {
  if (rc != MQTTASYNC_SUCCESS)
    portmqtt::bench::fail(kName, std::string(what) + ": " + MQTTAsync_strerror(rc));
}

void on_connected(void* context, char*) {
  static_cast<State*>(context)->connects.complete();
}
void on_connect_failure(void*, MQTTAsync_failureData* f) {
  portmqtt::bench::fail(kName, "connect failed: " + std::to_string(f ? f->code : 0));
}
void on_connect_failure5(void*, MQTTAsync_failureData5* f) {
  portmqtt::bench::fail(kName, "connect failed: " + std::to_string(f ? f->code : 0));
}
void on_subscribed(void* context, MQTTAsync_successData*) {
  static_cast<State*>(context)->subscribed.complete();
}
void on_subscribed5(void* context, MQTTAsync_successData5*) {
  static_cast<State*>(context)->subscribed.complete();
}
int on_message(void* context, char* topic, int, MQTTAsync_message* message) {
  static_cast<State*>(context)->samples.delivered(message->payload,
                                                  static_cast<std::size_t>(message->payloadlen));
  MQTTAsync_freeMessage(&message);
  MQTTAsync_free(topic);
  return 1;  // the message was taken
}
void on_connection_lost(void*, char* cause) {
  portmqtt::bench::fail(kName, std::string("connection lost: ") + (cause ? cause : "?"));
}

MQTTAsync connect(State& s) {
  const PeerOptions& o = s.options;
  const bool v5 = o.version == 5;
  MQTTAsync_createOptions create_options = MQTTAsync_createOptions_initializer;
  create_options.MQTTVersion = v5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1;
  // Paho refuses to queue more than maxBufferedMessages (default 100) even while connected.
  create_options.maxBufferedMessages =
      static_cast<int>(std::min<std::uint64_t>(o.rate == 0 ? o.window + 1ull : o.count, INT_MAX));
  const std::string uri = "tcp://" + o.host + ":" + std::to_string(o.port);
  const std::string id = portmqtt::bench::client_id_for(kName);
  MQTTAsync client = nullptr;
  check(MQTTAsync_createWithOptions(&client, uri.c_str(), id.c_str(), MQTTCLIENT_PERSISTENCE_NONE,
                                    nullptr, &create_options),
        "create");
  check(MQTTAsync_setCallbacks(client, &s, on_connection_lost, on_message, nullptr),
        "set callbacks");
  check(MQTTAsync_setConnected(client, &s, on_connected), "set connected");
  MQTTAsync_connectOptions options = MQTTAsync_connectOptions_initializer;
  MQTTAsync_connectOptions options5 = MQTTAsync_connectOptions_initializer5;
  MQTTAsync_connectOptions& c = v5 ? options5 : options;
  c.keepAliveInterval = 60;
  c.maxInflight = static_cast<int>(o.window);
  c.context = &s;
  if (v5) {
    c.cleanstart = 1;
    c.onFailure5 = on_connect_failure5;
  } else {
    c.cleansession = 1;
    c.onFailure = on_connect_failure;
  }
  check(MQTTAsync_connect(client, &c), "connect");
  s.connects.wait_for(1);
  MQTTAsync_responseOptions response = MQTTAsync_responseOptions_initializer;
  response.context = &s;
  if (v5) {
    response.onSuccess5 = on_subscribed5;
  } else {
    response.onSuccess = on_subscribed;
  }
  check(MQTTAsync_subscribe(client, o.topic.c_str(), o.qos, &response), "subscribe");
  s.subscribed.wait_for(1);
  return client;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = portmqtt::bench::parse_peer_options(argc, argv);
  options.topic = portmqtt::bench::latency_topic(options.topic, kName);
  State s(options);
  MQTTAsync client = connect(s);
  const double seconds =
      portmqtt::bench::publish_timed(s.options, s.samples, [&](const std::string& payload) {
        MQTTAsync_responseOptions response = MQTTAsync_responseOptions_initializer;
        check(MQTTAsync_send(client, s.options.topic.c_str(), static_cast<int>(payload.size()),
                             payload.data(), s.options.qos, 0, &response),
              "send");
      });
  MQTTAsync_disconnectOptions disconnect = MQTTAsync_disconnectOptions_initializer;
  disconnect.timeout = 1000;
  MQTTAsync_disconnect(client, &disconnect);
  MQTTAsync_destroy(&client);
  portmqtt::bench::print_latency_report(kName, s.options, s.samples, seconds);
  return 0;
}
