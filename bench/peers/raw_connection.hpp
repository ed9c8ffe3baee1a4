// A blocking TCP connection speaking just enough MQTT for the raw batched peer.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "peer_common.hpp"

namespace portmqtt::bench {

/// One encoded PUBLISH reused for every message; only the packet id changes.
struct PublishTemplate {
  /// Encodes a PUBLISH of `payload` on `topic` at `qos` for protocol `level`.
  PublishTemplate(const std::string& topic, const std::string& payload, int qos,
                  std::uint8_t level);
  std::vector<std::uint8_t> bytes;  ///< the whole packet
  std::size_t id_offset = 0;        ///< where the packet id goes (QoS 1/2)
};

/// A connected, blocking socket to the broker. Exits the process on any error.
class RawConnection {
 public:
  /// Connects to `options.host:options.port` with TCP_NODELAY.
  RawConnection(const PeerOptions& options, const char* name);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  /// Sends CONNECT (clean, keep alive 60, Receive Maximum = window on MQTT 5) and waits for a
  /// successful CONNACK.
  void handshake();

  /// Sends SUBSCRIBE to the topic at the QoS of the options (SUBACK arrives with the data).
  void subscribe();

  /// Writes every byte of the given buffers.
  void write_all(iovec* parts, int count);

  /// Reads what is available, blocking when `block` (else returning 0 if nothing is there).
  std::size_t read_some(std::uint8_t* out, std::size_t size, bool block);

  /// The protocol level sent in CONNECT (4 or 5).
  std::uint8_t level() const { return level_; }

 private:
  const PeerOptions& options_;
  const char* name_;
  int fd_ = -1;
  std::uint8_t level_;
};

}  // namespace portmqtt::bench
