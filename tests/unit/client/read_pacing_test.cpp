// When the loop leaves acknowledgements unread for a moment (client/read_pacing.hpp).
#include "client/read_pacing.hpp"

#include <gtest/gtest.h>

namespace portmqtt::detail {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

// A read of 5 PUBACKs with 600 messages still in flight, their acks taking 4 ms: the shape of a
// publisher with a window of 1,000 that the broker keeps waiting.
ReadOutcome busy_window() {
  return {.acks = 5, .other_events = false, .in_flight = 600, .ack_round_trip = milliseconds(4)};
}

TEST(ReadPacing, AReadOfAcksWithManyInFlightPausesAnEighthOfTheRoundTrip) {
  EXPECT_EQ(read_pause(busy_window()), microseconds(500));
}

TEST(ReadPacing, ThePauseNeverExceedsOneMillisecond) {
  ReadOutcome read = busy_window();
  read.in_flight = 5000;
  read.ack_round_trip = milliseconds(40);  // a remote broker, or a deep queue
  EXPECT_EQ(read_pause(read), milliseconds(1));
  read.ack_round_trip = std::chrono::seconds(30);
  EXPECT_EQ(read_pause(read), milliseconds(1));
}

TEST(ReadPacing, AShortRoundTripReadsAtOnce) {
  // An eighth of 240 us would be a timer for two or three acks.
  ReadOutcome read = busy_window();
  read.ack_round_trip = microseconds(240);
  EXPECT_EQ(read_pause(read), nanoseconds(0));
  read.ack_round_trip = microseconds(400);  // 50 us: the shortest pause taken
  EXPECT_EQ(read_pause(read), microseconds(50));
  read.ack_round_trip = microseconds(399);
  EXPECT_EQ(read_pause(read), nanoseconds(0));
}

TEST(ReadPacing, ThePauseIsAtMostOneMicrosecondPerMessageInFlight) {
  // The broker may answer the last few within a longer pause and then wait for our ACK.
  ReadOutcome read = busy_window();  // 500 us from the round trip
  read.in_flight = 400;
  EXPECT_EQ(read_pause(read), microseconds(400));
  read.in_flight = 50;
  EXPECT_EQ(read_pause(read), microseconds(50));
  read.in_flight = 49;
  EXPECT_EQ(read_pause(read), nanoseconds(0));
  read.in_flight = 0;
  EXPECT_EQ(read_pause(read), nanoseconds(0));
}

TEST(ReadPacing, AWindowOf20NeverPausesEvenWhenALoadedMachineStretchesTheRoundTrip) {
  // 20 in flight hold about 200 us of the broker's work; a round trip of 8 ms says more about
  // the scheduler than about that work.
  ReadOutcome read = busy_window();
  read.in_flight = 20;
  read.ack_round_trip = milliseconds(8);
  EXPECT_EQ(read_pause(read), nanoseconds(0));
}

TEST(ReadPacing, AReadWithoutAcksOfOursReadsAtOnce) {
  // A PINGRESP, or part of a packet: nothing says the broker is busy with ours.
  ReadOutcome read = busy_window();
  read.acks = 0;
  EXPECT_EQ(read_pause(read), nanoseconds(0));
}

TEST(ReadPacing, AReadThatDeliveredMoreThanAcksReadsAtOnce) {
  // Messages for the application (or a SUBACK, an ack with properties) must not wait behind
  // a pause: the next may be on its way.
  ReadOutcome read = busy_window();
  read.other_events = true;
  EXPECT_EQ(read_pause(read), nanoseconds(0));
}

TEST(ReadPacing, NoRoundTripMeasuredYetReadsAtOnce) {
  ReadOutcome read = busy_window();
  read.ack_round_trip.reset();
  EXPECT_EQ(read_pause(read), nanoseconds(0));
}

}  // namespace
}  // namespace portmqtt::detail
