// The bookkeeping behind per-call completions: detail::Callback (a move-only callable that keeps
// small callables inside), the publish table that finds a completion by message handle, and
// the Ready record a due completion waits in.
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <new>
#include <vector>

#include "client/completions.hpp"

namespace portmqtt::detail {
namespace {

// Counts how many live copies of itself exist, so that a leak or a double destruction shows.
struct Counted {
  explicit Counted(int* live_count, int* call_count) : live(live_count), calls(call_count) {
    ++*live;
  }
  Counted(Counted&& other) noexcept : live(other.live), calls(other.calls) { ++*live; }
  Counted(const Counted& other) : live(other.live), calls(other.calls) { ++*live; }
  ~Counted() { --*live; }
  void operator()(std::error_code) { ++*calls; }
  int* live;
  int* calls;
};

TEST(Callback, SmallAndLargeCallablesMoveRunAndEndOnce) {
  int live = 0;
  int calls = 0;
  {
    Callback<VoidSignature> small{Counted{&live, &calls}};
    std::array<char, 256> big_capture{};
    Callback<VoidSignature> big{
        [c = Counted{&live, &calls}, big_capture](std::error_code ec) mutable {
          c(ec);
          (void)big_capture;
        }};
    EXPECT_EQ(live, 2);
    Callback<VoidSignature> moved = std::move(small);
    Callback<VoidSignature> moved_big = std::move(big);
    EXPECT_FALSE(small);  // NOLINT(bugprone-use-after-move): moved-from is empty
    EXPECT_FALSE(big);    // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(live, 2);
    moved(std::error_code{});
    moved_big(std::error_code{});
    EXPECT_EQ(calls, 2);
    moved = std::move(moved_big);  // ends the small one, takes the big one
    EXPECT_EQ(live, 1);
    moved(std::error_code{});
    EXPECT_EQ(calls, 3);
  }
  EXPECT_EQ(live, 0);
}

TEST(Callback, MoveOnlyCapturesAreKept) {
  auto value = std::make_unique<int>(7);
  int seen = 0;
  Callback<VoidSignature> cb{[v = std::move(value), &seen](std::error_code) { seen = *v; }};
  std::vector<Callback<VoidSignature>> grown;
  grown.push_back(std::move(cb));
  for (int i = 0; i < 100; ++i)
    grown.emplace_back([](std::error_code) {});  // relocations
  grown.front()(std::error_code{});
  EXPECT_EQ(seen, 7);
}

PublishDone recording(std::vector<std::uint64_t>& out, std::uint64_t handle) {
  return [&out, handle](std::error_code, PublishResult) { out.push_back(handle); };
}

TEST(PublishTable, FindsEachHandleOnceInAnyOrder) {
  PublishTable table;
  std::vector<std::uint64_t> ran;
  // Consecutive handles, then a gap (publishes without a completion in between).
  for (std::uint64_t h : {1, 2, 3, 4, 10, 11, 20})
    table.add(h, recording(ran, h));
  for (std::uint64_t h : {3, 1, 20, 10, 2, 11}) {
    PublishDone done = table.take(h);
    ASSERT_TRUE(done) << h;
    done(std::error_code{}, PublishResult{});
    EXPECT_FALSE(table.take(h)) << "handle " << h << " found twice";
  }
  EXPECT_FALSE(table.take(5));   // never registered, inside the range
  EXPECT_FALSE(table.take(99));  // beyond it
  EXPECT_FALSE(table.empty());
  ASSERT_TRUE(table.take(4));
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(ran, (std::vector<std::uint64_t>{3, 1, 20, 10, 2, 11}));
}

TEST(PublishTable, OneOldEntryAmongManyEndedStaysFindable) {
  PublishTable table;
  std::vector<std::uint64_t> ran;
  table.add(1, recording(ran, 1));
  for (std::uint64_t h = 2; h <= 10000; ++h) {
    table.add(h, recording(ran, h));
    ASSERT_TRUE(table.take(h));  // acknowledged at once, the first one keeps waiting
  }
  PublishDone first = table.take(1);
  ASSERT_TRUE(first);
  first(std::error_code{}, PublishResult{});
  EXPECT_EQ(ran, std::vector<std::uint64_t>{1});
  EXPECT_TRUE(table.empty());
}

TEST(PublishTable, TakeAllRunsEveryLiveEntryInHandleOrder) {
  PublishTable table;
  std::vector<std::uint64_t> ran;
  for (std::uint64_t h = 1; h <= 100; ++h)
    table.add(h, recording(ran, h));
  for (std::uint64_t h = 1; h <= 100; h += 2)
    ASSERT_TRUE(table.take(h));
  table.take_all([](std::uint64_t, PublishDone done) { done(std::error_code{}, PublishResult{}); });
  EXPECT_TRUE(table.empty());
  ASSERT_EQ(ran.size(), 50u);
  for (std::size_t i = 0; i < ran.size(); ++i)
    EXPECT_EQ(ran[i], 2 * (i + 1));
  table.add(7, recording(ran, 7));  // usable again, from any handle
  EXPECT_TRUE(table.take(7));
}

TEST(PublishTable, TakeHandsTheEntryToTheSinkOnce) {
  PublishTable table;
  std::vector<std::uint64_t> ran;
  table.add(1, recording(ran, 1));
  table.add(2, recording(ran, 2));
  std::vector<Ready> ready;
  EXPECT_TRUE(table.take(2, [&](PublishDone& done) {
    ready.emplace_back(std::move(done), std::error_code{}, 2, 9, QoS::at_least_once,
                       ReasonCode::success);
  }));
  EXPECT_FALSE(table.take(2, [](PublishDone&) { ADD_FAILURE() << "taken twice"; }));
  // A sink that leaves the completion where it is still ends the entry.
  EXPECT_TRUE(table.take(1, [](PublishDone&) {}));
  EXPECT_TRUE(table.empty());
  ASSERT_EQ(ready.size(), 1u);
  ready.front()();
  EXPECT_EQ(ran, std::vector<std::uint64_t>{2});
}

TEST(PublishTable, ASinkThatThrowsStillEndsTheEntry) {
  PublishTable table;
  std::vector<std::uint64_t> ran;
  for (std::uint64_t h = 1; h <= 3; ++h)
    table.add(h, recording(ran, h));
  EXPECT_THROW(table.take(1, [](PublishDone&) { throw std::bad_alloc{}; }), std::bad_alloc);
  EXPECT_FALSE(table.take(1));
  for (std::uint64_t h : {3, 2}) {
    PublishDone done = table.take(h);
    ASSERT_TRUE(done) << h;
    done(std::error_code{}, PublishResult{});
  }
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(ran, (std::vector<std::uint64_t>{3, 2}));
}

TEST(PublishTable, TakeEachEndsTheHandlesOfABatchInItsOrder) {
  PublishTable table;
  std::vector<std::uint64_t> ran;
  for (std::uint64_t h = 1; h <= 200; ++h)
    table.add(h, recording(ran, h));
  // A batch out of order, with a handle never registered and one repeated.
  const std::vector<std::uint64_t> batch = {3, 1, 2, 500, 3, 150};
  std::vector<std::uint64_t> given;
  table.take_each(
      batch, [](std::uint64_t h) { return h; },
      [&](std::uint64_t h, PublishDone& done) {
        given.push_back(h);
        done(std::error_code{}, PublishResult{});
      });
  EXPECT_EQ(given, (std::vector<std::uint64_t>{3, 1, 2, 150}));
  EXPECT_EQ(ran, given);
  // The rest stays findable, once each, across the compaction of the ended front.
  std::vector<std::uint64_t> rest;
  for (std::uint64_t h = 4; h <= 200; ++h)
    if (h != 150) rest.push_back(h);
  std::vector<std::uint64_t> first_half(rest.begin(), rest.begin() + 120);
  table.take_each(
      first_half, [](std::uint64_t h) { return h; },
      [](std::uint64_t, PublishDone& done) { done(std::error_code{}, PublishResult{}); });
  EXPECT_FALSE(table.empty());
  for (std::size_t i = 120; i < rest.size(); ++i)
    EXPECT_TRUE(table.take(rest[i])) << rest[i];
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(ran.size(), 4u + 120u);
}

TEST(PublishTable, TakeEachEndsAnEntryWhoseSinkThrows) {
  PublishTable table;
  std::vector<std::uint64_t> ran;
  for (std::uint64_t h = 1; h <= 3; ++h)
    table.add(h, recording(ran, h));
  const std::vector<std::uint64_t> batch = {1, 2};
  EXPECT_THROW(table.take_each(
                   batch, [](std::uint64_t h) { return h; },
                   [](std::uint64_t, PublishDone&) { throw std::bad_alloc{}; }),
               std::bad_alloc);
  EXPECT_FALSE(table.take(1));  // ended, though its sink threw
  EXPECT_TRUE(table.take(2));   // never reached: still there
  EXPECT_TRUE(table.take(3));
  EXPECT_TRUE(table.empty());
}

TEST(Ready, APublishReportsItsFieldsAndTheAnswersProperties) {
  std::vector<PublishResult> results;
  std::vector<std::error_code> errors;
  auto record = [&](std::error_code ec, PublishResult r) {
    errors.push_back(ec);
    results.push_back(std::move(r));
  };
  Properties answer;
  answer.add(PropertyId::reason_string, "quota exceeded");
  answer.add_user_property("k", "v");
  const Properties none;
  std::vector<Ready> ready;
  ready.emplace_back(PublishDone{record}, make_error_code(delivery_errc::refused), 5, 17,
                     QoS::exactly_once, ReasonCode::quota_exceeded, &answer);
  ready.emplace_back(PublishDone{record}, std::error_code{}, 6, 18, QoS::at_least_once,
                     ReasonCode::success, &none);
  ready.emplace_back(PublishDone{record}, make_error_code(delivery_errc::stopped), 7, 0,
                     QoS::at_most_once, ReasonCode::success);
  answer.clear();  // the record keeps its own copy
  for (Ready& r : ready)
    r();
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(errors[0], delivery_errc::refused);
  EXPECT_EQ(results[0].handle, 5u);
  EXPECT_EQ(results[0].packet_id, 17);
  EXPECT_EQ(results[0].qos, QoS::exactly_once);
  EXPECT_EQ(results[0].reason, ReasonCode::quota_exceeded);
  EXPECT_EQ(results[0].reason_string, "quota exceeded");
  EXPECT_EQ(results[0].properties.size(), 2u);
  EXPECT_FALSE(errors[1]);
  EXPECT_EQ(results[1].handle, 6u);
  EXPECT_EQ(results[1].packet_id, 18);
  EXPECT_TRUE(results[1].reason_string.empty());
  EXPECT_TRUE(results[1].properties.empty());
  EXPECT_EQ(errors[2], delivery_errc::stopped);
  EXPECT_EQ(results[2].handle, 7u);
}

TEST(Ready, OtherCompletionsRunAndResetEndsWhatEachHolds) {
  int live = 0;
  int calls = 0;
  {
    std::vector<Ready> ready;
    ready.emplace_back(PublishDone{[c = Counted{&live, &calls}](std::error_code ec,
                                                                PublishResult) mutable { c(ec); }},
                       std::error_code{}, 1, 1, QoS::at_least_once, ReasonCode::success);
    ready.emplace_back([c = Counted{&live, &calls}]() mutable { c(std::error_code{}); });
    for (int i = 0; i < 50; ++i)
      ready.emplace_back([] {});  // relocations of both kinds
    EXPECT_EQ(live, 2);
    ready[0]();
    ready[1]();
    EXPECT_EQ(calls, 2);
    ready[0].reset();
    EXPECT_EQ(live, 1);
    ready[1].reset();
    EXPECT_EQ(live, 0);
  }
  EXPECT_EQ(live, 0);
}

}  // namespace
}  // namespace portmqtt::detail
