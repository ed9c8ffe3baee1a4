// The bookkeeping behind per-call completions: detail::Callback (a move-only callable that keeps
// small callables inside) and the publish table that finds a completion by message handle.
#include <gtest/gtest.h>

#include <array>
#include <memory>
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

}  // namespace
}  // namespace portmqtt::detail
