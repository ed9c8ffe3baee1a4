// The enhanced-authentication method the session drives (MQTT 5 §4.12): a port that the runtime
// fills with the application's portmqtt::Authenticator, so that the whole exchange, checks
// included, happens inside the sans-I/O state machine.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace portmqtt::session {

/// Calls come from the code driving the session, one at a time. Authentication Data is binary.
class AuthMethod {
 public:
  virtual ~AuthMethod() = default;
  /// The Authentication Method property; the same for the whole life of the object.
  virtual std::string_view name() const = 0;
  /// Starts an exchange: fills `data` with the Authentication Data of CONNECT
  /// (`reauthentication` false) or of AUTH 0x19 (true). Empty: no Authentication Data.
  virtual std::error_code start(bool reauthentication, std::string& data) = 0;
  /// The broker sent AUTH 0x18 with `server_data`: fills `data` with the answer.
  virtual std::error_code next(std::string_view server_data, std::string& data) = 0;
  /// The broker accepted (CONNACK 0x00, or AUTH 0x00 after a re-authentication) with
  /// `server_data`; an error refuses the broker.
  virtual std::error_code finish(std::string_view server_data) = 0;
  /// The exchange ended without finish(): refused, failed or the connection was lost.
  virtual void abort() = 0;
};

}  // namespace portmqtt::session
