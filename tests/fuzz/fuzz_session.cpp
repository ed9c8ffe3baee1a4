// Whole-session fuzz target: a connected session driven by an interleaving, chosen by the fuzz
// input, of received bytes, time passing, commands and reconnects. Outputs and events are
// drained after every step, and every byte an event points at is read, so a view that outlived
// its storage shows up under AddressSanitizer.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "session/session.hpp"

namespace {

using namespace portmqtt;
using session::Session;
using session::TimePoint;

/// Reads the fuzz input front to back; past the end it yields zeros.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return at_ >= size_; }
  std::uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
  codec::ByteView bytes(std::size_t n) {
    n = std::min(n, size_ - std::min(at_, size_));
    codec::ByteView v{data_ + at_, n};
    at_ += n;
    return v;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

volatile std::uint8_t sink;

void touch(std::string_view s) {
  for (char c : s)
    sink = static_cast<std::uint8_t>(sink ^ static_cast<std::uint8_t>(c));
}

void touch(const codec::Properties& props) {
  for (const auto& p : props) {
    touch(p.text);
    touch(p.value);
  }
}

void drain(Session& s) {
  session::OutputBatch batch = s.take_output();
  for (auto view : batch.buffers()) {
    for (auto b : view)
      sink = static_cast<std::uint8_t>(sink ^ b);
  }
  s.recycle(std::move(batch));
  while (auto event = s.next_event()) {
    std::visit(
        [](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, session::MessageReceived>) {
            touch(e.publish.topic);
            touch(e.publish.payload);
            touch(e.publish.props);
          } else if constexpr (std::is_same_v<T, session::Connected>) {
            touch(e.assigned_client_id);
            touch(e.props);
          } else if constexpr (requires { e.props; }) {
            touch(e.props);
          }
        },
        *event);
  }
}

/// An enhanced-authentication method whose answers fail now and then, so that the AUTH paths
/// (steps, final checks, re-authentication) run on whatever the broker bytes say.
class FuzzAuth final : public session::AuthMethod {
 public:
  std::string_view name() const override { return "F"; }
  std::error_code start(bool, std::string& data) override {
    data = "first";
    return {};
  }
  std::error_code next(std::string_view server_data, std::string& data) override {
    data.assign(server_data);
    return fails() ? std::make_error_code(std::errc::permission_denied) : std::error_code{};
  }
  std::error_code finish(std::string_view server_data) override {
    touch(server_data);
    return fails() ? std::make_error_code(std::errc::permission_denied) : std::error_code{};
  }
  void abort() override {}

