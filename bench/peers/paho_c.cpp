// Eclipse Paho C, asynchronous API (MQTTAsync): callbacks run on the library's threads while
// the main thread publishes.
#include <MQTTAsync.h>

#include <algorithm>
#include <climits>
#include <string>
#include <utility>

#include "peer_common.hpp"

namespace {

using portmqtt::bench::Completions;
using portmqtt::bench::PeerOptions;

constexpr const char* kName = "paho_c";

struct State {
  explicit State(PeerOptions o) : options(std::move(o)), acks(options.window) {}
  PeerOptions options;
  Completions connects{0};
  Completions acks;  // bounds the QoS 1/2 window
  Completions messages{0};
  std::string persist_dir;  // --persist file
};

void on_connect(void* context, MQTTAsync_successData*) {
  static_cast<State*>(context)->connects.complete();
}
void on_connect5(void* context, MQTTAsync_successData5*) {
  static_cast<State*>(context)->connects.complete();
}
void on_connect_failure(void*, MQTTAsync_failureData* f) {
  portmqtt::bench::fail(kName, std::string("connect failed: ") + std::to_string(f->code));
}
void on_connect_failure5(void*, MQTTAsync_failureData5* f) {
  portmqtt::bench::fail(kName, std::string("connect failed: ") + std::to_string(f->code));
}
void on_sent(void* context, MQTTAsync_successData*) {
  static_cast<State*>(context)->acks.complete();
}
void on_sent5(void* context, MQTTAsync_successData5*) {
  static_cast<State*>(context)->acks.complete();
}
void on_send_failure(void*, MQTTAsync_failureData*) {
  portmqtt::bench::fail(kName, "publish failed");
}
void on_send_failure5(void*, MQTTAsync_failureData5*) {
  portmqtt::bench::fail(kName, "publish failed");
}
int on_message(void* context, char* topic, int, MQTTAsync_message* message) {
  MQTTAsync_freeMessage(&message);
  MQTTAsync_free(topic);
  static_cast<State*>(context)->messages.complete();
  return 1;  // the message was taken
}
void on_connection_lost(void*, char* cause) {
  portmqtt::bench::fail(kName, std::string("connection lost: ") + (cause ? cause : "?"));
}

void check(int rc, const char* what) {
  if (rc != MQTTASYNC_SUCCESS) {
    portmqtt::bench::fail(kName, std::string(what) + ": " + MQTTAsync_strerror(rc));
  }
}

MQTTAsync create(State& s) {
  const PeerOptions& o = s.options;
  MQTTAsync_createOptions create_options = MQTTAsync_createOptions_initializer;
  create_options.MQTTVersion = o.version == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1;
  // Paho refuses to queue more than maxBufferedMessages (default 100) even while connected.
  const std::uint64_t buffered = o.qos == 0 ? o.count + 1 : o.window + 1ull;
  create_options.maxBufferedMessages = static_cast<int>(std::min<std::uint64_t>(buffered, INT_MAX));
  const std::string uri = "tcp://" + o.host + ":" + std::to_string(o.port);
  const std::string id = portmqtt::bench::client_id_for(kName);
  MQTTAsync client = nullptr;
  // --persist file: Paho's own file persistence (one file per message in a directory).
  if (!o.persist.empty() && o.persist != "file") portmqtt::bench::fail(kName, "--persist: file");
  if (o.persist == "file") s.persist_dir = portmqtt::bench::make_temp_dir();
  check(MQTTAsync_createWithOptions(
            &client, uri.c_str(), id.c_str(),
            o.persist == "file" ? MQTTCLIENT_PERSISTENCE_DEFAULT : MQTTCLIENT_PERSISTENCE_NONE,
            o.persist == "file" ? const_cast<char*>(s.persist_dir.c_str()) : nullptr,
            &create_options),
        "create");
  check(MQTTAsync_setCallbacks(client, &s, on_connection_lost, on_message, nullptr),
        "set callbacks");
  return client;
}

void connect(MQTTAsync client, State& s) {
  const PeerOptions& o = s.options;
  const bool v5 = o.version == 5;
  MQTTAsync_connectOptions options = MQTTAsync_connectOptions_initializer;
  MQTTAsync_connectOptions options5 = MQTTAsync_connectOptions_initializer5;
  MQTTAsync_connectOptions& c = v5 ? options5 : options;
  c.keepAliveInterval = 60;
  c.maxInflight = static_cast<int>(o.window);
  c.context = &s;
  MQTTProperties properties = MQTTProperties_initializer;
  if (v5) {
    c.cleanstart = 1;
    c.onSuccess5 = on_connect5;
    c.onFailure5 = on_connect_failure5;
    MQTTProperty receive_maximum;
    receive_maximum.identifier = MQTTPROPERTY_CODE_RECEIVE_MAXIMUM;
    receive_maximum.value.integer2 = static_cast<unsigned short>(o.window);
    MQTTProperties_add(&properties, &receive_maximum);
    c.connectProperties = &properties;
  } else {
    c.cleansession = 1;
    c.onSuccess = on_connect;
    c.onFailure = on_connect_failure;
  }
  check(MQTTAsync_connect(client, &c), "connect");
  s.connects.wait_for(1);
  MQTTProperties_free(&properties);
}

void send(MQTTAsync client, State& s, const std::string& payload, int qos, bool track) {
  MQTTAsync_responseOptions response = MQTTAsync_responseOptions_initializer;
  if (track) {
    response.context = &s;
    if (s.options.version == 5) {
      response.onSuccess5 = on_sent5;
      response.onFailure5 = on_send_failure5;
    } else {
      response.onSuccess = on_sent;
      response.onFailure = on_send_failure;
    }
  }
  check(MQTTAsync_send(client, s.options.topic.c_str(), static_cast<int>(payload.size()),
                       payload.data(), qos, 0, &response),
        "send");
}

double publish_all(MQTTAsync client, State& s) {
  const PeerOptions& o = s.options;
  const std::string payload = portmqtt::bench::make_payload(o.size);
  portmqtt::bench::Stopwatch clock;
  if (o.qos == 0) {
    // Unbounded QoS 0, then a QoS 1 marker whose acknowledgement proves delivery of all.
    for (std::uint64_t i = 0; i < o.count; ++i)
      send(client, s, payload, 0, false);
    send(client, s, "end", 1, true);
    s.acks.wait_for(1);
    return clock.seconds();
  }
  for (std::uint64_t i = 0; i < o.count; ++i) {
    s.acks.acquire();
    send(client, s, payload, o.qos, true);
  }
  s.acks.wait_for(o.count);
  return clock.seconds();
}

double receive_all(MQTTAsync client, State& s) {
  MQTTAsync_responseOptions response = MQTTAsync_responseOptions_initializer;
  portmqtt::bench::Stopwatch clock;
  check(MQTTAsync_subscribe(client, s.options.topic.c_str(), s.options.qos, &response),
        "subscribe");
  s.messages.wait_for(s.options.count);
  return clock.seconds();
}

}  // namespace

int main(int argc, char** argv) {
  State s(portmqtt::bench::parse_peer_options(argc, argv));
  MQTTAsync client = create(s);
  connect(client, s);
  const double seconds = s.options.recv ? receive_all(client, s) : publish_all(client, s);
  MQTTAsync_disconnectOptions disconnect = MQTTAsync_disconnectOptions_initializer;
  disconnect.timeout = 1000;
  MQTTAsync_disconnect(client, &disconnect);
  MQTTAsync_destroy(&client);
  if (!s.persist_dir.empty()) portmqtt::bench::remove_tree(s.persist_dir);
  portmqtt::bench::print_report(kName, s.options, seconds);
  return 0;
}
