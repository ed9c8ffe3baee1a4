// The clients of an EventLoop with one thread share its one strand (client/loop_core.hpp);
// with more threads each client has its own. Sharing must not change what a handler may do:
// a handler of one client calls another client of the same loop.
#include <future>
#include <thread>

#include "client/loop_core.hpp"
#include "runtime_harness.hpp"

namespace portmqtt::test {
namespace {

const Bytes kQos0 = {0x30, 0x04,             // PUBLISH QoS 0, remaining 4
                     0x00, 0x01, 't', 'p'};  // topic "t", payload "p"

TEST(LoopStrand, ALoopWithOneThreadGivesEveryClientItsOneStrand) {
  EventLoop loop{1};
  detail::LoopCore& core = *loop.core();
  ASSERT_TRUE(core.one_thread_strand.has_value());
  const detail::Strand a = core.strand_for_client();
  const detail::Strand b = core.strand_for_client();
  EXPECT_TRUE(a == b);
  EXPECT_TRUE(a == *core.one_thread_strand);
}

TEST(LoopStrand, ALoopWithMoreThreadsGivesEachClientAStrandOfItsOwn) {
  EventLoop loop{2};
  detail::LoopCore& core = *loop.core();
  EXPECT_FALSE(core.one_thread_strand.has_value());
  const detail::Strand a = core.strand_for_client();
  const detail::Strand b = core.strand_for_client();
  EXPECT_FALSE(a == b);
}

// Until connection `index` has written `count` packets (10 s at most).
bool wait_packets(const Script& script, std::size_t index, std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (script.record(index).packets.size() >= count) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

TEST_F(RuntimeTest, AHandlerOfOneClientPublishesThroughAnotherOnTheSameOneThreadLoop) {
  script->connection()
      .expect(connect_packet(), "CONNECT of b")
      .deliver(kConnack)
      .expect(kQos0, "PUBLISH of b, from a's handler");
  script->connection().expect(connect_packet(), "CONNECT of a").deliver(kConnack);
  EventLoop loop{1};
  Client b{loop, base_config()};
  EventLog b_log{b};
  ASSERT_FALSE(b.start());
  ASSERT_TRUE(b_log.wait_for("connected"));

  Client a{loop, base_config()};
  std::promise<bool> accepted;
  a.on_connected([&](const Connected&) {
    accepted.set_value(static_cast<bool>(b.publish("t", "p", {.qos = QoS::at_most_once})));
  });
  ASSERT_FALSE(a.start());
  auto result = accepted.get_future();
  ASSERT_EQ(result.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(result.get());
  ASSERT_TRUE(wait_packets(*script, 0, 2));
  EXPECT_EQ(script->record(0).packets.at(1), kQos0);
  EXPECT_FALSE(a.stop());
  EXPECT_FALSE(b.stop());
}

}  // namespace
}  // namespace portmqtt::test
