// The runtime's life-cycle table: one case per legal transition, then every pair the table
// must refuse, and the views derived from a state.
#include "client/lifecycle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>

namespace portmqtt::detail {
namespace {

struct Row {
  const char* name;
  Life from;
  LifeEvent event;
  Life to;
};

using enum Life;
using Ev = LifeEvent;

// Written from the documented behaviour of Client, independently of lifecycle.cpp.
constexpr std::array kRows{
    Row{"StartFromNotStarted", not_started, Ev::start, connecting},
    Row{"StartAfterStop", stopped, Ev::start, connecting},
    Row{"StartInsideTheLastHandlerOfARefusal", refusing, Ev::start, connecting},
    Row{"StartAfterARefusal", refused, Ev::start, connecting},
    Row{"StopWhileConnecting", connecting, Ev::stop, stopping},
    Row{"StopWhileConnected", connected, Ev::stop, stopping},
    Row{"StopWhileWaiting", waiting_reconnect, Ev::stop, stopping},
    Row{"StopWhileOffline", offline, Ev::stop, stopping},
    Row{"StopJoinsAStopUnderWay", stopping, Ev::stop, stopping},
    Row{"StopFinishes", stopping, Ev::stop_finished, stopped},
    Row{"ConnackAccepted", connecting, Ev::connack_accepted, connected},
    Row{"AttemptFailsAndWaits", connecting, Ev::connection_lost, waiting_reconnect},
    Row{"ConnectionLostAndWaits", connected, Ev::connection_lost, waiting_reconnect},
    Row{"AbandonedLinkClosesWhileWaiting", waiting_reconnect, Ev::connection_lost,
        waiting_reconnect},
    Row{"OfflineLinkCloses", offline, Ev::connection_lost, offline},
    Row{"StopClosesTheLink", stopping, Ev::connection_lost, stopping},
    Row{"FatalRefusalWhileConnecting", connecting, Ev::fatal_refusal, refusing},
    Row{"FatalReauthenticationRefusal", connected, Ev::fatal_refusal, refusing},
    Row{"FatalRefusalOfAnAbandonedLink", waiting_reconnect, Ev::fatal_refusal, refusing},
    Row{"FatalRefusalWhileGoingOffline", offline, Ev::fatal_refusal, refusing},
    Row{"FatalRefusalDuringStop", stopping, Ev::fatal_refusal, stopping},
    Row{"RefusalReported", refusing, Ev::refusal_reported, refused},
    Row{"RetryAfterTheWait", waiting_reconnect, Ev::retry, connecting},
    Row{"ReconnectEndsTheWait", waiting_reconnect, Ev::reconnect_request, waiting_reconnect},
    Row{"ReconnectLeavesOffline", offline, Ev::reconnect_request, waiting_reconnect},
    Row{"AbruptWhileConnecting", connecting, Ev::go_offline, offline},
    Row{"AbruptWhileConnected", connected, Ev::go_offline, offline},
    Row{"AbruptWhileWaiting", waiting_reconnect, Ev::go_offline, offline},
    Row{"AbruptWhileOffline", offline, Ev::go_offline, offline},
};

constexpr std::array kLives{not_started,       connecting, connected,
                            waiting_reconnect, offline,    stopping,
                            stopped,           refusing,   refused};
constexpr std::array kEvents{Ev::start,
                             Ev::stop,
                             Ev::connack_accepted,
                             Ev::connection_lost,
                             Ev::fatal_refusal,
                             Ev::refusal_reported,
                             Ev::retry,
                             Ev::reconnect_request,
                             Ev::go_offline,
                             Ev::stop_finished};

class Transition : public ::testing::TestWithParam<Row> {};

TEST_P(Transition, LeadsWhereTheRowSays) {
  const Row& row = GetParam();
  const auto next = next_life(row.from, row.event);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(*next, row.to);
}

INSTANTIATE_TEST_SUITE_P(Lifecycle, Transition, ::testing::ValuesIn(kRows),
                         [](const auto& row_info) { return std::string{row_info.param.name}; });

bool listed(Life from, LifeEvent event) {
  return std::any_of(kRows.begin(), kRows.end(),
                     [&](const Row& r) { return r.from == from && r.event == event; });
}

TEST(Lifecycle, EveryOtherPairIsRefused) {
  int refused_pairs = 0;
  for (Life from : kLives) {
    for (LifeEvent event : kEvents) {
      if (listed(from, event)) continue;
      EXPECT_FALSE(next_life(from, event).has_value())
          << "state " << int(from) << " event " << int(event);
      ++refused_pairs;
    }
  }
  EXPECT_EQ(refused_pairs, int(kLives.size() * kEvents.size() - kRows.size()));
}

TEST(Lifecycle, AStoppedOrNeverStartedClientRefusesWhatNeedsARun) {
  for (Life from : {not_started, stopped, refused}) {
    EXPECT_FALSE(next_life(from, Ev::stop)) << int(from);
    EXPECT_FALSE(next_life(from, Ev::reconnect_request)) << int(from);
    EXPECT_FALSE(next_life(from, Ev::go_offline)) << int(from);
  }
}

TEST(Lifecycle, AStopUnderWayRefusesStartAndTheCallsOfARunningClient) {
  EXPECT_FALSE(next_life(stopping, Ev::start));
  EXPECT_FALSE(next_life(stopping, Ev::reconnect_request));
  EXPECT_FALSE(next_life(stopping, Ev::go_offline));
  EXPECT_FALSE(next_life(stopping, Ev::retry));
  EXPECT_FALSE(next_life(stopping, Ev::connack_accepted));  // a late CONNACK: still stopping
}

TEST(Lifecycle, RunningClientsRefuseStart) {
  for (Life from : {connecting, connected, waiting_reconnect, offline})
    EXPECT_FALSE(next_life(from, Ev::start)) << int(from);
}

TEST(Lifecycle, OnlyTheWaitRetriesAndOnlyAnAttemptIsAccepted) {
  for (Life from : {connecting, connected, offline, stopping, refusing})
    EXPECT_FALSE(next_life(from, Ev::retry)) << int(from);  // a timer that fired too late
  for (Life from : {connected, waiting_reconnect, offline, refusing})
    EXPECT_FALSE(next_life(from, Ev::connack_accepted)) << int(from);
  EXPECT_FALSE(next_life(connected, Ev::reconnect_request));  // reconnect() needs a wait
  EXPECT_FALSE(next_life(connecting, Ev::reconnect_request));
}

TEST(Lifecycle, PublicStates) {
  EXPECT_EQ(public_state(not_started), ConnectionState::not_started);
  EXPECT_EQ(public_state(connecting), ConnectionState::connecting);
  EXPECT_EQ(public_state(connected), ConnectionState::connected);
  EXPECT_EQ(public_state(waiting_reconnect), ConnectionState::waiting_reconnect);
  EXPECT_EQ(public_state(offline), ConnectionState::waiting_reconnect);
  for (Life stopped_kind : {stopping, stopped, refusing, refused})
    EXPECT_EQ(public_state(stopped_kind), ConnectionState::stopped) << int(stopped_kind);
}

TEST(Lifecycle, RunningAcceptingAndDelivering) {
  for (Life l : kLives) {
    const bool running = l == connecting || l == connected || l == waiting_reconnect ||
                         l == offline || l == stopping;
    EXPECT_EQ(is_running(l), running) << int(l);
    EXPECT_EQ(accepts_commands(l), running && l != stopping) << int(l);
    EXPECT_EQ(delivers_events(l), l != stopping && l != stopped) << int(l);
  }
}

}  // namespace
}  // namespace portmqtt::detail
