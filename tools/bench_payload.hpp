// The payload `portmqtt bench pub` sends, so that `portmqtt bench sub` (or any program) can
// measure end-to-end latency. Layout (all integers big-endian):
//
//   offset  size  field
//        0     4  magic "PMQB"
//        4     8  send time: nanoseconds since the Unix epoch (CLOCK_REALTIME)
//       12     4  index of the publishing client (%i in the topic pattern)
//       16     8  sequence number of the message from that client, from 0
//       24     -  filler bytes '.' up to --size
//
// A payload shorter than the 24-byte header carries no header (filler only): the receiving
// side then counts it but measures no latency. The clocks of both ends must agree (same host,
// or hosts synchronised by NTP/PTP).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace portmqtt::tools {

inline constexpr std::size_t kBenchHeaderSize = 24;

/// What a bench payload header says.
struct BenchStamp {
  std::uint64_t sent_ns = 0;  ///< nanoseconds since the Unix epoch
  std::uint32_t client_index = 0;
  std::uint64_t sequence = 0;
};

/// A payload of `size` bytes: filler, ready for stamp_bench_payload().
std::string make_bench_payload(std::size_t size);
/// Writes the header into `payload` (no-op when it is shorter than the header).
void stamp_bench_payload(std::string& payload, const BenchStamp& stamp) noexcept;
/// The header of a bench payload, or nothing when `payload` is not one.
std::optional<BenchStamp> read_bench_stamp(std::string_view payload) noexcept;

/// Nanoseconds since the Unix epoch (the clock both ends of a bench share).
std::uint64_t wall_ns() noexcept;

}  // namespace portmqtt::tools
