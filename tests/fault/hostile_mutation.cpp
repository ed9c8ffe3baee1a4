// The bounded mutation run of the hostile broker (see hostile_broker.cpp): valid broker
// traffic of a realistic session, randomly edited, served to clients that connect again and
// again. The seed is printed; --seed repeats the edits (not the timing).
#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "hostile_clients.hpp"

namespace portmqtt::fault {
namespace {

using portmqtt::test::ScriptedBroker;
using portmqtt::test::ScriptedPeer;

// How long a connection may stay open after the broker's last byte: the clients' keep-alive
// is 1 s (PINGREQ after 0.5 s of silence, given up 0.5 s later), plus slack for a loaded CI.
constexpr auto kCloseBound = 4s;

Bytes packet(std::uint8_t first, const Bytes& body) {
  Bytes out{first};
  std::size_t n = body.size();
  do {
    std::uint8_t byte = n & 0x7F;
    n >>= 7;
    if (n != 0) byte |= 0x80;
    out.push_back(byte);
  } while (n != 0);
  append(out, body);
  return out;
}

Bytes str(std::string_view s) {
  // Sized once: growing a two-byte vector by insert() trips GCC 12's -Warray-bounds at -O2.
  Bytes out(2 + s.size());
  out[0] = static_cast<std::uint8_t>(s.size() >> 8);
  out[1] = static_cast<std::uint8_t>(s.size());
  std::copy(s.begin(), s.end(), out.begin() + 2);
  return out;
}

Bytes id_bytes(std::uint16_t id) {
  return {static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts)
    append(out, p);
  return out;
}

// The CONNACK of a realistic session. MQTT 5: Receive Maximum 10, Topic Alias Maximum 5,
// Maximum Packet Size 65536, Reason String "ok".
Bytes session_connack(bool v5) {
  if (!v5) return packet(0x20, {0x00, 0x00});
  return packet(0x20, cat({{0x00, 0x00, 16},
                           {0x21, 0x00, 0x0A},
                           {0x22, 0x00, 0x05},
                           {0x27, 0x00, 0x01, 0x00, 0x00},
                           {0x1F},
                           str("ok")}));
}

struct ClientIds {
  std::uint16_t subscribe = 1, qos1 = 2, qos2 = 3;
};

// What a broker sends after CONNACK in that session, answering the client's SUBSCRIBE and
// QoS 1/2 PUBLISHes (ids as the client sent them) and sending QoS 0/1/2 messages of its own.
std::vector<Bytes> session_rest(bool v5, const ClientIds& ids) {
  std::vector<Bytes> out;
  const Bytes none = v5 ? Bytes{0x00} : Bytes{};                              // empty property list
  out.push_back(packet(0x90, cat({id_bytes(ids.subscribe), none, {0x02}})));  // SUBACK QoS 2
  out.push_back(packet(0x40, cat({id_bytes(ids.qos1), v5 ? Bytes{0x00, 0x00} : Bytes{}})));
  out.push_back(packet(0x50, id_bytes(ids.qos2)));  // PUBREC
  out.push_back(packet(0x70, cat({id_bytes(ids.qos2), v5 ? Bytes{0x00} : Bytes{}})));
  if (v5) {
    // QoS 0 defining Topic Alias 1 with a Payload Format Indicator, then one using the alias.
    out.push_back(
        packet(0x30, cat({str("fuzz/x"), {0x05, 0x01, 0x01, 0x23, 0x00, 0x01}, {'h', 'i'}})));
    out.push_back(packet(0x30, cat({str(""), {0x03, 0x23, 0x00, 0x01}, {'h', 'a'}})));
    out.push_back(packet(0x32, cat({str("fuzz/y"), id_bytes(10), {0x00}, {'h', 'i', '!'}})));
    // QoS 2 with a Subscription Identifier and a User Property.
    out.push_back(packet(0x34, cat({str("fuzz/z"),
                                    id_bytes(11),
                                    {0x09, 0x0B, 0x05, 0x26},
                                    str("k"),
                                    str("v"),
                                    {'h', 'e', 'y'}})));
  } else {
    out.push_back(packet(0x30, cat({str("fuzz/x"), {'h', 'i'}})));
    out.push_back(packet(0x32, cat({str("fuzz/y"), id_bytes(10), {'h', 'i', '!'}})));
    out.push_back(packet(0x34, cat({str("fuzz/z"), id_bytes(11), {'h', 'e', 'y'}})));
  }
  out.push_back(packet(0x62, id_bytes(11)));  // PUBREL
  out.push_back(packet(0xD0, {}));            // PINGRESP
  if (v5) {
    // DISCONNECT: Server shutting down, Reason String "bye", User Property k=v.
    out.push_back(packet(0xE0, cat({{0x8B, 13, 0x1F}, str("bye"), {0x26}, str("k"), str("v")})));
  }
  return out;
}

enum class Edit { bit_flip, insert, erase, length, truncate, splice, duplicate, count };

const char* name_of(Edit e) {
  switch (e) {
    case Edit::bit_flip:
      return "bit flip";
    case Edit::insert:
      return "byte insert";
    case Edit::erase:
      return "byte delete";
    case Edit::length:
      return "length field";
    case Edit::truncate:
      return "truncation";
    case Edit::splice:
      return "splice";
    case Edit::duplicate:
      return "packet repeated";
    case Edit::count:
      break;
  }
  return "(none: packet already empty)";
}

// Applies one random edit to `packets` (a list, so that length fields and packet boundaries
// can be targeted) and says which.
Edit mutate(std::vector<Bytes>& packets, std::mt19937_64& rng) {
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const Edit e = static_cast<Edit>(pick(static_cast<std::size_t>(Edit::count)));
  Bytes& p = packets[pick(packets.size())];
  if (p.empty()) return Edit::count;  // emptied by an earlier edit
  switch (e) {
    case Edit::bit_flip:
      p[pick(p.size())] ^= static_cast<std::uint8_t>(1U << pick(8));
      break;
    case Edit::insert:
      p.insert(p.begin() + static_cast<std::ptrdiff_t>(pick(p.size() + 1)),
               static_cast<std::uint8_t>(rng()));
      break;
    case Edit::erase:
      p.erase(p.begin() + static_cast<std::ptrdiff_t>(pick(p.size())));
      break;
    case Edit::length: {
      // The remaining length: a small change, a random byte, or a huge announced length.
      static const Bytes kHuge[] = {{0xFF, 0xFF, 0xFF, 0x7F},
                                    {0x80, 0x80, 0x80, 0x08},
                                    {0xFF, 0xFF, 0x7F},
                                    {0x80, 0x80, 0x80, 0x80, 0x01}};
      if (p.size() < 2) break;
      switch (pick(3)) {
        case 0:
          p[1] = static_cast<std::uint8_t>(p[1] + (pick(2) ? 1 : -1));
          break;
        case 1:
          p[1] = static_cast<std::uint8_t>(rng());
          break;
        default: {
          const Bytes& huge = kHuge[pick(4)];
          p.erase(p.begin() + 1, p.begin() + 2);
          p.insert(p.begin() + 1, huge.begin(), huge.end());
        }
      }
      break;
    }
    case Edit::truncate:
      p.resize(pick(p.size()));
      break;
    case Edit::splice: {
      const Bytes& other = packets[pick(packets.size())];
      const std::size_t from = pick(other.size() + 1);
      const Bytes piece(other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
      p.insert(p.begin() + static_cast<std::ptrdiff_t>(pick(p.size() + 1)), piece.begin(),
               piece.end());
      break;
    }
    case Edit::duplicate:
      packets.insert(packets.begin() + static_cast<std::ptrdiff_t>(pick(packets.size() + 1)),
                     packets[pick(packets.size())]);
      break;
    case Edit::count:
      break;
  }
  return e;
}

// The client's packet ids, from what it sent after CONNACK: messages of earlier connections
// resent first, then its SUBSCRIBE, QoS 1 and QoS 2 PUBLISH (in that order).
ClientIds read_client_ids(ScriptedPeer& peer) {
  ClientIds ids;
  const auto until = Clock::now() + 300ms;
  bool subscribed = false;
  int published = 0;
  while (published < 2 && Clock::now() < until) {
    auto p = peer.read_packet(std::chrono::duration_cast<std::chrono::milliseconds>(
        std::max(until - Clock::now(), Clock::duration{1ms})));
    if (!p || p->size() < 2) break;
    std::size_t at = 1;
    while (at < p->size() && ((*p)[at] & 0x80) != 0)
      ++at;
    const std::size_t body = at + 1;
    const std::uint8_t type = (*p)[0] >> 4;
    const int qos = ((*p)[0] >> 1) & 3;
    auto id_at = [&](std::size_t i) {
      return i + 1 < p->size() ? static_cast<std::uint16_t>((*p)[i] << 8 | (*p)[i + 1]) : 0;
    };
    if (type == 8) {
      ids.subscribe = id_at(body);
      subscribed = true;
    } else if (type == 3 && qos > 0 && subscribed) {
      const std::size_t topic = static_cast<std::size_t>(id_at(body));
      (qos == 1 ? ids.qos1 : ids.qos2) = id_at(body + 2 + topic);
      ++published;
    }
  }
  return ids;
}

struct Tally {
  std::mutex mutex;
  std::map<std::string, long> edits;
  long connections = 0;
  long closed_by_client = 0;
  long left_open = 0;  ///< still open kCloseBound after the broker's last byte
  double slowest_close = 0;
  Clock::time_point last_accept = Clock::now();
};

void serve(ScriptedPeer& peer, bool v5, std::mt19937_64& rng, Tally& tally) {
  {
    std::lock_guard lock(tally.mutex);
    ++tally.connections;
    tally.last_accept = Clock::now();
  }
  if (!peer.read_packet(2s)) return;
  // One connection in eight gets the session unedited; the others 1 to 4 edits, the CONNACK
  // included in one of eight.
  const bool clean = rng() % 8 == 0;
  std::vector<Bytes> first{session_connack(v5)};
  std::vector<std::string> applied;
  if (!clean && rng() % 8 == 0) applied.push_back(name_of(mutate(first, rng)));
  for (const auto& p : first)
    if (!peer.write(p)) return;
  const ClientIds ids = read_client_ids(peer);
  std::vector<Bytes> rest = session_rest(v5, ids);
  const int edits = clean ? 0 : 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i)
    applied.push_back(name_of(mutate(rest, rng)));
  Bytes stream;
  for (const auto& p : rest)
    append(stream, p);
  // Sent in chunks of random size, so that the client's framing meets split packets too.
  for (std::size_t at = 0; at < stream.size();) {
    const std::size_t n = std::min<std::size_t>(stream.size() - at, 1 + rng() % 64);
    if (!peer.write(Bytes(stream.begin() + static_cast<std::ptrdiff_t>(at),
                          stream.begin() + static_cast<std::ptrdiff_t>(at + n))))
      break;
    at += n;
  }
  const auto sent = Clock::now();
  const bool closed =
      peer.closed_within(std::chrono::duration_cast<std::chrono::milliseconds>(kCloseBound));
  std::lock_guard lock(tally.mutex);
  for (const auto& a : applied)
    ++tally.edits[a];
  if (clean) ++tally.edits["(unedited)"];
  if (closed) {
    ++tally.closed_by_client;
    tally.slowest_close =
        std::max(tally.slowest_close, std::chrono::duration<double>(Clock::now() - sent).count());
  } else {
    ++tally.left_open;
  }
}

struct PhaseResult {
  std::string name;
  long connections = 0, closed = 0, left_open = 0;
  double slowest_close = 0;
  bool alive = false;
  std::map<std::string, long> errors;
  std::map<std::string, long> ends;
  std::map<std::string, long> edits;
};

PhaseResult run_phase(bool esp, bool v5, double seconds, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Tally tally;
  PhaseResult r;
  r.name = std::string(esp ? "esp" : "c++") + " MQTT " + (v5 ? "5" : "3.1.1");
  std::map<std::string, long> errors;
  {
    ScriptedBroker broker([&](ScriptedPeer& peer) { serve(peer, v5, rng, tally); }, 1'000'000);
    auto client = make_client(esp, broker.uri(),
                              {.v5 = v5,
                               .keep_alive_s = 1,
                               .reconnect = 10ms,
                               .busy = true,
                               .retry_fatal_refusals = true});
    client->start();
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < end) {
      std::this_thread::sleep_for(100ms);
      for (auto& [code, message] : client->record.take_errors())
        ++errors[code.empty() || message.empty() ? "(EMPTY ERROR)" : code];
    }
    {
      std::lock_guard lock(tally.mutex);
      // Still reconnecting: a connection began within the bound plus the reconnect delay.
      r.alive = Clock::now() - tally.last_accept < kCloseBound + 2s;
    }
    r.ends = client->record.take_ends();
    client.reset();
  }
  r.connections = tally.connections;
  r.closed = tally.closed_by_client;
  r.left_open = tally.left_open;
  r.slowest_close = tally.slowest_close;
  r.errors = std::move(errors);
  r.edits = std::move(tally.edits);
  return r;
}

}  // namespace

