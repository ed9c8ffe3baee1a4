// The byte-level reader: integers, variable byte integers, strings and binary data.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/reader.hpp"
#include "decode_support.hpp"

namespace portmqtt::codec::test {
namespace {

using detail::ok;
using detail::Reader;

TEST(ReaderIntegers, ReadsBigEndian) {
  const Bytes bytes = {
      0xAB,                    // u8
      0x12, 0x34,              // u16 0x1234
      0xDE, 0xAD, 0xBE, 0xEF,  // u32 0xDEADBEEF
  };
  Reader in(view(bytes));
  std::uint8_t a = 0;
  std::uint16_t b = 0;
  std::uint32_t c = 0;
  EXPECT_EQ(in.u8(a), ok);
  EXPECT_EQ(in.u16(b), ok);
  EXPECT_EQ(in.u32(c), ok);
  EXPECT_EQ(a, 0xAB);
  EXPECT_EQ(b, 0x1234);
  EXPECT_EQ(c, 0xDEADBEEFU);
  EXPECT_TRUE(in.at_end());
}

TEST(ReaderIntegers, RefusesToReadPastTheEnd) {
  const Bytes bytes = {0x01, 0x02, 0x03};  // three bytes: too short for a u32
  Reader in(view(bytes));
  std::uint32_t value = 0;
  EXPECT_EQ(in.u32(value), errc::truncated);
  std::uint16_t half = 0;
  EXPECT_EQ(in.u16(half), ok);
  EXPECT_EQ(in.u16(half), errc::truncated);  // one byte left
  std::uint8_t last = 0;
  EXPECT_EQ(in.u8(last), ok);
  EXPECT_EQ(in.u8(last), errc::truncated);
}

struct VarintCase {
  Bytes bytes;
  std::uint32_t value;
};

TEST(ReaderVarint, DecodesTheBoundariesOfEachLength) {
  // MQTT 5 §1.5.5 table: smallest and largest value of each encoded length.
  const VarintCase cases[] = {
      {{0x00}, 0},
      {{0x7F}, 127},
      {{0x80, 0x01}, 128},
      {{0xFF, 0x7F}, 16'383},
      {{0x80, 0x80, 0x01}, 16'384},
      {{0xFF, 0xFF, 0x7F}, 2'097'151},
      {{0x80, 0x80, 0x80, 0x01}, 2'097'152},
      {{0xFF, 0xFF, 0xFF, 0x7F}, 268'435'455},
  };
  for (const VarintCase& c : cases) {
    Reader in(view(c.bytes));
    std::uint32_t value = 1;
    EXPECT_EQ(in.varint(value), ok) << c.value;
    EXPECT_EQ(value, c.value);
    EXPECT_TRUE(in.at_end());
  }
}

TEST(ReaderVarint, RejectsNonMinimalEncodings) {
  const Bytes cases[] = {
      {0x80, 0x00},              // 0 in two bytes
      {0xFF, 0x80, 0x00},        // 127 in three bytes
      {0x80, 0x80, 0x80, 0x00},  // 0 in four bytes
  };
  for (const Bytes& bytes : cases) {
    Reader in(view(bytes));
    std::uint32_t value = 0;
    EXPECT_EQ(in.varint(value), errc::malformed_remaining_length);
  }
}

TEST(ReaderVarint, RejectsAFifthByte) {
  const Bytes bytes = {0xFF, 0xFF, 0xFF, 0xFF, 0x7F};  // continuation bit set on the 4th byte
  Reader in(view(bytes));
  std::uint32_t value = 0;
  EXPECT_EQ(in.varint(value), errc::malformed_remaining_length);
}

TEST(ReaderVarint, ReportsTruncationInsideTheInteger) {
  const Bytes bytes = {0x80, 0x80};  // two continuation bytes, then nothing
  Reader in(view(bytes));
  std::uint32_t value = 0;
  EXPECT_EQ(in.varint(value), errc::truncated);
}

TEST(ReaderBinary, ReadsLengthPrefixedBytesIncludingNul) {
  const Bytes bytes = {
      0x00, 0x03,        // length 3
      'a',  0x00, 0xFF,  // any bytes, NUL and 0xFF included
  };
  Reader in(view(bytes));
  std::string_view out;
  EXPECT_EQ(in.binary(out), ok);
  EXPECT_EQ(out, std::string_view("a\0\xFF", 3));
  EXPECT_TRUE(in.at_end());
}

TEST(ReaderBinary, RejectsALengthPastTheEnd) {
  const Bytes bytes = {
      0x00, 0x04,  // length 4
      'a', 'b',    // only two bytes follow
  };
  Reader in(view(bytes));
  std::string_view out;
  EXPECT_EQ(in.binary(out), errc::truncated);
}

TEST(ReaderBinary, RejectsAHugeLengthWithoutReadingIt) {
  const Bytes bytes = {
      0xFF, 0xFF,  // length 65535
      'x',         // one byte follows
  };
  Reader in(view(bytes));
  std::string_view out;
  EXPECT_EQ(in.binary(out), errc::truncated);
}

// Reads one length-prefixed UTF-8 string holding `payload`.
errc read_utf8(const Bytes& payload, std::string* out = nullptr) {
  Bytes bytes = {0x00, static_cast<std::uint8_t>(payload.size())};  // length (< 256 here)
  bytes.insert(bytes.end(), payload.begin(), payload.end());
  Reader in(view(bytes));
  std::string_view text;
  const errc e = in.utf8(text);
  if (out != nullptr) *out = std::string(text);  // the view dies with `bytes`
  return e;
}

TEST(ReaderUtf8, AcceptsWellFormedStrings) {
  EXPECT_EQ(read_utf8({}), ok);                                                    // empty
  EXPECT_EQ(read_utf8({'a', '/', 'b'}), ok);                                       // ASCII
  EXPECT_EQ(read_utf8({0xC2, 0x80}), ok);                                          // U+0080
  EXPECT_EQ(read_utf8({0xDF, 0xBF}), ok);                                          // U+07FF
  EXPECT_EQ(read_utf8({0xE0, 0xA0, 0x80}), ok);                                    // U+0800
  EXPECT_EQ(read_utf8({0xED, 0x9F, 0xBF}), ok);                                    // U+D7FF
  EXPECT_EQ(read_utf8({0xEE, 0x80, 0x80}), ok);                                    // U+E000
  EXPECT_EQ(read_utf8({0xEF, 0xBF, 0xBF}), ok);                                    // U+FFFF
  EXPECT_EQ(read_utf8({0xF0, 0x90, 0x80, 0x80}), ok);                              // U+10000
  EXPECT_EQ(read_utf8({0xF4, 0x8F, 0xBF, 0xBF}), ok);                              // U+10FFFF
  EXPECT_EQ(read_utf8({'x', 0xE2, 0x82, 0xAC, 'y', 0xF0, 0x9F, 0x98, 0x80}), ok);  // x€y😀
}

TEST(ReaderUtf8, ReturnsTheStringBytes) {
  std::string text;
  EXPECT_EQ(read_utf8({'t', 0xC3, 0xA9}, &text), ok);  // "té"
  EXPECT_EQ(text, "t\xC3\xA9");
}

TEST(ReaderUtf8, RejectsIllFormedSequences) {
  EXPECT_EQ(read_utf8({0x80}), errc::invalid_utf8);              // lone continuation byte
  EXPECT_EQ(read_utf8({0xC3}), errc::invalid_utf8);              // lead byte at the end
  EXPECT_EQ(read_utf8({0xC3, 'a'}), errc::invalid_utf8);         // lead byte, then ASCII
  EXPECT_EQ(read_utf8({0xE2, 0x82}), errc::invalid_utf8);        // three-byte form cut short
  EXPECT_EQ(read_utf8({0xF0, 0x9F, 0x98}), errc::invalid_utf8);  // four-byte form cut short
  EXPECT_EQ(read_utf8({0xFE}), errc::invalid_utf8);              // never valid
  EXPECT_EQ(read_utf8({0xFF}), errc::invalid_utf8);              // never valid
}

TEST(ReaderUtf8, RejectsOverlongForms) {
  EXPECT_EQ(read_utf8({0xC0, 0xAF}), errc::invalid_utf8);              // '/' in two bytes
  EXPECT_EQ(read_utf8({0xC1, 0xBF}), errc::invalid_utf8);              // U+007F in two bytes
  EXPECT_EQ(read_utf8({0xE0, 0x9F, 0xBF}), errc::invalid_utf8);        // U+07FF in three bytes
  EXPECT_EQ(read_utf8({0xF0, 0x8F, 0xBF, 0xBF}), errc::invalid_utf8);  // U+FFFF in four bytes
  EXPECT_EQ(read_utf8({0xC0, 0x80}), errc::invalid_utf8);              // U+0000 in two bytes
}

TEST(ReaderUtf8, RejectsSurrogates) {
  EXPECT_EQ(read_utf8({0xED, 0xA0, 0x80}), errc::invalid_utf8);  // U+D800
  EXPECT_EQ(read_utf8({0xED, 0xBF, 0xBF}), errc::invalid_utf8);  // U+DFFF
}

TEST(ReaderUtf8, RejectsCodePointsAboveU10FFFF) {
  EXPECT_EQ(read_utf8({0xF4, 0x90, 0x80, 0x80}), errc::invalid_utf8);  // U+110000
  EXPECT_EQ(read_utf8({0xF5, 0x80, 0x80, 0x80}), errc::invalid_utf8);  // lead byte F5
}

TEST(ReaderUtf8, RejectsTheNullCharacter) {
  EXPECT_EQ(read_utf8({'a', 0x00, 'b'}), errc::null_character);
  EXPECT_EQ(read_utf8({0xC3, 0xA9, 0x00}), errc::null_character);  // after a non-ASCII character
}

TEST(ReaderStringPair, ReadsNameThenValue) {
  const Bytes bytes = {
      0x00, 0x01, 'k',       // name "k"
      0x00, 0x02, 'v', 'w',  // value "vw"
  };
  Reader in(view(bytes));
  std::string_view name;
  std::string_view value;
  EXPECT_EQ(in.string_pair(name, value), ok);
  EXPECT_EQ(name, "k");
  EXPECT_EQ(value, "vw");
  EXPECT_TRUE(in.at_end());
}

TEST(ReaderStringPair, ValidatesTheValueToo) {
  const Bytes bytes = {
      0x00, 0x01, 'k',   // name "k"
      0x00, 0x01, 0x80,  // value: a lone continuation byte
  };
  Reader in(view(bytes));
  std::string_view name;
  std::string_view value;
  EXPECT_EQ(in.string_pair(name, value), errc::invalid_utf8);
}

TEST(ReaderSplit, BoundsTheSubReader) {
  const Bytes bytes = {0x01, 0x02, 0x03};
  Reader in(view(bytes));
  Reader part;
  EXPECT_EQ(in.split(2, part), ok);
  EXPECT_EQ(part.remaining(), 2U);
  EXPECT_EQ(in.remaining(), 1U);
  EXPECT_EQ(in.split(2, part), errc::truncated);
}

}  // namespace
}  // namespace portmqtt::codec::test
