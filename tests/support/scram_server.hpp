// The server side of SCRAM-SHA-256 (RFC 5802 §3, RFC 7677) and the MQTT 5 packets that carry
// it (CONNECT, AUTH, CONNACK with Authentication Method/Data), for a scripted broker: no broker
// here does enhanced authentication. Written from the RFC, on OpenSSL, apart from the client's
// code it checks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "scripted_broker.hpp"

namespace portmqtt::test {

/// What a broker keeps for one user (RFC 5802 §3: StoredKey and ServerKey, never the password),
/// and one exchange at a time.
class ScramServer {
 public:
  ScramServer(std::string_view user, std::string_view password, std::string salt = "saltsalt",
              std::uint32_t iterations = 4096);
  /// client-first -> server-first; nothing when the message or the user name is wrong.
  std::optional<std::string> first(std::string_view client_first);
  /// client-final -> server-final ("v=..."); nothing when the proof is wrong.
  std::optional<std::string> final(std::string_view client_final);
  /// A server-final with the signature a broker that does not know the password would make.
  std::string forged_final() const { return "v=" + std::string(44, 'A'); }

 private:
  std::string user_, salt_, stored_key_, server_key_;
  std::uint32_t iterations_;
  std::string client_first_bare_, server_first_, nonce_;
};

/// The reason code, Authentication Method and Authentication Data of an MQTT 5 CONNECT, AUTH
/// or CONNACK packet (whole, fixed header included).
struct AuthFields {
  std::uint8_t type = 0;  ///< packet type (high nibble of the first byte)
  std::uint8_t reason = 0;
  std::optional<std::string> method;
  std::optional<std::string> data;
};
std::optional<AuthFields> auth_fields(const Bytes& packet);

/// AUTH (type 15) or CONNACK (type 2) with `reason` and the two properties.
Bytes auth_packet(std::uint8_t reason, std::string_view method, std::string_view data);
Bytes connack_packet(std::uint8_t reason, std::string_view method, std::string_view data);

}  // namespace portmqtt::test
