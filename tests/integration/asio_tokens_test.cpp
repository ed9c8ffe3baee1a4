// Asio completion tokens (portmqtt/asio.hpp) against mosquitto: asio::use_future,
// use_awaitable in a coroutine on an io_context, deferred launched after the operation ended,
// bind_executor to a strand, detached and use_promise, and a cancelled drain. Delivery is
// checked with an independent subscriber (mosquitto_sub) where the token does not report it.
#include "portmqtt/asio.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/promise.hpp>
#include <boost/asio/experimental/use_promise.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/system/system_error.hpp>
#include <thread>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "recorder.hpp"

namespace portmqtt::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

Config config_for(const Mosquitto& broker, const std::string& id) {
  Config c;
  c.broker.uri = broker.uri();
  c.credentials.client_id = id;
  c.session.protocol_version = ProtocolVersion::v5;
  return c;
}

// Runs `io` on this thread for at most `limit`; true when it ran out of work by itself.
bool run_until_idle(asio::io_context& io, std::chrono::milliseconds limit) {
  io.run_for(limit);
  return io.stopped();
}

TEST(AsioTokens, UseFutureReportsAcknowledgementsAndThrowsTheError) {
  Mosquitto broker;
  Client client{config_for(broker, "asio-future")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());

  std::future<PublishResult> acked =
      client.publish("af/t", "x", {.qos = QoS::exactly_once}, {}, asio::use_future);
  ASSERT_EQ(acked.wait_for(10s), std::future_status::ready);
  PublishResult result = acked.get();
  EXPECT_EQ(result.qos, QoS::exactly_once);
  EXPECT_NE(result.handle, 0u);
  EXPECT_NE(result.packet_id, 0);

  SubscribeResult sub =
      client.subscribe("af/#", {.qos = QoS::at_least_once}, {}, asio::use_future).get();
  ASSERT_EQ(sub.reasons.size(), 1u);
  EXPECT_EQ(sub.reasons[0], ReasonCode::granted_qos_1);
  UnsubscribeResult unsub = client.unsubscribe("af/#", {}, asio::use_future).get();
  EXPECT_EQ(unsub.reasons.size(), 1u);

  // A call that fails at once: the error keeps its portmqtt category through Boost's code.
  std::future<PublishResult> bad = client.publish("af/#", "x", {}, {}, asio::use_future);
  ASSERT_EQ(bad.wait_for(5s), std::future_status::ready);
  try {
    bad.get();
    ADD_FAILURE() << "a publish to a wildcard topic succeeded";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(std::error_code(e.code()), errc::invalid_topic);
  }
  std::future<void> drained = client.drain(5s, asio::use_future);
  ASSERT_EQ(drained.wait_for(10s), std::future_status::ready);
  EXPECT_NO_THROW(drained.get());
}

// Publishes two messages and a wildcard one (refused at once, details kept by as_tuple), then
// drains; records the thread each step resumed on.
asio::awaitable<void> coroutine_publisher(Client& client, std::vector<PublishResult>& results,
                                          std::error_code& refusal,
                                          std::vector<std::thread::id>& threads) {
  results.push_back(
      co_await client.publish("co/t", "1", {.qos = QoS::at_least_once}, {}, asio::use_awaitable));
  threads.push_back(std::this_thread::get_id());
  results.push_back(
      co_await client.publish("co/t", "2", {.qos = QoS::exactly_once}, {}, asio::use_awaitable));
  threads.push_back(std::this_thread::get_id());
  auto [ec, bad] =
      co_await client.publish("co/#", "3", {}, {}, asio::as_tuple(asio::use_awaitable));
  refusal = ec;
  threads.push_back(std::this_thread::get_id());
  co_await client.drain(5s, asio::use_awaitable);
  threads.push_back(std::this_thread::get_id());
}

TEST(AsioTokens, CoroutineOnAnIoContextAwaitsEachPublish) {
  Mosquitto broker;
  MosquittoSub sub{broker, {.topic = "co/t", .qos = 2, .count = 2, .format = "%p"}};
  ASSERT_TRUE(sub.wait_subscribed());
  Client client{config_for(broker, "asio-co")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());

  asio::io_context io;
  std::vector<PublishResult> results;
  std::error_code refusal;
  std::vector<std::thread::id> threads;
  std::atomic<bool> finished{false};
  asio::co_spawn(io, coroutine_publisher(client, results, refusal, threads),
                 [&](std::exception_ptr e) {
                   EXPECT_FALSE(e);
                   finished = true;
                 });
  // run() returns only when the coroutine has ended: each pending operation counts as work.
  ASSERT_TRUE(run_until_idle(io, 20s));
  ASSERT_TRUE(finished);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].qos, QoS::at_least_once);
  EXPECT_EQ(results[1].qos, QoS::exactly_once);
  EXPECT_LT(results[0].handle, results[1].handle);
  EXPECT_EQ(refusal, errc::invalid_topic);
  ASSERT_EQ(threads.size(), 4u);
  for (std::thread::id id : threads)
    EXPECT_EQ(id, std::this_thread::get_id());
  ASSERT_EQ(sub.wait(20s), 0);
  EXPECT_EQ(sub.output(), "1\n2\n");
}

