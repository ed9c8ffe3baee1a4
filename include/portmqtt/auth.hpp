/// \file
/// MQTT 5 enhanced authentication (MQTT 5 §4.12): the Authenticator interface a client runs,
/// and a ready SCRAM authenticator (RFC 5802, RFC 7677) built on OpenSSL.
///
/// How an exchange goes, with Credentials::authenticator set on an MQTT 5 client:
///
///   CONNECT  Authentication Method = method(), Authentication Data = initial_data(false)
///   AUTH 0x18 from the broker   -> continue_authentication(its data) -> AUTH 0x18 with ours
///   ... as many steps as the method needs ...
///   CONNACK 0x00 from the broker -> finish(its data): an error refuses the broker
///
/// and, while connected, Client::reauthenticate():
///
///   AUTH 0x19 with initial_data(true), AUTH 0x18 steps as above, AUTH 0x00 -> finish().
///
/// The client checks the packets itself: an AUTH from a broker that was not asked for enhanced
/// authentication [MQTT-4.12.0-6], an Authentication Method other than the one in CONNECT
/// [MQTT-4.12.0-5], AUTH Success before CONNACK or AUTH Re-authenticate from the broker end the
/// connection with DISCONNECT 0x82 (Protocol Error) and an Error event (errc::protocol_error,
/// Error::cause naming the rule). A CONNACK success without an Authentication Method is
/// tolerated (some brokers omit it); finish() then sees empty data. An authenticator error
/// ends the connection with DISCONNECT 0x80 (Unspecified error: we tell the broker nothing
/// more) and an Error event with errc::authentication_failed whose cause is the
/// authenticator's error; the client then stops as after a fatal CONNACK refusal (unless
/// ReconnectConfig::retry_after_fatal_refusal), since retrying cannot fix it. A broker that
/// refuses answers CONNACK 0x86/0x87/0x8C (or DISCONNECT after a re-authentication): the
/// usual connection_refused / server_disconnected.
///
/// Threads: an authenticator's functions run on the client's loop thread (and
/// initial_data(true) on the thread calling reauthenticate()), one at a time, while the
/// client's internal lock is held: they must not call the Client, and they should be quick
/// (SCRAM's PBKDF2 takes a few milliseconds at 4096 iterations). Give each client its own
/// authenticator object: it holds the state of one exchange at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "portmqtt/error.hpp"

namespace portmqtt {

/// One enhanced-authentication method, run by the client (see the top of this file).
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  /// The Authentication Method property ("SCRAM-SHA-256"); the same on every call.
  virtual std::string method() const = 0;
  /// Begins an exchange and returns the Authentication Data for CONNECT (`reauthentication`
  /// false) or for AUTH Re-authenticate (true); empty: none is sent. An error ends the
  /// connection attempt before CONNECT is sent (or fails reauthenticate(), connection kept).
  virtual Result<std::string> initial_data(bool reauthentication) = 0;
  /// The broker sent AUTH Continue authentication with `server_data`; returns the data of our
  /// answering AUTH Continue authentication. An error ends the connection (DISCONNECT 0x80).
  virtual Result<std::string> continue_authentication(std::string_view server_data) = 0;
  /// The broker accepted (CONNACK Success, or AUTH Success after a re-authentication) with
  /// `server_data` (empty when it sent none). An error refuses the broker: the connection ends
  /// (DISCONNECT 0x80) before anything else is sent on it.
  virtual std::error_code finish(std::string_view server_data) = 0;
  /// The exchange ended without finish(): the broker refused, the connection was lost, or an
  /// error above ended it. Forget the exchange; the next one starts with initial_data().
  virtual void abort() {}
};

/// Why a ready authenticator (ScramAuthenticator) refused to go on; the Error event of the
/// connection carries it as Error::cause, behind errc::authentication_failed.
enum class auth_errc {
  /// The user name or password holds a character outside printable ASCII: SASLprep (RFC
  /// 4013), which SCRAM asks for, is not implemented, and a password it would change could
  /// not match the broker's. Fails before anything is sent.
  not_printable_ascii = 1,
  /// The server-first or server-final message does not follow RFC 5802 §7.
  malformed_server_message,
  /// The server's nonce does not begin with ours (RFC 5802 §5.1): a replay or an impostor.
  nonce_mismatch,
  /// The iteration count is outside ScramOptions' bounds (RFC 7677 §4 asks for 4096 at least;
  /// the upper bound keeps a broker from stalling the loop thread).
  iteration_count_out_of_range,
  /// The server-final message carried an error (`e=...`, RFC 5802 §7).
  server_error,
  /// The server's signature is wrong: the broker could not prove that it knows the password.
  server_signature_invalid,
  /// A step came that the exchange was not waiting for (e.g. finish() before the server-first
  /// message).
  unexpected_step,
  /// OpenSSL failed (random bytes, PBKDF2, HMAC).
  crypto_failure,
};

/// The category of auth_errc ("portmqtt.auth").
const std::error_category& auth_category() noexcept;
std::error_code make_error_code(auth_errc e) noexcept;

/// The hash function of a SCRAM mechanism.
enum class ScramHash : std::uint8_t {
  sha1,    ///< SCRAM-SHA-1 (RFC 5802)
  sha256,  ///< SCRAM-SHA-256 (RFC 7677)
  sha512,  ///< SCRAM-SHA-512
};

struct ScramOptions {
  ScramHash hash = ScramHash::sha256;
  /// Iteration counts the broker may ask for; others fail with iteration_count_out_of_range.
  std::uint32_t minimum_iterations = 4096;
  std::uint32_t maximum_iterations = 1'000'000;
  /// Makes the client nonce of each exchange (printable ASCII without ','). Empty: 24 bytes
  /// from OpenSSL's RAND_bytes, base64-encoded. Set it only to replay published test vectors:
  /// a predictable nonce weakens the exchange.
  std::function<std::string()> nonce;
};

/// SCRAM (RFC 5802) without channel binding (gs2 header "n,,"), method "SCRAM-SHA-256" by
/// default. The client proves it knows the password without sending it, and finish() checks
/// the server's signature: a broker that cannot prove it knows the password is refused
/// (auth_errc::server_signature_invalid) and the client never reports Connected to it.
///
/// SASLprep: user name and password must be printable ASCII (0x20..0x7E), which SASLprep
/// leaves unchanged; anything else fails with auth_errc::not_printable_ascii rather than
/// being sent unprepared. In the user name, ',' and '=' are escaped as RFC 5802 §5.1 says.
/// The password is wiped from memory when the authenticator is destroyed.
class ScramAuthenticator final : public Authenticator {
 public:
  ScramAuthenticator(std::string username, std::string password, ScramOptions options = {});
  ~ScramAuthenticator() override;
  ScramAuthenticator(const ScramAuthenticator&) = delete;
  ScramAuthenticator& operator=(const ScramAuthenticator&) = delete;

  /// "SCRAM-SHA-1", "SCRAM-SHA-256" or "SCRAM-SHA-512".
  std::string method() const override;
  /// The client-first message ("n,,n=user,r=nonce").
  Result<std::string> initial_data(bool reauthentication) override;
  /// Takes the server-first message, returns the client-final message with the proof.
  Result<std::string> continue_authentication(std::string_view server_data) override;
  /// Checks the server-final message ("v=signature").
  std::error_code finish(std::string_view server_data) override;
  void abort() override;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace portmqtt

template <>
struct std::is_error_code_enum<portmqtt::auth_errc> : std::true_type {};
