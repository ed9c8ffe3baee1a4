// The scripted transport itself, driven by hand on an io_context: what the runtime tests rely
// on (reads that never cross a cut, writes cut into packets, failures at the k-th call,
// close() completing pending operations later with operation_aborted, mismatches recorded).
#include <gtest/gtest.h>

#include <cerrno>

#include <boost/asio/io_context.hpp>

#include "scripted_transport.hpp"
#include "transport/errc.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

struct Io {
  std::error_code ec;
  std::size_t n = 0;
  bool done = false;
};

class ScriptedTransportTest : public ::testing::Test {
 protected:
  std::shared_ptr<transport::Transport> make() {
    std::shared_ptr<transport::Transport> t;
    EXPECT_FALSE(transport::make_transport(transport::Scheme::mqtt, io.get_executor(), {}, t));
    return t;
  }
  std::error_code connect(transport::Transport& t) {
    std::error_code result{-1, std::generic_category()};
    t.async_connect({.host = "h", .port = 1}, [&](std::error_code ec) { result = ec; });
    io.run();
    io.restart();
    return result;
  }
  Io read(transport::Transport& t, Bytes& into) {
    Io r;
    t.async_read_some(into, [&](std::error_code ec, std::size_t n) { r = {ec, n, true}; });
    io.run();
    io.restart();
    return r;
  }
  Io write(transport::Transport& t, const Bytes& bytes) {
    Io r;
    const transport::ConstByteSpan span{bytes};
    t.async_write({&span, 1}, [&](std::error_code ec, std::size_t n) { r = {ec, n, true}; });
    io.run();
    io.restart();
    return r;
  }

  boost::asio::io_context io;
  std::shared_ptr<Script> script = std::make_shared<Script>();
  transport::TransportFactoryScope scope = script->install();
};

TEST_F(ScriptedTransportTest, ReadsStopAtCutsAndAtTheReadLimit) {
  script->connection().read_limit(2).deliver_split({1, 2, 3, 4, 5}, {3});
  auto t = make();
  ASSERT_FALSE(connect(*t));
  Bytes buffer(8);
  EXPECT_EQ(read(*t, buffer).n, 2u);  // the limit
  EXPECT_EQ(read(*t, buffer).n, 1u);  // the cut
  EXPECT_EQ(buffer[0], 3);
  EXPECT_EQ(read(*t, buffer).n, 2u);
  EXPECT_EQ(script->record(0).reads, (std::vector<std::size_t>{2, 1, 2}));
}

TEST_F(ScriptedTransportTest, WritesAreCutIntoPacketsAndMatchedInOrder) {
  script->connection().write_limit(3).expect({0xc0, 0x00}, "PINGREQ").expect({0xe0, 0x00}, "DISC");
  auto t = make();
  ASSERT_FALSE(connect(*t));
  const Io w = write(*t, {0xc0, 0x00, 0xc0, 0x00});  // the second one is not DISCONNECT
  EXPECT_FALSE(w.ec);
  EXPECT_EQ(w.n, 4u);
  const ConnectionRecord r = script->record(0);
  EXPECT_EQ(r.parts, (std::vector<std::size_t>{3, 1}));
  EXPECT_EQ(r.packets, (std::vector<Bytes>{{0xc0, 0x00}, {0xc0, 0x00}}));
  EXPECT_EQ(script->mismatches(),
            std::vector<std::string>{"connection 0 step 1: expected DISC [e0 00], got [c0 00]"});
}

TEST_F(ScriptedTransportTest, TheKthCallFailsAndStepErrorsComeAfterTheBytesBeforeThem) {
  script->connection()
      .fail_call(Op::write, 2, system_error(EPIPE))
      .deliver({7})
      .read_error(transport::errc::end_of_stream);
  auto t = make();
  ASSERT_FALSE(connect(*t));
  EXPECT_FALSE(write(*t, {0xc0, 0x00}).ec);
  EXPECT_EQ(write(*t, {0xc0, 0x00}).ec, system_error(EPIPE));
  EXPECT_FALSE(write(*t, {0xc0, 0x00}).ec);
  Bytes buffer(4);
  EXPECT_EQ(read(*t, buffer).n, 1u);
  EXPECT_EQ(read(*t, buffer).ec, transport::errc::end_of_stream);
}

TEST_F(ScriptedTransportTest, CloseCompletesPendingOperationsLaterWithOperationAborted) {
  script->connection();  // connects, delivers nothing
  auto t = make();
  ASSERT_FALSE(connect(*t));
  Io r;
  Bytes buffer(4);
  t->async_read_some(buffer, [&](std::error_code ec, std::size_t n) { r = {ec, n, true}; });
  t->close();
  EXPECT_FALSE(r.done);  // not inside close()
  t.reset();             // the transport keeps itself alive while the handler is pending
  io.run();
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.ec, std::error_code(ECANCELED, std::system_category()));
  EXPECT_EQ(script->record(0).closes, 1u);
}

TEST_F(ScriptedTransportTest, AttemptsBeyondTheScriptAreRefused) {
  auto t = make();
  EXPECT_EQ(connect(*t), system_error(ECONNREFUSED));
  EXPECT_EQ(script->attempts(), 1u);
}

TEST_F(ScriptedTransportTest, DelaysUseTheIoContextsTimers) {
  script->connection().connect_after(30ms).after(30ms).deliver({1});
  auto t = make();
  const auto start = std::chrono::steady_clock::now();
  ASSERT_FALSE(connect(*t));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
  Bytes buffer(4);
  EXPECT_EQ(read(*t, buffer).n, 1u);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 60ms);
}

}  // namespace
}  // namespace portmqtt::test
