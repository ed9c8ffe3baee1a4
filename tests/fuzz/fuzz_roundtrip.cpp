// Decoder and encoder agree: any packet the decoder accepts encodes without error to exactly
// encoded_size() bytes, and those bytes decode to the same packet. Run with the decode corpus:
//   fuzz_roundtrip corpus/decode -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "codec/codec.hpp"

namespace {

using namespace portmqtt::codec;

void require(bool condition) {
  if (!condition) std::abort();  // libFuzzer reports the input that got here
}

void round_trip(ByteView input, ProtocolVersion version) {
  const DecodeResult first = decode(input, version);
  if (first.status != DecodeStatus::packet) return;

  Buffer encoded;
  require(!encode(first.packet, version, encoded));
  require(encoded_size(first.packet, version) == encoded.size());

  const DecodeResult second = decode(encoded.view(), version);
  require(second.status == DecodeStatus::packet && second.size == encoded.size());
  require(second.packet == first.packet);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  for (ProtocolVersion v : {ProtocolVersion::v3_1, ProtocolVersion::v3_1_1, ProtocolVersion::v5}) {
    round_trip(ByteView(data, size), v);
  }
  return 0;
}
