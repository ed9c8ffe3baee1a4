// Runtime behaviour against mosquitto: many clients on one EventLoop, fragments, user events,
// calls from handlers (including stop and destroy), enqueue from other threads.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <thread>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "portmqtt/event_loop.hpp"
#include "recorder.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

Config basic(const Mosquitto& broker, const std::string& id) {
  Config c;
  c.broker.uri = broker.uri();
  c.credentials.client_id = id;
  return c;
}

TEST(Runtime, HundredClientsShareOneEventLoop) {
  Mosquitto broker;
  EventLoop loop{2};
  constexpr int kClients = 100;
  std::vector<std::unique_ptr<Client>> clients;
  std::vector<std::unique_ptr<Recorder>> recorders;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<Client>(loop, basic(broker, "many-" + std::to_string(i))));
    recorders.push_back(std::make_unique<Recorder>(*clients.back()));
    ASSERT_FALSE(clients.back()->start());
  }
  for (int i = 0; i < kClients; ++i) {
    ASSERT_TRUE(recorders[static_cast<std::size_t>(i)]->wait_connected()) << i;
    ASSERT_TRUE(
        clients[static_cast<std::size_t>(i)]->subscribe("fan/out", {.qos = QoS::at_least_once}));
  }
  for (auto& r : recorders)
    ASSERT_TRUE(r->wait([&] { return !r->subacks.empty(); }));
  ASSERT_TRUE(clients[0]->publish("fan/out", "hello all", {.qos = QoS::at_least_once}));
  for (auto& r : recorders) {
    ASSERT_TRUE(r->wait_messages(1));
    std::lock_guard lock(r->mutex);
    EXPECT_EQ(r->messages[0].payload, "hello all");
  }
  recorders.clear();  // each stops its client (DISCONNECT) before the loop goes away
  clients.clear();
}

TEST(Runtime, LargeMessagesArriveInFragments) {
  Mosquitto broker;
  Config c = basic(broker, "frag");
  c.buffer.fragment_size = 1000;
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_TRUE(client.subscribe("f/t", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(rec.wait([&] { return !rec.subacks.empty(); }));
  const std::string payload = patterned(2500);
  ASSERT_EQ(run_mosquitto_pub(broker, {.topic = "f/t", .payload = payload, .qos = 1}), 0);
  ASSERT_TRUE(rec.wait_messages(3));
  std::lock_guard lock(rec.mutex);
  ASSERT_EQ(rec.messages.size(), 3u);
  std::string joined;
  const std::size_t offsets[] = {0, 1000, 2000};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(rec.messages[i].offset, offsets[i]);
    EXPECT_EQ(rec.messages[i].total_size, 2500u);
    EXPECT_EQ(rec.messages[i].topic, "f/t");
    joined += rec.messages[i].payload;
  }
  EXPECT_EQ(rec.messages[2].payload.size(), 500u);
  EXPECT_EQ(joined, payload);
}

TEST(Runtime, UserEventsRunOnTheLoopThread) {
  Mosquitto broker;
  Client client{basic(broker, "user-ev")};
  std::promise<std::pair<int, std::thread::id>> got;
  std::thread::id handler_thread;
  client.on_before_connect(
      [&](const BeforeConnect&) { handler_thread = std::this_thread::get_id(); });
  client.on_user_event([&](const UserEvent& e) {
    got.set_value({std::any_cast<int>(e.data), std::this_thread::get_id()});
  });
  ASSERT_FALSE(client.start());
  std::thread other([&] { client.dispatch({.id = 7, .data = 42}); });
  other.join();
  auto future = got.get_future();
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  auto [value, thread] = future.get();
  EXPECT_EQ(value, 42);
  EXPECT_EQ(thread, handler_thread);
  EXPECT_NE(thread, std::this_thread::get_id());
}

TEST(Runtime, HandlersMayPublishStopAndDestroy) {
  Mosquitto broker;
  auto client = std::make_unique<Client>(basic(broker, "in-handler"));
  std::promise<std::error_code> stopped;
  client->on_connected([&](const Connected&) {
    EXPECT_TRUE(client->publish("h/t", "from handler", {.qos = QoS::at_least_once}));
    stopped.set_value(client->stop());  // asynchronous on the loop thread
  });
  MosquittoSub sub{broker, {.topic = "h/t", .qos = 1, .count = 1}};
  ASSERT_TRUE(sub.wait_subscribed());
  ASSERT_FALSE(client->start());
  auto f = stopped.get_future();
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(f.get(), errc::stop_pending);
  EXPECT_TRUE(broker.wait_for_log("Client in-handler disconnected.", 5s)) << broker.log();
  client.reset();

  // Destroying a client from its own handler does not deadlock.
  Client* raw = new Client(basic(broker, "self-destroy"));
  std::promise<void> destroyed;
  raw->on_connected([&](const Connected&) {
    delete raw;
    destroyed.set_value();
  });
  ASSERT_FALSE(raw->start());
  auto d = destroyed.get_future();
  ASSERT_EQ(d.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(broker.wait_for_log("Client self-destroy disconnected.", 5s));
}

TEST(Runtime, EnqueueFromManyThreadsDeliversEverything) {
  Mosquitto broker;
  Client client{basic(broker, "threads")};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_TRUE(client.subscribe("m/t", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(rec.wait([&] { return !rec.subacks.empty(); }));
  constexpr int kThreads = 4, kEach = 250;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i)
        EXPECT_TRUE(
            client.enqueue("m/t", std::to_string(t * kEach + i), {.qos = QoS::at_least_once}));
    });
  for (auto& t : threads)
    t.join();
  ASSERT_TRUE(rec.wait([&] { return rec.published.size() >= kThreads * kEach; }, 20s));
  ASSERT_TRUE(rec.wait_messages(kThreads * kEach, 20s));
  EXPECT_EQ(client.outbox_size(), 0u);
}

}  // namespace
}  // namespace portmqtt::test

namespace portmqtt::test {
namespace {

TEST(Runtime, Mqtt5PropertiesTravelWithTheirMessage) {
  Mosquitto broker;
  Config c = basic(broker, "props");
  c.session.protocol_version = ProtocolVersion::v5;
  Client client{c};
  Recorder rec{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait_connected());
  ASSERT_TRUE(client.subscribe("v5/t", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(rec.wait([&] { return !rec.subacks.empty(); }));
  Properties props;
  props.add(PropertyId::content_type, "text/plain")
      .add(PropertyId::correlation_data, std::string_view("\0\1", 2))
      .add_user_property("k", "v1")
      .add_user_property("k", "v2");
  ASSERT_TRUE(client.publish("v5/t", "body", {.qos = QoS::at_least_once}, props));
  ASSERT_TRUE(client.publish("v5/t", "plain", {.qos = QoS::at_least_once}));
  ASSERT_TRUE(rec.wait_messages(2));
  std::lock_guard lock(rec.mutex);
  const Properties& got = rec.messages[0].properties;
  EXPECT_EQ(got.text(PropertyId::content_type), std::optional<std::string_view>{"text/plain"});
  EXPECT_EQ(got.text(PropertyId::correlation_data),
            std::optional<std::string_view>{std::string_view("\0\1", 2)});
  auto users = got.user_properties();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0], (std::pair<std::string_view, std::string_view>{"k", "v1"}));
  EXPECT_EQ(users[1], (std::pair<std::string_view, std::string_view>{"k", "v2"}));
  EXPECT_TRUE(rec.messages[1].properties.user_properties().empty());  // nothing leaked over
}

}  // namespace
}  // namespace portmqtt::test