int run_mutation(double seconds, std::uint64_t seed) {
  std::printf("mutation run: %.0f s, seed %" PRIu64 " (--seed %" PRIu64 " repeats the edits)\n",
              seconds, seed, seed);
  // The four kinds of client at once, each with its own broker and its own stream of edits.
  std::vector<std::future<PhaseResult>> running;
  std::uint64_t phase = 0;
  for (const bool esp : {false, true}) {
    for (const bool v5 : {false, true})
      running.push_back(
          std::async(std::launch::async, run_phase, esp, v5, seconds, seed + phase++));
  }
  std::vector<PhaseResult> phases;
  for (auto& r : running)
    phases.push_back(r.get());
  const long peak = status_kib("VmHWM");
#if defined(__SANITIZE_ADDRESS__)
  constexpr long kPeakBoundKib = 1024 * 1024;  // AddressSanitizer's shadow and quarantine
#else
  constexpr long kPeakBoundKib = 256 * 1024;
#endif
  int failures = 0;
  std::printf(
      "\n| clients | connections | closed by client | left open | slowest close | "
      "still reconnecting |\n|---|---|---|---|---|---|\n");
  std::map<std::string, long> errors, ends, edits;
  for (const auto& p : phases) {
    std::printf("| %s | %ld | %ld | %ld | %.2f s | %s |\n", p.name.c_str(), p.connections, p.closed,
                p.left_open, p.slowest_close, p.alive ? "yes" : "NO");
    if (!p.alive || p.connections < 5) ++failures;
    for (const auto& [k, n] : p.errors)
      errors[k] += n;
    for (const auto& [k, n] : p.edits)
      edits[k] += n;
    for (const auto& [k, n] : p.ends)
      ends[k] += n;
  }
  std::printf("\nerrors reported by the clients, by category:\n");
  for (const auto& [k, n] : errors) {
    std::printf("  %-50s %ld\n", k.c_str(), n);
    if (k == "(EMPTY ERROR)") ++failures;
  }
  std::printf("how the clients' connections ended (Disconnected events):\n");
  for (const auto& [k, n] : ends)
    std::printf("  %-50s %ld\n", k.c_str(), n);
  std::printf("edits applied:\n");
  for (const auto& [k, n] : edits)
    std::printf("  %-50s %ld\n", k.c_str(), n);
  std::printf("crashes: 0 (this line is only reached without one)\n");
  std::printf("peak RSS: %ld KiB (bound %ld KiB)\n", peak, kPeakBoundKib);
  if (peak > kPeakBoundKib) ++failures;
  std::printf("%d passed, %d failed\n", failures == 0 ? 1 : 0, failures == 0 ? 0 : 1);
  return failures == 0 ? 0 : 1;
}

}  // namespace portmqtt::fault
