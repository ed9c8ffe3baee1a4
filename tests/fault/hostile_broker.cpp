// A hostile broker over a real socket, against running clients (the C++ API and the ESP facade,
// MQTT 3.1.1 and 5).
//
//   fault_hostile_broker --cases
//     Every malformed packet of tests/support/broker_malformed_packets.hpp, packets that are
//     valid but wrong for the state (PUBLISH before CONNACK, a second CONNACK, acks for ids
//     never sent, packets only a client sends), and announced lengths far above what arrives
//     (256 MiB: above the 16 MiB default limit; 15 MiB: under it, 64 KiB sent). Each must end
//     in an Error event that names the error and its cause, the client closing the connection,
//     no allocation of the announced length, and no reconnect storm.
//   fault_hostile_broker --mutate --seconds N [--seed S]
//     Valid broker traffic of a realistic session, randomly edited (bit flips, byte insert and
//     delete, length fields, truncation, splicing), served to clients that connect again and
//     again for N seconds. Passes with no crash (a sanitizer build aborts on any), every error
//     event naming its error, the clients still reconnecting at the end, and the peak RSS
//     bounded. It counts the connections the client closed within 4 s of the broker's last
//     byte and those it left open (an edited CONNACK can legitimately turn keep-alive off).
//
// Prints a table and exits 0 when everything held.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "broker_malformed_packets.hpp"
#include "hostile_clients.hpp"

