// check_utf8_string, check_topic_name and check_topic_filter (MQTT §1.5.4, §4.7).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "decode_support.hpp"

namespace portmqtt::codec::test {
namespace {

TEST(CheckUtf8String, AcceptsWellFormedText) {
  EXPECT_FALSE(check_utf8_string(""));
  EXPECT_FALSE(check_utf8_string("hello"));
  EXPECT_FALSE(check_utf8_string("caf\xC3\xA9"));            // café
  EXPECT_FALSE(check_utf8_string("\xF0\x9F\x98\x80"));       // U+1F600
  EXPECT_FALSE(check_utf8_string("+#/"));                    // wildcards are plain text here
  EXPECT_FALSE(check_utf8_string(std::string(65535, 'a')));  // the longest string
}

TEST(CheckUtf8String, RejectsIllFormedText) {
  EXPECT_EQ(check_utf8_string("\xC0\xAF"), err(errc::invalid_utf8));          // overlong '/'
  EXPECT_EQ(check_utf8_string("\xED\xA0\x80"), err(errc::invalid_utf8));      // surrogate U+D800
  EXPECT_EQ(check_utf8_string("\xF4\x90\x80\x80"), err(errc::invalid_utf8));  // above U+10FFFF
  EXPECT_EQ(check_utf8_string("ab\xE2\x82"), err(errc::invalid_utf8));        // cut short
}

TEST(CheckUtf8String, RejectsNul) {
  EXPECT_EQ(check_utf8_string(std::string_view("a\0b", 3)), err(errc::null_character));
}

TEST(CheckUtf8String, RejectsMoreThan65535Bytes) {
  EXPECT_EQ(check_utf8_string(std::string(65536, 'a')), err(errc::string_too_long));
}

TEST(CheckTopicName, AcceptsTopicNames) {
  EXPECT_FALSE(check_topic_name("a"));
  EXPECT_FALSE(check_topic_name("/"));
  EXPECT_FALSE(check_topic_name("sport/tennis/player1"));
  EXPECT_FALSE(check_topic_name("$SYS/broker/uptime"));
  EXPECT_FALSE(check_topic_name("caf\xC3\xA9/menu"));
}

TEST(CheckTopicName, RejectsEmpty) {
  EXPECT_EQ(check_topic_name(""), err(errc::invalid_topic));
}

TEST(CheckTopicName, RejectsWildcards) {
  EXPECT_EQ(check_topic_name("a/+"), err(errc::wildcard_in_topic));
  EXPECT_EQ(check_topic_name("#"), err(errc::wildcard_in_topic));
  EXPECT_EQ(check_topic_name("a+b"), err(errc::wildcard_in_topic));
  EXPECT_EQ(check_topic_name("caf\xC3\xA9/#"), err(errc::wildcard_in_topic));
}

// The ASCII fast path reads eight bytes at a time with a tail of 1..7: a special byte must be
// found at every position of strings of every length around those boundaries.
TEST(CheckTopicName, FindsASpecialByteAtEveryPositionAndLength) {
  for (std::size_t length = 1; length <= 24; ++length) {
    EXPECT_FALSE(check_topic_name(std::string(length, 'a'))) << length;
    for (std::size_t at = 0; at < length; ++at) {
      std::string topic(length, 'a');
      topic[at] = '+';
      EXPECT_EQ(check_topic_name(topic), err(errc::wildcard_in_topic)) << length << " " << at;
      topic[at] = '#';
      EXPECT_EQ(check_topic_name(topic), err(errc::wildcard_in_topic)) << length << " " << at;
      topic[at] = '\0';
      EXPECT_EQ(check_topic_name(topic), err(errc::null_character)) << length << " " << at;
      topic[at] = '\x80';  // a lone continuation byte
      EXPECT_EQ(check_topic_name(topic), err(errc::invalid_utf8)) << length << " " << at;
      topic[at] = '\x2A';  // '*': one bit away from '+'
      EXPECT_FALSE(check_topic_name(topic)) << length << " " << at;
      topic[at] = '\x03';  // one bit away from '#'
      EXPECT_FALSE(check_topic_name(topic)) << length << " " << at;
      topic[at] = '\x7F';
      EXPECT_FALSE(check_topic_name(topic)) << length << " " << at;
    }
  }
}

TEST(CheckTopicName, RejectsBadUtf8AndNul) {
  EXPECT_EQ(check_topic_name("a/\xFF"), err(errc::invalid_utf8));
  EXPECT_EQ(check_topic_name(std::string_view("a\0", 2)), err(errc::null_character));
}

TEST(CheckTopicName, RejectsMoreThan65535Bytes) {
  EXPECT_EQ(check_topic_name(std::string(65536, 'a')), err(errc::string_too_long));
}

TEST(CheckTopicFilter, AcceptsFilters) {
  for (const char* filter :
       {"a", "a/b", "#", "+", "a/#", "a/+/b", "+/+", "/+", "+/", "a//b", "/", "$SYS/#", "a/+/#"}) {
    EXPECT_FALSE(check_topic_filter(filter)) << filter;
  }
}

TEST(CheckTopicFilter, RejectsMisplacedWildcards) {
  for (const char* filter : {"a#", "a/#/b", "#/", "a/b#", "a+", "+a", "a/b+/c", "++", "##"}) {
    EXPECT_EQ(check_topic_filter(filter), err(errc::invalid_topic)) << filter;
  }
}

TEST(CheckTopicFilter, RejectsEmpty) {
  EXPECT_EQ(check_topic_filter(""), err(errc::invalid_topic));
}

TEST(CheckTopicFilter, AcceptsSharedSubscriptions) {
  EXPECT_FALSE(check_topic_filter("$share/group/a/b"));
  EXPECT_FALSE(check_topic_filter("$share/group/#"));
  EXPECT_FALSE(check_topic_filter("$share/g/+/x"));
}

TEST(CheckTopicFilter, RejectsMalformedSharedSubscriptions) {
  EXPECT_EQ(check_topic_filter("$share/group"), err(errc::invalid_topic));   // no filter
  EXPECT_EQ(check_topic_filter("$share/group/"), err(errc::invalid_topic));  // empty filter
  EXPECT_EQ(check_topic_filter("$share//a"), err(errc::invalid_topic));      // empty share name
  EXPECT_EQ(check_topic_filter("$share/g+/a"), err(errc::invalid_topic));    // '+' in name
  EXPECT_EQ(check_topic_filter("$share/#/a"), err(errc::invalid_topic));     // '#' in name
  EXPECT_EQ(check_topic_filter("$share/g/a#"), err(errc::invalid_topic));    // bad filter
}

TEST(CheckTopicFilter, TreatsOtherDollarTopicsAsPlainFilters) {
  EXPECT_FALSE(check_topic_filter("$share"));  // no slash: not a shared subscription
  EXPECT_FALSE(check_topic_filter("$shared/x"));
}

TEST(CheckTopicFilter, RejectsBadUtf8AndNul) {
  EXPECT_EQ(check_topic_filter("a/\xC0\x80"), err(errc::invalid_utf8));
  EXPECT_EQ(check_topic_filter(std::string_view("a/\0", 3)), err(errc::null_character));
}

TEST(CheckTopicFilter, RejectsMoreThan65535Bytes) {
  EXPECT_EQ(check_topic_filter(std::string(65536, 'a')), err(errc::string_too_long));
}

}  // namespace
}  // namespace portmqtt::codec::test
