/// \file
/// Configuration of a portmqtt::Client: plain structs with defaults, made for designated
/// initialisers:
///
///   portmqtt::Config config{
///       .broker = {.uri = "mqtt://user:secret@broker.local:1883"},
///       .credentials = {.client_id = "sensor-7"},
///       .session = {.protocol_version = portmqtt::ProtocolVersion::v5},
///   };
///
/// Defaults follow ESP-MQTT where it has one (keep-alive 120 s, network timeout 10 s), except
/// where ESP's would lose messages, time or bandwidth: the outbox never expires (ESP: 30 s),
/// reconnecting starts after 100 ms and backs off with jitter up to 500 ms (ESP: every 10 s),
/// and MQTT 3.x messages are resent only after a reconnect (ESP: every 1 s on a live
/// connection). The ESP facade sets ESP's own values.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "portmqtt/auth.hpp"
#include "portmqtt/log.hpp"
#include "portmqtt/message.hpp"
#include "portmqtt/packet_trace.hpp"
#include "portmqtt/properties.hpp"
#include "portmqtt/tls_config.hpp"
#include "portmqtt/uri.hpp"

namespace portmqtt {

using Milliseconds = std::chrono::milliseconds;
using Seconds = std::chrono::seconds;

/// How bytes reach the broker.
enum class TransportKind : std::uint8_t {
  tcp,               ///< mqtt://  (default port 1883)
  tls,               ///< mqtts:// (default port 8883)
  websocket,         ///< ws://    (default port 80)
  websocket_secure,  ///< wss://   (default port 443), with every TlsConfig option
  /// A Unix-domain stream socket: the socket file is BrokerConfig::path (e.g. mosquitto's
  /// `listener 0 /run/mosquitto/mqtt.sock`); host and port are unused. No URI form.
  unix_socket,
};

/// MQTT 5 server redirection (§4.11): a CONNACK or DISCONNECT with reason Use another server
/// (0x9C) or Server moved (0x9D) and a Server Reference property naming other servers
/// (space-separated `host[:port]`, IPv6 literals in brackets).
struct RedirectConfig {
  /// Follow it: the next attempt goes at once to the first server of the reference, with the
  /// scheme, path, TLS and credentials of the broker that sent it, and its port when the
  /// reference gives none; if that one fails, to the next of the reference, then back to the
  /// broker list. false: such a refusal or DISCONNECT is handled like any other.
  bool follow = true;
  /// Redirections followed in a row without a successful connection, at most; a reference
  /// to a server already visited in the same chain is a loop and is not followed either.
  unsigned max_hops = 4;
  /// Server moved (0x9D): use the new server in place of the old one for the rest of the
  /// client's life (until the broker list changes), as the reason code asks.
  bool remember_moved = true;
};

/// Where the broker is: either a URI or host/port/transport/path.
struct BrokerConfig {
  /// `scheme://[user[:password]@]host[:port][/path][?query]` with scheme mqtt, mqtts, ws or
  /// wss (any case). IPv6 literals go in brackets. user and password are percent-decoded. When
  /// set it wins over host, transport and path; its port wins over `port` when present, and
  /// its user/password over the credentials when present (ESP-MQTT rules).
  std::string uri;
  std::string host;        ///< name, IPv4 literal or IPv6 literal (without brackets)
  std::uint16_t port = 0;  ///< 0: the transport's default port
  TransportKind transport = TransportKind::tcp;
  /// WebSocket path (with the query, if any); empty means "/". For unix_socket: the socket
  /// file.
  std::string path;
  /// Failover: more brokers, as URIs of the same form as `uri`, after the broker above. An
  /// attempt that gets no CONNACK (DNS, TCP, TLS, timeout) or a refusal moves on to the next
  /// broker at once; when every broker of the list failed once, the reconnect delay
  /// (ReconnectConfig, back-off and jitter included) comes before the next round. The client
  /// is sticky: after a connection to a broker is lost it tries that broker again first.
  /// BeforeConnect, Connected and Disconnected name the broker of each attempt. Checked by
  /// Client::start() and set_config() (invalid_uri).
  std::vector<std::string> failover_uris;
  /// Try the brokers in a random order (drawn once when the list is set) instead of as listed.
  bool shuffle = false;
  RedirectConfig redirect;
};

/// Who we are.
struct Credentials {
  /// Empty is allowed: an MQTT 5 broker assigns one; a 3.1.1 broker accepts it only with a
  /// clean session. (The ESP facade substitutes its own default id.)
  std::string client_id;
  std::optional<std::string> username;
  std::optional<std::string> password;  ///< binary allowed
  /// MQTT 5 enhanced authentication (auth.hpp): its method and data go into CONNECT and it
  /// answers the broker's AUTH steps; Client::reauthenticate() runs it again while connected.
  /// It replaces any Authentication Method/Data in SessionConfig::connect_properties. Null:
  /// none (an Authentication Method in connect_properties then leaves the AUTH exchange to
  /// the application: AuthReceived events answered with Client::auth()). start() fails with
  /// not_supported_by_version when it is set on an MQTT 3.x configuration.
  std::shared_ptr<Authenticator> authenticator;
};

/// What MQTT session we ask for.
struct SessionConfig {
  ProtocolVersion protocol_version = ProtocolVersion::v3_1_1;
  /// Clean Session (3.x) / Clean Start (5). For a persistent MQTT 5 session also set a Session
  /// Expiry Interval in connect_properties.
  bool clean_session = true;
  /// Keep-alive announced in CONNECT. Zero disables pings. PINGREQ goes out after half of it
  /// without traffic; no PINGRESP within the other half closes the connection.
  Seconds keep_alive{120};
  /// The last will, published by the broker when the connection ends without DISCONNECT.
  std::optional<Message> last_will;
  /// MQTT 5 CONNECT properties (Session Expiry Interval, Receive Maximum, Topic Alias Maximum,
  /// User Properties, ...). Maximum Packet Size is added from buffer.max_packet_size when
  /// not given here.
  Properties connect_properties;
  /// MQTT 3.x: resend an unacknowledged PUBLISH/PUBREL on a live connection after this long
  /// (ESP-MQTT's behaviour, which the ESP facade keeps at its 1 s); zero, the default here,
  /// resends only after a reconnect, as MQTT 5 requires and MQTT 3.1.1 §4.4 expects. TCP does
  /// not lose data on a live connection, so a resend only helps against a broker that drops
  /// what it received; under load (10,000 clients on one loop) acknowledgements took over a
  /// second and a 1 s interval delivered 49,000 QoS 1 duplicates for 30,000 messages.
  Milliseconds retransmit_interval{0};
  /// At most this many QoS 1/2 PUBLISHes unacknowledged at once (the broker's Receive Maximum
  /// applies as well); the rest wait in the outbox. Zero: automatic, which is the broker's
  /// Receive Maximum for MQTT 5 and 20 for MQTT 3.x. MQTT 3.x has no flow control, and
  /// brokers bound what they hold per client: mosquitto (max_inflight_messages, default 20)
  /// acknowledges further QoS 2 messages from a 3.x client with PUBREC and then drops them.
  std::uint16_t max_inflight = 0;
  /// MQTT 5: automatic outbound topic aliases. A PUBLISH without a Topic Alias of its own
  /// gets one, so that a topic sent again on the same connection goes as 3 bytes of property
  /// instead of its name. At most this many aliases are used, and at most the broker's Topic
  /// Alias Maximum (CONNACK; without one, none). When all are taken, the least recently used
  /// one is given to the new topic. Topics of 3 bytes or less are never aliased (no gain).
  /// Aliases start afresh on every connection; a QoS 1/2 message resent after a reconnect
  /// carries its full topic again. Aliases the application sets itself (Topic Alias property)
  /// still work and take precedence. 0: off (the default).
  std::uint16_t auto_topic_aliases = 0;
  /// When a CONNACK says session-present 0 (a clean session, an expired one, another broker),
  /// subscribe again to every filter subscribe() asked for and unsubscribe() did not remove,
  /// request by request with their options and properties, right after the CONNACK and before
  /// the Connected handler runs. Connected::resubscribed counts the filters; a Subscribed
  /// event follows for each request. Requests the broker refused are repeated too; a request
  /// the new broker cannot take at all (feature_not_available) is left out. stop() forgets
  /// the subscriptions. On by default here; the ESP facade turns it off (ESP-MQTT leaves
  /// re-subscribing to the application, usually in its CONNECTED handler).
  bool resubscribe_on_session_lost = true;
};

/// When to try again after a connection ends. The defaults come back fast: 100 ms after a
/// loss, then doubling with +-20 % jitter up to 500 ms, so a client is back within about half a
/// second of its broker (ESP-MQTT: a fixed 10 s, which the ESP facade keeps).
struct ReconnectConfig {
  bool enabled = true;  ///< false: stay in waiting_reconnect until Client::reconnect()
  /// Delay before the next attempt (the first delay when back-off is on).
  Milliseconds interval{100};
  /// Grow the delay after every failed attempt: interval * multiplier^n, capped at
  /// max_interval, each delay randomised by +-jitter (never above max_interval). Reset by a
  /// successful CONNACK.
  bool exponential_backoff = true;
  double multiplier = 2.0;
  Milliseconds max_interval{500};
  double jitter = 0.2;  ///< fraction of the delay, 0..1
  /// A CONNACK refusal that retrying cannot fix (is_fatal_refusal(): bad user name or
  /// password, not authorized, client id not valid, banned, unsupported protocol version, bad
  /// authentication method) stops the client: Error with `fatal` set, then Disconnected,
  /// then state() is stopped. true: treat it like any other failure and keep retrying (the
  /// ESP facade's default, as ESP-MQTT does).
  bool retry_after_fatal_refusal = false;
};

/// TCP keep-alive probes (SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT).
struct TcpKeepAliveConfig {
  bool enabled = false;
  Seconds idle{5};
  Seconds interval{5};
  int count = 3;
};

/// How the connection is made and kept: timeouts, reconnects, TCP options, the local address.
struct NetworkConfig {
  /// Bounds the TCP connect (DNS included), the CONNACK wait, and how long publish() waits
  /// for room in a full send queue or outbox.
  Milliseconds timeout{10'000};
  ReconnectConfig reconnect;
  /// Non-zero: after the connection has been up this long, drop it without DISCONNECT (the
  /// broker publishes the will) and reconnect at once (ESP refresh_connection_after_ms).
  Milliseconds refresh_connection_after{0};
  TcpKeepAliveConfig tcp_keep_alive;
  /// TCP_USER_TIMEOUT: the longest that data we sent may stay unacknowledged by the peer's TCP
  /// (including a closed window the peer never reopens) before the kernel drops the connection
  /// and the client reconnects (the Disconnected event carries ETIMEDOUT). Applied to every
  /// scheme over TCP (mqtt, mqtts, ws, wss), handshakes included. It shortens how long a dead
  /// link with publishes in flight goes unnoticed: 1500 ms noticed a black-holed link in about
  /// 2 s (1.7-2.2) in tests/fault, where the MQTT keep-alive alone takes up to one keep-alive (a
  /// PINGREQ after half of it without traffic either way, then half of it for the PINGRESP),
  /// and Linux's own limit is about 15 minutes of retransmissions. With TCP keep-alive on, it
  /// also bounds the probes. An idle link has nothing unacknowledged: the keep-alive finds it.
  /// 0 (the default): the system's behaviour. No default is set because the right value is the
  /// longest stall the link may legitimately have (a cellular handover, a congested uplink),
  /// which the library cannot know; a value below it turns every such stall into a reconnect.
  /// The keep-alive already bounds detection on every link, with or without data in flight.
  Milliseconds tcp_user_timeout{0};
  /// Bind the socket to this interface (SO_BINDTODEVICE; needs CAP_NET_RAW). Empty: any.
  std::string interface_name;
  /// Local IP address the socket binds to before connecting (mosquitto's -A), e.g.
  /// "127.0.0.2" or "::1"; the port is chosen by the system. A broker address of the other
  /// family is skipped. Empty: the system picks the source address.
  std::string bind_address;
  /// Connect through a proxy (mqtt, mqtts, ws and wss alike; TLS runs end to end inside the
  /// tunnel): `http://[user[:password]@]host[:port]` for HTTP CONNECT with Basic
  /// authentication (port 8080 by default), `socks5://` or `socks5h://` with the same parts
  /// for SOCKS5 with username/password (port 1080). http:// and socks5h:// let the proxy
  /// resolve the broker's name; socks5:// resolves it here and gives the proxy an address
  /// (IPv4 when there is one). network.timeout bounds the proxy handshake too. Failures are
  /// Error events of ErrorKind::transport whose code is in the "portmqtt.proxy" category
  /// (refused, authentication failed, host unreachable, not a proxy). Checked by start() and
  /// set_config() (invalid_uri). Empty: connect directly.
  std::string proxy;
};

/// BufferConfig::max_packet_size by default: 16 MiB.
inline constexpr std::uint32_t kDefaultMaxPacketSize = 16U * 1024U * 1024U;

/// Receive buffer, packet size limit, message fragments and the send-queue bound.
struct BufferConfig {
  /// Initial size of the receive buffer. It grows to the size of the largest packet received
  /// (up to max_packet_size) and keeps that size.
  std::size_t receive_size = 4096;
  /// Largest packet we accept from the broker, in every protocol version; MQTT 5 announces
  /// it in CONNECT as Maximum Packet Size, so the broker drops bigger messages for us instead
  /// of sending them. MQTT 3.x cannot announce it: a bigger packet closes the connection with
  /// errc::packet_too_large (Error::cause gives both sizes) as soon as its header arrives.
  /// The default, 16 MiB, takes firmware images and camera frames whole, and bounds what a
  /// broker can make us hold: a packet is held whole (or fragment_size at a time through the
  /// handler, but whole in the receive buffer), and memory grows only as its bytes arrive,
  /// never to a length merely announced. 0: the protocol maximum (268,435,460 bytes).
  std::uint32_t max_packet_size = kDefaultMaxPacketSize;
  /// 0: every message arrives in one MessageReceived event. Otherwise a message whose
  /// payload is longer than this arrives as a series of events carrying at most this many
  /// payload bytes each, with offset and total_size set (ESP DATA fragments).
  std::size_t fragment_size = 0;
  /// Backpressure threshold: when this many bytes are queued but not yet written to the
  /// socket, publish() waits (up to network.timeout) and enqueue() fails at once, both with
  /// errc::send_queue_full.
  std::size_t send_queue_limit = 4 * 1024 * 1024;
};

/// When a message handed to a durable outbox store is on disk.
enum class StoreDurability : std::uint8_t {
  /// Each publish()/enqueue() returns once its record is committed (fsync'd with store_sync):
  /// a returned packet id is a message that survives any crash. A few hundred to a few
  /// thousand messages per second, as fast as the disk syncs (about 12,000 without fsync).
  per_message,
  /// Records are committed in batches, every group_commit_interval or group_commit_messages
  /// changes; Client::flush_store() waits for the batch. Over 100,000 messages per second;
  /// a crash loses what was accepted since the last commit.
  group,
};

/// The outbox holds QoS 1/2 publishes until they are acknowledged, and QoS 0 ones stored
/// while offline. Without limits it holds as many messages as memory allows (set a limit for
/// bounded memory: publish() then waits for room instead of failing).
///
/// With store_path set it is kept in an SQLite file as well, and a client started again with
/// the same file (and client id, with a persistent session: SessionConfig::clean_start false)
/// resends what was in flight (DUP set, same packet ids; PUBREL for messages the broker had
/// acknowledged with PUBREC) and what was queued, in order. The file is locked while the client
/// exists; stop() keeps its records (the in-memory outbox is dropped by stop()).
struct OutboxConfig {
  /// 0: unlimited. At the limit publish() waits for room (wait_when_full) and enqueue() fails
  /// at once with outbox_full.
  std::size_t limit_bytes = 0;
  std::size_t limit_messages = 0;  ///< 0: unlimited; as limit_bytes
  /// Whether publish() waits (up to network.timeout) for room in a full outbox. False: it
  /// fails at once with outbox_full (ESP-MQTT's -2).
  bool wait_when_full = true;
  /// Items older than this are dropped and reported with a Deleted event (and their
  /// completion, delivery_errc::expired). Zero: never (the default; ESP-MQTT: 30 s).
  Milliseconds expiry{0};
  /// True: a QoS 1/2 publish takes its packet id when publish() accepts it (ESP-MQTT's msg_id
  /// contract, used by the ESP facade); then at most 65,535 such messages wait at once, and
  /// publish() waits for an id like for room. False (default): the id is bound when the
  /// message goes in flight, and only the limits above bound the outbox.
  bool packet_id_on_accept = false;
  /// How long stop() (and the destructor) waits for what is queued to be delivered before it
  /// disconnects and drops the rest.
  Milliseconds stop_drain_timeout{10'000};
  /// When the broker reports no session after a reconnect: true resends what is queued as
  /// new messages (ESP-MQTT), false drops it with Deleted events.
  bool resend_after_lost_session = true;

  /// Empty: the outbox lives in memory only. Otherwise the path of its SQLite file, created
  /// when absent. Opened when the client is made or set_config() changes it (not while
  /// running); start() fails with the open error (errc::store_corrupt, store_foreign,
  /// store_version_unsupported, store_locked, store_cannot_open) and Client::store_status()
  /// names the file and the cause.
  std::string store_path;
  /// group by default: measured at about 200,000 QoS 1 msgs/s against 550 for per_message
  /// on an ordinary disk (bench/results/store.md). The ESP facade uses per_message.
  StoreDurability store_durability = StoreDurability::group;
  Milliseconds group_commit_interval{10};    ///< group: longest wait for a commit
  std::size_t group_commit_messages = 1000;  ///< group: changes that commit at once
  /// fsync at each commit: survives power loss. false: survives a crash of the process only.
  bool store_sync = true;
  /// A corrupt, foreign or newer store file is renamed to "<path>.unusable" and a new store
  /// created, instead of the open failing.
  bool store_start_fresh = false;
};

/// The client's own loop thread (ESP "MQTT task"); ignored with a shared EventLoop.
struct TaskConfig {
  /// Stack size in bytes; 0: the system default. Applied with pthread_attr_setstacksize,
  /// raised to at least 64 KiB (ESP's 6144-byte default is too small for Linux).
  std::size_t stack_size = 0;
  /// 0: leave the scheduling alone. Otherwise a SCHED_RR priority, applied only when the
  /// process may (CAP_SYS_NICE); silently ignored otherwise.
  int priority = 0;
};

/// WebSocket settings for ws:// and wss://. The upgrade asks for the subprotocol "mqtt" (and
/// fails with websocket_upgrade_failed unless the server selects it) at BrokerConfig::path
/// (query kept; "/" when empty). MQTT packets travel in binary messages; a packet may span
/// messages and a message may hold several packets.
struct WebSocketConfig {
  /// Extra HTTP headers of the upgrade request, as (name, value) pairs (e.g. Authorization).
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Everything a Client needs. Copyable; Client::set_config() replaces it as a whole.
// --- request/response and application acknowledgement ---------------------------------------

/// Client::request() (MQTT 5 request/response, §4.10).
struct RequestResponseConfig {
  /// MQTT 5: CONNECT carries Request Response Information = 1 (unless connect_properties has
  /// that property already), so a broker that offers Response Information returns it in
  /// CONNACK. request() then uses `<Response Information>/<random>` as its response topic,
  /// the place such a broker lets this client subscribe to; without it,
  /// `<response_topic_prefix>/<client id>/<random>`. Brokers that offer nothing (mosquitto)
  /// simply ignore the request. The ESP facade turns it off (ESP-MQTT does not send it).
  bool request_response_information = true;
  /// The first levels of the response topic when the broker gives no Response Information.
  std::string response_topic_prefix = "portmqtt/rr";
  /// QoS of the response subscription: the most a response is delivered with.
  QoS response_qos = QoS::at_least_once;
};

/// What happens to received QoS 1/2 messages.
struct InboundConfig {
  /// The application acknowledges each QoS 1/2 message itself, with Client::ack() and
  /// MessageReceived::ack_handle, once it has processed it ("at least once into my database").
  /// Its PUBACK (QoS 1) or PUBREC (QoS 2) goes out then, in the order the messages arrived
  /// (MQTT §4.6: an early ack waits for the messages before it); PUBREL/PUBCOMP stay
  /// automatic. Messages not yet acknowledged count against this client's Receive Maximum
  /// (MQTT 5: connect_properties, default 65,535; the broker sends no more beyond it; a
  /// broker that goes beyond it is tolerated up to twice the limit, as mosquitto 2.0.11 keeps
  /// one message too many in flight once acknowledgements lag). MQTT 3.x has no such limit:
  /// the broker's own in-flight bound applies (mosquitto: max_inflight_messages, default 20). When
  /// the connection ends, what was not acknowledged is sent again by the broker (DUP) and delivered
  /// again with a new handle. Off by default: messages are acknowledged after their on_message
  /// handler returned.
  bool manual_ack = false;
};

struct Config {
  BrokerConfig broker;
  Credentials credentials;
  SessionConfig session;
  NetworkConfig network;
  BufferConfig buffer;
  OutboxConfig outbox;
  TaskConfig task;
  TlsConfig tls;
  WebSocketConfig websocket;
  /// Debugging: called with every packet sent and received (see packet_trace.hpp). Empty:
  /// no tracing, no cost. Taken at each connection attempt.
  PacketTraceHandler packet_trace;
  /// This client's log sink and threshold (see log.hpp); unset: the process-wide ones. Taken
  /// when the client is made and at each connection attempt.
  LogConfig log;
  RequestResponseConfig request_response;  ///< Client::request()
  InboundConfig inbound;                   ///< Client::ack()
};

}  // namespace portmqtt
