// Cost of the codec alone on the hot path: encode and decode of a QoS 0 PUBLISH (16 B and
// 1 KiB payloads, MQTT 3.1.1 and 5) and of a PUBACK. One Buffer is reused and cleared every
// iteration, so after the first round no time goes to malloc.
#include <benchmark/benchmark.h>

#include <string>

#include "codec/codec.hpp"

namespace portmqtt::codec {
namespace {

constexpr std::string_view kTopic = "sensors/room-1/temperature";

Publish qos0_publish(const std::string& payload) {
  Publish p;
  p.topic = kTopic;
  p.payload = payload;
  return p;
}

Puback puback() {
  Puback a;
  a.packet_id = 0x1234;
  return a;
}

template <class P>
void encode_loop(benchmark::State& state, const P& packet, ProtocolVersion version) {
  Buffer out(4096);
  for (auto _ : state) {
    out.clear();
    std::error_code error = encode(packet, version, out);
    benchmark::DoNotOptimize(error);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(out.size()));
}

template <class P>
void decode_loop(benchmark::State& state, const P& packet, ProtocolVersion version) {
  Buffer bytes;
  if (encode(packet, version, bytes)) {
    state.SkipWithError("encode failed");
    return;
  }
  if (decode(bytes.view(), version).status != DecodeStatus::packet) {
    state.SkipWithError("decode failed");
    return;
  }
  for (auto _ : state) {
    DecodeResult result = decode(bytes.view(), version);
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
}

const std::string kPayload16(16, 'p');
const std::string kPayload1K(1024, 'p');

void encode_publish_16(benchmark::State& state, ProtocolVersion version) {
  encode_loop(state, qos0_publish(kPayload16), version);
}
void encode_publish_1k(benchmark::State& state, ProtocolVersion version) {
  encode_loop(state, qos0_publish(kPayload1K), version);
}
void encode_puback(benchmark::State& state, ProtocolVersion version) {
  encode_loop(state, puback(), version);
}
void decode_publish_16(benchmark::State& state, ProtocolVersion version) {
  decode_loop(state, qos0_publish(kPayload16), version);
}
void decode_publish_1k(benchmark::State& state, ProtocolVersion version) {
  decode_loop(state, qos0_publish(kPayload1K), version);
}
void decode_puback(benchmark::State& state, ProtocolVersion version) {
  decode_loop(state, puback(), version);
}

BENCHMARK_CAPTURE(encode_publish_16, v311, ProtocolVersion::v3_1_1);
BENCHMARK_CAPTURE(encode_publish_16, v5, ProtocolVersion::v5);
BENCHMARK_CAPTURE(encode_publish_1k, v311, ProtocolVersion::v3_1_1);
BENCHMARK_CAPTURE(encode_publish_1k, v5, ProtocolVersion::v5);
BENCHMARK_CAPTURE(encode_puback, v311, ProtocolVersion::v3_1_1);
BENCHMARK_CAPTURE(encode_puback, v5, ProtocolVersion::v5);
BENCHMARK_CAPTURE(decode_publish_16, v311, ProtocolVersion::v3_1_1);
BENCHMARK_CAPTURE(decode_publish_16, v5, ProtocolVersion::v5);
BENCHMARK_CAPTURE(decode_publish_1k, v311, ProtocolVersion::v3_1_1);
BENCHMARK_CAPTURE(decode_publish_1k, v5, ProtocolVersion::v5);
BENCHMARK_CAPTURE(decode_puback, v311, ProtocolVersion::v3_1_1);
BENCHMARK_CAPTURE(decode_puback, v5, ProtocolVersion::v5);

}  // namespace
}  // namespace portmqtt::codec

BENCHMARK_MAIN();
