// libmosquitto set-up shared by the single-threaded and the threaded peer.
#pragma once

#include <mosquitto.h>

#include <cstdint>
#include <string>

#include "peer_common.hpp"

namespace portmqtt::bench {

/// What the libmosquitto callbacks update. In the threaded peer the counters are touched only
/// by the library thread and `acks`/`messages` carry the news to the main thread.
struct MosqState {
  const char* name = "";            ///< client name for reports and errors
  PeerOptions options;              ///< command line
  bool connected = false;           ///< CONNACK accepted
  std::uint64_t published = 0;      ///< on_publish calls (QoS 0 written, QoS 1/2 acknowledged)
  std::uint64_t received = 0;       ///< on_message calls
  int marker_mid = -1;              ///< message id of the final QoS 1 marker after QoS 0
  bool marker_done = false;         ///< the marker was acknowledged
  Completions* connects = nullptr;  ///< optional: signalled on CONNACK
  Completions* acks = nullptr;      ///< optional: signalled per on_publish
  Completions* messages = nullptr;  ///< optional: signalled per on_message
  bool tcp_nodelay = false;         ///< MOSQ_OPT_TCP_NODELAY (Nagle off) before connecting
};

/// Creates a client for `state` (protocol version, windows, callbacks) and starts the TCP
/// connection and CONNECT; CONNACK arrives through the loop. Exits the process on failure.
mosquitto* mosq_start(MosqState& state);

/// Publishes one benchmark message (or the QoS 1 marker). Exits the process on failure.
void mosq_publish(mosquitto* mosq, MosqState& state, const std::string& payload, int qos, int* mid);

/// Subscribes to the benchmark topic. Exits the process on failure.
void mosq_subscribe(mosquitto* mosq, MosqState& state);

/// Disconnects, stops the library thread if `threaded`, frees the client and the library.
void mosq_finish(mosquitto* mosq, bool threaded);

}  // namespace portmqtt::bench
