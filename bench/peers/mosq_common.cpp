#include "mosq_common.hpp"

#include <mqtt_protocol.h>

namespace portmqtt::bench {

namespace {

MosqState& state_of(void* user) {
  return *static_cast<MosqState*>(user);
}

void on_connect(mosquitto*, void* user, int rc) {
  MosqState& s = state_of(user);
  if (rc != 0) fail(s.name, mosquitto_connack_string(rc));
  s.connected = true;
  if (s.connects != nullptr) s.connects->complete();
}

void on_publish(mosquitto*, void* user, int mid) {
  MosqState& s = state_of(user);
  ++s.published;
  // libmosquitto numbers QoS 0 messages too and reports each when written, so ids wrap every
  // 65,535 messages: with more than that still queued when the marker is published, an older
  // QoS 0 message with the marker's id is written after it is queued. Only the last report
  // (the marker's PUBACK comes after every QoS 0 message was written) ends the run.
  if (mid == s.marker_mid && s.published > s.options.count) s.marker_done = true;
  if (s.acks != nullptr) s.acks->complete();
}

void on_message(mosquitto*, void* user, const mosquitto_message*) {
  MosqState& s = state_of(user);
  ++s.received;
  if (s.messages != nullptr) s.messages->complete();
}

void check(const MosqState& s, int rc, const char* what) {
  if (rc != MOSQ_ERR_SUCCESS) {
    fail(s.name, std::string(what) + ": " + mosquitto_strerror(rc));
  }
}

}  // namespace

mosquitto* mosq_start(MosqState& s) {
  mosquitto_lib_init();
  const std::string id = client_id_for(s.name);
  mosquitto* mosq = mosquitto_new(id.c_str(), true, &s);
  if (mosq == nullptr) fail(s.name, "mosquitto_new failed");
  const PeerOptions& o = s.options;
  const int version = o.version == 5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311;
  check(s, mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, version), "protocol version");
  // The library's own in-flight limit (default 20) would otherwise cap the window.
  check(s, mosquitto_int_option(mosq, MOSQ_OPT_SEND_MAXIMUM, static_cast<int>(o.window)),
        "send maximum");
  if (o.version == 5) {
    check(s, mosquitto_int_option(mosq, MOSQ_OPT_RECEIVE_MAXIMUM, static_cast<int>(o.window)),
          "receive maximum");
  }
  if (s.tcp_nodelay) check(s, mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1), "tcp nodelay");
  mosquitto_connect_callback_set(mosq, on_connect);
  mosquitto_publish_callback_set(mosq, on_publish);
  mosquitto_message_callback_set(mosq, on_message);
  check(s, mosquitto_connect(mosq, o.host.c_str(), o.port, 60), "connect");
  return mosq;
}

void mosq_publish(mosquitto* mosq, MosqState& s, const std::string& payload, int qos, int* mid) {
  check(s,
        mosquitto_publish(mosq, mid, s.options.topic.c_str(), static_cast<int>(payload.size()),
                          payload.data(), qos, false),
        "publish");
}

void mosq_subscribe(mosquitto* mosq, MosqState& s) {
  check(s, mosquitto_subscribe(mosq, nullptr, s.options.topic.c_str(), s.options.qos), "subscribe");
}

void mosq_finish(mosquitto* mosq, bool threaded) {
  mosquitto_disconnect(mosq);
  if (threaded) mosquitto_loop_stop(mosq, false);
  mosquitto_destroy(mosq);
  mosquitto_lib_cleanup();
}

}  // namespace portmqtt::bench
