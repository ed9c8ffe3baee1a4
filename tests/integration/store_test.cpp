// The durable outbox store through the C++ API, against a real mosquitto: messages accepted by
// one Client survive it and are sent, in order and with their ids, by the next Client on the
// same file; a store held by another client, or a file that is not a store, stops start().
#include <gtest/gtest.h>

#include <string>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "recorder.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

Config store_config(const Mosquitto& broker, const std::string& store) {
  Config c;
  c.broker.uri = broker.uri();
  c.credentials.client_id = "store-client";
  c.session.clean_session = false;
  c.network.reconnect.interval = 100ms;
  c.outbox.store_path = store;
  c.outbox.store_durability = StoreDurability::per_message;
  return c;
}

TEST(DurableOutbox, MessagesAcceptedByOneClientAreSentByTheNextInOrderWithTheirIds) {
  Mosquitto broker;
  MosquittoSub sub{
      broker,
      {.topic = "store/t", .qos = 2, .count = 6, .timeout_s = 20, .client_id = "store-sub"}};
  ASSERT_TRUE(sub.wait_subscribed());
  TempDir dir;
  const std::string store = (dir.path() / "outbox.db").string();
  std::vector<MessageHandle> ids;
  {
    // Never started: everything waits in the outbox, and so in the store.
    Client first{store_config(broker, store)};
    for (int i = 0; i < 6; ++i) {
      // a0 b0 a1 b1 a2 b2: "a" at QoS 1, "b" at QoS 2.
      const bool qos1 = i % 2 == 0;
      auto id = first.publish("store/t", (qos1 ? "a" : "b") + std::to_string(i / 2),
                              {.qos = qos1 ? QoS::at_least_once : QoS::exactly_once});
      ASSERT_TRUE(id) << id.error().message();
      ids.push_back(id->handle);
    }
  }
  Client second{store_config(broker, store)};
  Recorder rec{second};
  EXPECT_EQ(second.outbox_messages(), 6u);
  ASSERT_FALSE(second.start());
  ASSERT_TRUE(rec.wait([&] { return rec.published.size() == 6; }, 20s));
  ASSERT_EQ(sub.wait(20s), 0);
  // MQTT orders messages per QoS level (mosquitto forwards QoS 2 on PUBREL): each level in order.
  const std::string out = sub.output();
  ASSERT_EQ(out.size(), 12u) << out;
  EXPECT_LT(out.find("a0"), out.find("a1")) << out;
  EXPECT_LT(out.find("a1"), out.find("a2")) << out;
  EXPECT_LT(out.find("b0"), out.find("b1")) << out;
  EXPECT_LT(out.find("b1"), out.find("b2")) << out;
  std::vector<MessageHandle> completed = rec.published;
  std::sort(completed.begin(), completed.end());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(completed, ids);
  EXPECT_EQ(second.outbox_messages(), 0u);
}

TEST(DurableOutbox, StopKeepsStoredMessagesForTheNextStart) {
  Mosquitto broker;
  TempDir dir;
  const std::string store = (dir.path() / "outbox.db").string();
  Client client{store_config(broker, store)};
  Recorder rec{client};
  ASSERT_TRUE(client.publish("store/t", "kept", {.qos = QoS::at_least_once}));
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return rec.published.size() == 1; }));
  ASSERT_FALSE(client.stop());
  ASSERT_TRUE(client.publish("store/t", "after stop", {.qos = QoS::at_least_once}));
  EXPECT_EQ(client.outbox_messages(), 1u);
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(rec.wait([&] { return rec.published.size() == 2; }));
}

TEST(DurableOutbox, ASecondClientOnTheSameStoreCannotStart) {
  Mosquitto broker;
  TempDir dir;
  const std::string store = (dir.path() / "outbox.db").string();
  Client first{store_config(broker, store)};
  Client second{store_config(broker, store)};
  EXPECT_EQ(second.start(), errc::store_locked);
  EXPECT_NE(second.store_status().find(store), std::string::npos) << second.store_status();
  EXPECT_TRUE(first.store_status().empty());
}

TEST(DurableOutbox, AFileThatIsNotAStoreStopsStartAndStaysUntouched) {
  Mosquitto broker;
  TempDir dir;
  const std::string store = (dir.path() / "outbox.db").string();
  const std::string notes = "shopping list: milk, eggs\n";
  write_file(store, notes);
  Config config = store_config(broker, store);
  {
    Client client{config};
    EXPECT_EQ(client.start(), errc::store_corrupt);
    EXPECT_NE(client.store_status().find(store), std::string::npos) << client.store_status();
    // Nothing is accepted that the configured store would not keep.
    EXPECT_EQ(client.publish("store/t", "x", {.qos = QoS::at_least_once}).error(),
              errc::store_corrupt);
  }
  EXPECT_EQ(read_file(store), notes);
  config.outbox.store_start_fresh = true;
  Client fresh{config};
  Recorder rec{fresh};
  EXPECT_FALSE(fresh.start());
  EXPECT_EQ(read_file(store + ".unusable"), notes);
}

TEST(DurableOutbox, AddingAStoreIsRefusedWhileMessagesWaitInMemory) {
  Mosquitto broker;
  TempDir dir;
  Config config = store_config(broker, "");
  Client client{config};
  ASSERT_TRUE(client.publish("store/t", "in memory", {.qos = QoS::at_least_once}));
  config.outbox.store_path = (dir.path() / "outbox.db").string();
  EXPECT_EQ(client.set_config(config), errc::invalid_state);
  EXPECT_EQ(client.outbox_messages(), 1u);  // nothing dropped
}

}  // namespace
}  // namespace portmqtt::test
