// How long the loop may leave the next acknowledgements unread after a read of acks: a pure
// function of what the read did and what is still in flight, so that it is tested without a
// socket or a clock.
//
// Why pause at all: a broker that leaves Nagle's algorithm on (mosquitto does) sends its next
// acks only once its last segment is acknowledged at the TCP level, and Linux acknowledges a
// segment when the application reads it (or at once, after TCP_QUICKACK). A client that reads
// every segment as it arrives therefore gets its acks in segments of a few each, and pays a
// wake-up of its loop thread (the broker pays one too) per segment: 4-5 messages per wake-up at
// QoS 1, against ~140 for libmosquitto, which reads lazily. Reading a moment later lets the
// broker gather what it produced meanwhile into one segment.
//
// Why it cannot stall: the pause is a fraction of the round trip the acks are taking and of
// the work the messages still in flight hold for the broker (which stays busy through it), at
// most kMaxReadPause, and only while many messages are in flight. A read that delivered
// messages to the application, or took no acks of ours, never pauses the next one.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

namespace portmqtt::detail {

/// What a read did, and what is left in flight after it.
struct ReadOutcome {
  /// Acknowledgements of our QoS 1/2 messages this read took (PUBACK, PUBREC, PUBCOMP).
  std::size_t acks = 0;
  /// The read delivered something besides acknowledgements (a message, a SUBACK, an ack with
  /// properties, ...).
  bool other_events = false;
  /// Our QoS 1/2 messages still unacknowledged after it.
  std::size_t in_flight = 0;
  /// How long the most recent acknowledgement took (Session::last_ack_rtt()).
  std::optional<std::chrono::nanoseconds> ack_round_trip;
};

/// The pause is at most this share of the acknowledgements' round trip: the rate of a client
/// that waits for its window loses at most that share, one that the broker keeps busy none.
inline constexpr int kRoundTripShare = 8;
/// And at most this long per message in flight: a broker answers one in several microseconds
/// (mosquitto here: about 10), so the pause stays well inside the work the window still holds
/// for it, also when a loaded machine stretches the round trip.
inline constexpr std::chrono::nanoseconds kPausePerInFlight{1000};
/// No pause beyond this (at 10 us a message, about 100 acks gather in it).
inline constexpr std::chrono::microseconds kMaxReadPause{1000};
/// A shorter pause would cost a timer for a few acks: read at once instead. With
/// kPausePerInFlight, fewer than 50 messages in flight never pause.
inline constexpr std::chrono::microseconds kMinReadPause{50};

/// How long to wait before the next read; zero: read at once.
std::chrono::nanoseconds read_pause(const ReadOutcome& read) noexcept;

}  // namespace portmqtt::detail