TEST(AsioTokens, DeferredStartsAtTheCallAndCompletesWhenLaunched) {
  Mosquitto broker;
  MosquittoSub sub{broker, {.topic = "df/t", .qos = 1, .count = 1, .format = "%p"}};
  ASSERT_TRUE(sub.wait_subscribed());
  Client client{config_for(broker, "asio-deferred")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());

  auto op = client.publish("df/t", "early", {.qos = QoS::at_least_once}, {}, asio::deferred);
  // Delivered before anything launched the deferred operation.
  ASSERT_EQ(sub.wait(20s), 0);
  EXPECT_EQ(sub.output(), "early\n");
  ASSERT_EQ(client.drain(5s), std::error_code{});

  asio::io_context io;
  std::optional<PublishResult> result;
  std::thread::id ran_on;
  std::move(op)(asio::bind_executor(io, [&](boost::system::error_code ec, PublishResult r) {
    EXPECT_FALSE(ec);
    result = std::move(r);
    ran_on = std::this_thread::get_id();
  }));
  EXPECT_FALSE(result) << "the handler ran inside the launch";
  ASSERT_TRUE(run_until_idle(io, 10s));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->qos, QoS::at_least_once);
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

TEST(AsioTokens, BindExecutorRunsTheHandlerOnTheStrand) {
  Mosquitto broker;
  Client client{config_for(broker, "asio-strand")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());

  asio::io_context io;
  auto strand = asio::make_strand(io);
  std::atomic<int> on_strand{0};
  std::atomic<int> calls{0};
  auto check = [&] {
    if (strand.running_in_this_thread()) ++on_strand;
    ++calls;
  };
  client.subscribe("bs/#", {.qos = QoS::at_least_once}, {},
                   asio::bind_executor(strand, [&](boost::system::error_code ec, SubscribeResult) {
                     EXPECT_FALSE(ec);
                     check();
                   }));
  client.publish("bs/t", "x", {.qos = QoS::exactly_once}, {},
                 asio::bind_executor(strand, [&](boost::system::error_code ec, PublishResult) {
                   EXPECT_FALSE(ec) << ec.message();
                   check();
                   client.disconnect(
                       ReasonCode::normal_disconnection, {},
                       asio::bind_executor(strand, [&](boost::system::error_code closed) {
                         EXPECT_FALSE(closed) << closed.message();
                         check();
                       }));
                 }));
  // Two threads run the io_context; the strand runs one handler at a time, and run() returns
  // only after all three.
  std::thread second([&] { io.run_for(20s); });
  const bool idle = run_until_idle(io, 20s);
  second.join();
  EXPECT_TRUE(idle);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(on_strand, 3);
}

TEST(AsioTokens, DetachedAndUsePromiseDeliver) {
  Mosquitto broker;
  MosquittoSub sub{broker, {.topic = "dp/t", .qos = 1, .count = 2, .format = "%p"}};
  ASSERT_TRUE(sub.wait_subscribed());
  Client client{config_for(broker, "asio-detached")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());

  client.publish("dp/t", "detached", {.qos = QoS::at_least_once}, {}, asio::detached);
  asio::io_context io;
  std::optional<PublishResult> result;
  // An Asio promise is not thread-safe: its completion is bound to `io`, whose thread (this
  // one, in run()) also attaches the continuation.
  auto promise = client.publish("dp/t", "promise", {.qos = QoS::at_least_once}, {},
                                asio::bind_executor(io, asio::experimental::use_promise));
  promise([&](boost::system::error_code ec, PublishResult r) {
    EXPECT_FALSE(ec);
    result = std::move(r);
  });
  io.run();  // until the publish completed: it counts as work on `io`
  ASSERT_EQ(sub.wait(20s), 0);
  EXPECT_EQ(sub.output(), "detached\npromise\n");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->qos, QoS::at_least_once);
}

TEST(AsioTokens, CancellingADrainEndsTheWaitAndKeepsTheMessage) {
  Mosquitto broker;
  broker.stop();
  Client client{config_for(broker, "asio-cancel")};
  ASSERT_TRUE(client.publish("cx/t", "kept", {.qos = QoS::at_least_once}));
  ASSERT_FALSE(client.start());

  asio::io_context io;
  asio::cancellation_signal signal;
  std::optional<boost::system::error_code> drained;
  client.drain(60s, asio::bind_cancellation_slot(
                        signal.slot(), asio::bind_executor(io, [&](boost::system::error_code ec) {
                          drained = ec;
                        })));
  asio::steady_timer timer{io, 200ms};
  timer.async_wait([&](boost::system::error_code) { signal.emit(asio::cancellation_type::total); });
  const auto began = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until_idle(io, 20s));
  ASSERT_TRUE(drained);
  EXPECT_EQ(*drained, asio::error::operation_aborted);
  EXPECT_LT(std::chrono::steady_clock::now() - began, 20s);
  // The client goes on: the message waits in the outbox and the broker takes it once back.
  EXPECT_EQ(client.outbox_messages(), 1u);
  broker.start();
  ASSERT_EQ(client.drain(20s), std::error_code{});
  EXPECT_EQ(client.outbox_messages(), 0u);
}

TEST(AsioTokens, PublishIgnoresCancellationAndStillReportsTheOutcome) {
  Mosquitto broker;
  Client client{config_for(broker, "asio-nocancel")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());

  asio::io_context io;
  asio::cancellation_signal signal;
  std::optional<boost::system::error_code> done;
  client.publish("nc/t", "x", {.qos = QoS::exactly_once}, {},
                 asio::bind_cancellation_slot(
                     signal.slot(), asio::bind_executor(io, [&](boost::system::error_code ec,
                                                                PublishResult) { done = ec; })));
  signal.emit(asio::cancellation_type::total);
  ASSERT_TRUE(run_until_idle(io, 20s));
  ASSERT_TRUE(done);
  EXPECT_FALSE(*done) << done->message();
}

}  // namespace
}  // namespace portmqtt::test