namespace portmqtt::fault {

int run_mutation(double seconds, std::uint64_t seed);  // hostile_mutation.cpp

namespace {

using portmqtt::test::ScriptedBroker;
using portmqtt::test::ScriptedPeer;

// --- the cases -----------------------------------------------------------------------------

struct Case {
  std::string name;
  bool v5 = false;
  bool replaces_connack = false;
  Bytes bytes;
  /// The portmqtt::errc message the C++ API must report; empty: the client must let the
  /// packet pass and keep the connection.
  std::string expect;
};

std::string message_of(portmqtt::errc e) {
  return portmqtt::make_error_code(e).message();
}

// `retransmits`: the client resends on a live MQTT 3.x connection (the ESP facade's 1 s; the
// C++ API resends only after a reconnect).
std::vector<Case> all_cases(bool retransmits) {
  std::vector<Case> cases;
  for (const auto& m : portmqtt::test::broker_malformed_packets()) {
    for (const bool v5 : {false, true}) {
      if (!portmqtt::test::includes(m.versions, v5)) continue;
      cases.push_back({std::string(m.name), v5, m.replaces_connack, m.bytes,
                       message_of(portmqtt::errc::malformed_packet)});
    }
  }
  using portmqtt::errc;
  for (const bool v5 : {false, true}) {
    const std::string protocol = message_of(errc::protocol_error);
    const std::string unknown = message_of(errc::unknown_packet_id);
    // 3.x with retransmission on a live connection: a stray PUBACK/PUBREC/PUBCOMP is
    // tolerated, as the resends make brokers ack some messages twice
    // (SessionConfig::retransmit_interval). Without it a stray ack is the broker's error.
    const std::string stray = v5 || !retransmits ? unknown : "";
    const Bytes tail = v5 ? Bytes{0x00} : Bytes{};
    auto with_tail = [&](Bytes b) {
      append(b, tail);
      b[1] = static_cast<std::uint8_t>(b.size() - 2);
      return b;
    };
    cases.push_back(
        {"PUBLISH before CONNACK", v5, true, with_tail({0x30, 0x03, 0x00, 0x01, 't'}), protocol});
    cases.push_back({"a second CONNACK", v5, false, connack(v5), protocol});
    cases.push_back({"Session Present in answer to a clean start", v5, true,
                     with_tail({0x20, 0x02, 0x01, 0x00}), protocol});
    cases.push_back(
        {"PUBACK for packet id 7, never sent", v5, false, {0x40, 0x02, 0x00, 0x07}, stray});
    cases.push_back(
        {"PUBREC for packet id 7, never sent", v5, false, {0x50, 0x02, 0x00, 0x07}, stray});
    cases.push_back(
        {"PUBCOMP for packet id 7, never sent", v5, false, {0x70, 0x02, 0x00, 0x07}, stray});
    cases.push_back({"SUBACK for packet id 9, never sent", v5, false,
                     with_tail({0x90, 0x03, 0x00, 0x09}) /* code appended below */, unknown});
    cases.back().bytes.push_back(0x00);
    cases.back().bytes[1] = static_cast<std::uint8_t>(cases.back().bytes.size() - 2);
    cases.push_back({"UNSUBACK for packet id 9, never sent", v5, false,
                     v5 ? Bytes{0xB0, 0x04, 0x00, 0x09, 0x00, 0x00} : Bytes{0xB0, 0x02, 0x00, 0x09},
                     unknown});
    // An unknown PUBREL is legitimate: our PUBCOMP may have been lost with a connection.
    cases.push_back({"PUBREL for packet id 5, unknown", v5, false, {0x62, 0x02, 0x00, 0x05}, ""});
    cases.push_back(
        {"CONNECT sent to the client",
         v5,
         false,
         {0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x01, 'c'},
         protocol});
    cases.back().bytes[1] = static_cast<std::uint8_t>(cases.back().bytes.size() - 2);
    cases.push_back({"PINGREQ sent to the client", v5, false, {0xC0, 0x00}, protocol});
    cases.push_back({"UNSUBSCRIBE sent to the client", v5, false,
                     with_tail({0xA2, 0x02, 0x00, 0x01}), protocol});
    cases.back().bytes.insert(cases.back().bytes.end(), {0x00, 0x01, 't'});
    cases.back().bytes[1] = static_cast<std::uint8_t>(cases.back().bytes.size() - 2);
    cases.push_back({"PUBLISH announcing 256 MiB, 1 KiB sent", v5, false,
                     announced_publish(268'435'455, 1024), message_of(errc::packet_too_large)});
  }
  cases.push_back({"PUBLISH with a Topic Alias never defined",
                   true,
                   false,
                   {0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, 'x'},
                   message_of(portmqtt::errc::unknown_topic_alias)});
  return cases;
}

struct CaseResult {
  bool pass = false;
  std::string detail;
  double seconds = 0;
};

CaseResult run_case(const Case& c, bool esp) {
  std::atomic<bool> closed{false};
  std::atomic<bool> got_connect{false};
  std::atomic<bool> written{false};
  const auto begin = Clock::now();
  ScriptedBroker broker(
      [&](ScriptedPeer& peer) {
        if (!peer.read_packet(3s)) return;
        got_connect = true;
        if (!c.replaces_connack) peer.write(connack(c.v5));
        if (!c.replaces_connack) std::this_thread::sleep_for(20ms);  // CONNACK read alone
        peer.write(c.bytes);
        written = true;
        closed = peer.closed_within(c.expect.empty() ? 900ms : 3000ms);
      },
      1);
  CaseResult r;
  {
    auto client = make_client(esp, broker.uri(), {.v5 = c.v5, .reconnect = 5000ms});
    client->start();
    // The time the client has to react counts from the bytes being sent, not from start(): a
    // loaded machine may take a while to connect.
    for (int i = 0; i < 1000 && !written; ++i)
      std::this_thread::sleep_for(5ms);
    const auto [code, message] = client->record.first_error(c.expect.empty() ? 500ms : 3000ms);
    // Give the script time to see the close.
    for (int i = 0; i < 300 && !closed && !c.expect.empty(); ++i)
      std::this_thread::sleep_for(10ms);
    if (!got_connect) {
      r.detail = "no CONNECT";
    } else if (c.expect.empty()) {
      r.pass = code.empty() && !closed;
      r.detail = code.empty() ? (closed ? "closed without an error" : "kept the connection")
                              : "error: " + message;
    } else if (code.empty()) {
      r.detail = "no Error event";
    } else if (!closed) {
      r.detail = "connection not closed: " + message;
    } else if (esp) {
      r.pass = true;  // ESP has no text for the cause: the event and the close are the contract
      r.detail = message;
    } else {
      // The message names the error and its cause; a malformed packet's cause starts with
      // the packet's name and first byte.
      const bool named = c.expect != message_of(portmqtt::errc::malformed_packet) ||
                         message.find("(first byte 0x") != std::string::npos;
      r.pass = code == c.expect && message.find(": ") != std::string::npos && named;
      r.detail = message;
      if (code != c.expect) r.detail = "expected \"" + c.expect + "\", got: " + message;
    }
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  return r;
}

// Under the limit: the client must wait for the bytes, not allocate what the header announces,
// and end the connection by its keep-alive when nothing more comes.
CaseResult run_announced_under_limit(bool v5, bool esp) {
  constexpr std::uint32_t kAnnounced = 15U * 1024U * 1024U;
  long rss_before = 0;
  long rss_waiting = 0;
  std::atomic<bool> closed{false};
  const auto begin = Clock::now();
  {
    ScriptedBroker broker(
        [&](ScriptedPeer& peer) {
          if (!peer.read_packet(3s)) return;
          peer.write(connack(v5));
          std::this_thread::sleep_for(100ms);
          rss_before = status_kib("VmRSS");
          peer.write(announced_publish(kAnnounced, 64 * 1024));
          std::this_thread::sleep_for(500ms);
          rss_waiting = status_kib("VmRSS");
          closed = peer.closed_within(6s);  // keep-alive 2 s: PINGREQ, then no PINGRESP
        },
        1);
    auto client = make_client(esp, broker.uri(), {.v5 = v5, .reconnect = 5000ms});
    client->start();
    for (int i = 0; i < 800 && !closed; ++i)
      std::this_thread::sleep_for(10ms);
    (void)client->record.first_error(1000ms);
  }
  CaseResult r;
  r.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  const long grown = rss_waiting - rss_before;
  r.pass = closed && grown < 8 * 1024;
  r.detail = "RSS grew " + std::to_string(grown) + " KiB while 15 MiB were announced; " +
             (closed ? "closed by the keep-alive" : "NOT closed");
  return r;
}

// A broker that answers every CONNECT with a malformed CONNACK for 3 s: the client retries on
// its reconnect schedule (ESP: reconnect_timeout_ms; C++: backoff), not in a tight loop.
CaseResult run_reconnect_storm(bool esp) {
  CaseResult r;
  int connections = 0;
  {
    ScriptedBroker broker(
        [&](ScriptedPeer& peer) {
          if (peer.read_packet(1s)) peer.write({0x20, 0x02, 0x02, 0x00});
          (void)peer.closed_within(1s);
        },
        1000);
    auto client = make_client(esp, broker.uri(), {.reconnect = 100ms});
    client->start();
    std::this_thread::sleep_for(3s);
    connections = broker.accepted();
  }
  // 100 ms growing to 500 ms (C++) or a steady 100 ms (ESP): about 10 or 30 attempts in 3 s;
  // a client retrying without its delay would make hundreds.
  r.pass = connections >= 3 && connections <= 40;
  r.detail = std::to_string(connections) + " connections in 3 s";
  r.seconds = 3;
  return r;
}

int run_cases() {
  int failures = 0;
  int count = 0;
  std::map<std::string, int> by_error;
  std::printf("%-4s %-4s %-3s %-55s %s\n", "api", "mqtt", "ok", "case", "what the client reported");
  auto report = [&](const std::string& api, bool v5, const std::string& name, const CaseResult& r) {
    ++count;
    if (!r.pass) ++failures;
    std::printf("%-4s %-4s %-3s %-55s %s\n", api.c_str(), v5 ? "5" : "3.1.1", r.pass ? "ok" : "NO",
                name.c_str(), r.detail.c_str());
  };
  const long peak_before = status_kib("VmHWM");
  for (const bool esp : {false, true}) {
    const std::string api = esp ? "esp" : "c++";
    for (const auto& c : all_cases(/*retransmits=*/esp)) {
      const CaseResult r = run_case(c, esp);
      report(api, c.v5, c.name, r);
      if (!esp) ++by_error[c.expect.empty() ? "(tolerated)" : c.expect];
    }
    for (const bool v5 : {false, true})
      report(api, v5, "PUBLISH announcing 15 MiB (under the limit), 64 KiB sent",
             run_announced_under_limit(v5, esp));
    report(api, false, "malformed CONNACK on every connection for 3 s", run_reconnect_storm(esp));
  }
  const long peak = status_kib("VmHWM");
  std::printf("\n| cases | failed | peak RSS before | peak RSS after |\n");
  std::printf("|-------|--------|-----------------|----------------|\n");
  std::printf("| %5d | %6d | %11ld KiB | %10ld KiB |\n", count, failures, peak_before, peak);
  std::printf("\nC++ API cases by expected error:\n");
  for (const auto& [error, n] : by_error)
    std::printf("  %-45s %d\n", error.c_str(), n);
  std::printf("%d passed, %d failed\n", count - failures, failures);
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace portmqtt::fault

int main(int argc, char** argv) {
  std::string mode;
  double seconds = 20;
  std::uint64_t seed = std::random_device{}();
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--cases" || arg == "--mutate") mode = arg;
    if (arg == "--seconds" && i + 1 < argc) seconds = std::atof(argv[++i]);
    if (arg == "--seed" && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 10);
  }
  if (mode == "--cases") return portmqtt::fault::run_cases();
  if (mode == "--mutate") return portmqtt::fault::run_mutation(seconds, seed);
  std::fprintf(stderr, "usage: %s --cases | --mutate [--seconds N] [--seed S]\n", argv[0]);
  return 2;
}
