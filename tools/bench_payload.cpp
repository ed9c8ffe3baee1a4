#include "bench_payload.hpp"

#include <chrono>

namespace portmqtt::tools {
namespace {

constexpr std::string_view kMagic = "PMQB";

void put_be(char* out, std::uint64_t value, int bytes) noexcept {
  for (int i = bytes - 1; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
}

std::uint64_t get_be(const char* in, int bytes) noexcept {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i)
    value = (value << 8) | static_cast<unsigned char>(in[i]);
  return value;
}

}  // namespace

std::string make_bench_payload(std::size_t size) {
  return std::string(size, '.');
}

void stamp_bench_payload(std::string& payload, const BenchStamp& stamp) noexcept {
  if (payload.size() < kBenchHeaderSize) return;
  char* out = payload.data();
  kMagic.copy(out, kMagic.size());
  put_be(out + 4, stamp.sent_ns, 8);
  put_be(out + 12, stamp.client_index, 4);
  put_be(out + 16, stamp.sequence, 8);
}

std::optional<BenchStamp> read_bench_stamp(std::string_view payload) noexcept {
  if (payload.size() < kBenchHeaderSize || payload.substr(0, kMagic.size()) != kMagic)
    return std::nullopt;
  const char* in = payload.data();
  return BenchStamp{.sent_ns = get_be(in + 4, 8),
                    .client_index = static_cast<std::uint32_t>(get_be(in + 12, 4)),
                    .sequence = get_be(in + 16, 8)};
}

std::uint64_t wall_ns() noexcept {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace portmqtt::tools