 private:
  bool fails() { return ++calls_ % 3 == 0; }
  unsigned calls_ = 0;
};

session::Config make_config(Input& in) {
  const std::uint8_t bits = in.byte();
  session::Config c;
  static constexpr std::array kVersions{codec::ProtocolVersion::v3_1,
                                        codec::ProtocolVersion::v3_1_1, codec::ProtocolVersion::v5};
  c.version = kVersions[bits % 3];
  c.client_id = "fuzz";
  c.clean_start = (bits & 0x04) != 0;
  const std::uint8_t keep_alive = in.byte();
  c.keep_alive_s = static_cast<std::uint16_t>(keep_alive % 8);
  if (keep_alive & 0x80) c.authenticator = std::make_shared<FuzzAuth>();
  c.retransmit_interval = std::chrono::milliseconds{(bits & 0x08) ? 500 : 0};
  c.outbox_expiry = std::chrono::milliseconds{(bits & 0x10) ? 3000 : 0};
  c.outbox_limit_messages = (bits & 0x20) ? 8 : 0;
  c.outbox_limit_bytes = (bits & 0x40) ? 256 : 0;
  c.lost_session_policy = (bits & 0x80) ? session::LostSessionPolicy::discard
                                        : session::LostSessionPolicy::resend_as_new;
  if (c.version == codec::ProtocolVersion::v5) {
    const std::uint8_t limits = in.byte();
    c.connect_props.add(codec::PropertyId::receive_maximum, 1u + (limits & 0x03));
    c.connect_props.add(codec::PropertyId::topic_alias_maximum, (limits >> 2) & 0x03);
    c.connect_props.add(codec::PropertyId::maximum_packet_size, 32u + (limits >> 4) * 16u);
  }
  return c;
}

/// A valid CONNACK for the version, with a few MQTT 5 limits chosen by the input.
std::vector<std::uint8_t> connack(codec::ProtocolVersion version, Input& in) {
  const std::uint8_t bits = in.byte();
  const auto present = static_cast<std::uint8_t>(bits & 0x01);
  if (version != codec::ProtocolVersion::v5) return {0x20, 0x02, present, 0x00};
  return {0x20,
          0x0D,
          present,
          0x00,
          0x0A,
          0x21,
          0x00,
          static_cast<std::uint8_t>(1 + ((bits >> 1) & 0x03)),  // receive maximum
          0x22,
          0x00,
          static_cast<std::uint8_t>((bits >> 3) & 0x03),  // topic alias max
          0x24,
          static_cast<std::uint8_t>((bits >> 5) % 3),  // maximum QoS
          0x25,
          static_cast<std::uint8_t>(bits >> 7)};  // retain available
}

constexpr std::array<std::string_view, 6> kTopics{"a", "a/b", "", "a/+", "$share/g/a", "#"};

void publish(Session& s, Input& in, TimePoint now) {
  const std::uint8_t bits = in.byte();
  codec::Publish p;
  p.topic = kTopics[bits % kTopics.size()];
  p.qos = static_cast<codec::QoS>((bits >> 3) & 0x03);
  p.retain = (bits & 0x20) != 0;
  const std::uint8_t n = in.byte();
  codec::ByteView payload = in.bytes(n % 48);
  p.payload = {reinterpret_cast<const char*>(payload.data()), payload.size()};
  if ((bits & 0x40) && s.config().version == codec::ProtocolVersion::v5) {
    p.props.add(codec::PropertyId::topic_alias, in.byte() % 4);
  }
  s.publish(p, now, {.store_qos0_when_offline = (bits & 0x80) != 0});
}

void subscribe(Session& s, Input& in, TimePoint now) {
  const std::uint8_t bits = in.byte();
  codec::Subscription subs[2] = {{kTopics[bits % kTopics.size()], {}},
                                 {kTopics[(bits >> 3) % kTopics.size()], {}}};
  subs[0].options.max_qos = static_cast<codec::QoS>((bits >> 6) % 3);
  subs[1].options.no_local = (bits & 0x80) != 0;
  s.subscribe({subs, 1u + (bits & 0x01)}, {}, now);
}

void unsubscribe(Session& s, Input& in, TimePoint now) {
  const std::uint8_t bits = in.byte();
  std::string_view filters[2] = {kTopics[bits % kTopics.size()],
                                 kTopics[(bits >> 3) % kTopics.size()]};
  s.unsubscribe({filters, 1u + (bits & 0x01)}, {}, now);
}

void reconnect(Session& s, Input& in, TimePoint now, std::vector<std::uint8_t>& pending) {
  s.connection_lost(now);
  pending.clear();
  drain(s);
  s.connection_opened(now);
  drain(s);
  if (in.byte() & 0x01) {
    auto bytes = connack(s.config().version, in);
    s.receive({bytes.data(), bytes.size()}, now);
  }
}

void check_deadline(const Session& s, TimePoint now) {
  // tick(now) must leave no timer due at or before `now`, or the runtime would spin.
  if (auto deadline = s.next_deadline(); deadline && *deadline <= now) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  Session s(make_config(in));
  TimePoint now{std::chrono::hours{1}};
  s.connection_opened(now);
  auto first = connack(s.config().version, in);
  s.receive({first.data(), first.size()}, now);
  drain(s);
  std::vector<std::uint8_t> pending;  // received bytes not consumed yet, as a runtime keeps them
  while (!in.empty()) {
    switch (in.byte() % 8) {
      case 0:
      case 1: {
        codec::ByteView chunk = in.bytes(in.byte() % 64);
        pending.insert(pending.end(), chunk.begin(), chunk.end());
        const std::size_t used = s.receive({pending.data(), pending.size()}, now);
        if (used > pending.size()) std::abort();
        drain(s);  // events borrow from `pending`: read them before it changes
        pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(used));
        break;
      }
      case 2:
        now += std::chrono::milliseconds{in.byte() * 50};
        s.tick(now);
        check_deadline(s, now);
        break;
      case 3:
        publish(s, in, now);
        break;
      case 4:
        subscribe(s, in, now);
        break;
      case 5:
        unsubscribe(s, in, now);
        break;
      case 6:
        reconnect(s, in, now, pending);
        break;
      case 7: {
        const std::uint8_t what = in.byte() % 4;
        if (what == 0) s.disconnect(codec::ReasonCode::normal_disconnection, {}, now);
        if (what == 1) {
          s.auth(codec::ReasonCode::re_authenticate, {}, now);
          s.reauthenticate(now);
        }
        if (what == 2) s.clear_outbox();
        if (what == 3 && s.state() == session::State::closing) {
          s.connection_lost(now);
          pending.clear();
        }
        break;
      }
    }
    drain(s);
  }
  return 0;
}
