// Clients made from one shared configuration: they hold it once, each sends the settings it
// was made with (its own client id included), and a change through one client (set_uri,
// set_config) gives that client a copy of its own and leaves the others as they were.
#include <atomic>
#include <thread>

#include "runtime_harness.hpp"

namespace portmqtt::test {
namespace {

// CONNECT of base_config() with a one-letter client id.
Bytes connect_as(char id) {
  // clang-format off
  return {0x10, 0x0d,                      // CONNECT, remaining 13
          0x00, 0x04, 'M', 'Q', 'T', 'T',  // protocol name
          0x04,                            // protocol level 3.1.1
          0x02,                            // connect flags: clean session
          0x00, 0x00,                      // keep-alive 0
          0x00, 0x01, static_cast<std::uint8_t>(id)};  // client id
  // clang-format on
}

// Starts the client, waits for its CONNACK and stops it: one scripted connection.
void connect_once(Client& client) {
  EventLog log{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(log.wait_for("connected"));
  EXPECT_FALSE(client.stop());
}

class SharedConfigTest : public RuntimeTest {
 protected:
  std::shared_ptr<const Config> shared = std::make_shared<const Config>(base_config());
};

TEST_F(SharedConfigTest, ClientsMadeFromOneConfigurationShareItAndUseTheirOwnClientIds) {
  script->connection().expect(connect_as('a'), "CONNECT a").deliver(kConnack);
  script->connection().expect(connect_as('b'), "CONNECT b").deliver(kConnack);
  Client a{shared, "a"};
  Client b{shared, "b"};

  // One configuration for both: the clients hold the same object, not copies of it.
  EXPECT_EQ(a.shared_config().get(), shared.get());
  EXPECT_EQ(b.shared_config().get(), shared.get());
  EXPECT_EQ(a.config().credentials.client_id, "a");
  EXPECT_EQ(b.config().credentials.client_id, "b");
  EXPECT_EQ(shared->credentials.client_id, "c");  // the shared object is left alone

  connect_once(a);
  connect_once(b);
  ASSERT_EQ(script->attempts(), 2u);
  EXPECT_EQ(script->record(0).packets.at(0), connect_as('a'));
  EXPECT_EQ(script->record(1).packets.at(0), connect_as('b'));
}

TEST_F(SharedConfigTest, AClientWithoutItsOwnIdUsesExactlyTheSharedSettings) {
  script->connection().expect(connect_as('c'), "CONNECT c").deliver(kConnack);
  EventLoop loop{1};
  Client client{loop, shared};
  const Config seen = client.config();
  EXPECT_EQ(client.shared_config().get(), shared.get());
  EXPECT_EQ(seen.broker.uri, "mqtt://broker.test:1883");
  EXPECT_EQ(seen.credentials.client_id, "c");
  EXPECT_EQ(seen.session.keep_alive, shared->session.keep_alive);
  EXPECT_EQ(seen.network.timeout, shared->network.timeout);
  EXPECT_EQ(seen.network.reconnect.interval, shared->network.reconnect.interval);
  EXPECT_EQ(seen.outbox.stop_drain_timeout, shared->outbox.stop_drain_timeout);

  connect_once(client);
  const ConnectionRecord r = script->record(0);
  EXPECT_EQ(r.endpoint.host, "broker.test");
  EXPECT_EQ(r.endpoint.port, 1883);
  EXPECT_EQ(r.packets.at(0), connect_as('c'));
}

TEST_F(SharedConfigTest, SetUriCopiesTheConfigurationForThatClientAlone) {
  script->connection().expect(connect_as('a'), "CONNECT a").deliver(kConnack);
  script->connection().expect(connect_as('b'), "CONNECT b").deliver(kConnack);
  Client a{shared, "a"};
  Client b{shared, "b"};

  ASSERT_FALSE(a.set_uri("mqtt://other.test:1884"));
  EXPECT_NE(a.shared_config().get(), shared.get());
  EXPECT_EQ(a.config().broker.uri, "mqtt://other.test:1884");
  EXPECT_EQ(a.config().credentials.client_id, "a");                // its own id survives the copy
  EXPECT_EQ(a.config().network.timeout, shared->network.timeout);  // the rest is copied
  EXPECT_EQ(b.shared_config().get(), shared.get());
  EXPECT_EQ(b.config().broker.uri, "mqtt://broker.test:1883");
  EXPECT_EQ(shared->broker.uri, "mqtt://broker.test:1883");

  // A bad URI changes nothing, and copies nothing.
  const auto before = a.shared_config();
  EXPECT_EQ(a.set_uri("nonsense://"), make_error_code(errc::invalid_uri));
  EXPECT_EQ(a.shared_config().get(), before.get());

  connect_once(a);
  connect_once(b);
  ASSERT_EQ(script->attempts(), 2u);
  EXPECT_EQ(script->record(0).endpoint.host, "other.test");
  EXPECT_EQ(script->record(0).endpoint.port, 1884);
  EXPECT_EQ(script->record(1).endpoint.host, "broker.test");
  EXPECT_EQ(script->record(1).endpoint.port, 1883);
}

TEST_F(SharedConfigTest, SetConfigReplacesThatClientsConfigurationAlone) {
  script->connection().expect(connect_as('z'), "CONNECT z").deliver(kConnack);
  script->connection().expect(connect_as('b'), "CONNECT b").deliver(kConnack);
  Client a{shared, "a"};
  Client b{shared, "b"};

  Config own = base_config();
  own.credentials.client_id = "z";
  ASSERT_FALSE(a.set_config(own));
  // The id given at construction belonged to the old configuration: the new one's applies.
  EXPECT_EQ(a.config().credentials.client_id, "z");
  EXPECT_NE(a.shared_config().get(), shared.get());
  EXPECT_EQ(b.shared_config().get(), shared.get());
  EXPECT_EQ(b.config().credentials.client_id, "b");

  connect_once(a);
  connect_once(b);
  EXPECT_EQ(script->record(0).packets.at(0), connect_as('z'));
  EXPECT_EQ(script->record(1).packets.at(0), connect_as('b'));
}

TEST_F(SharedConfigTest, SetConfigWithASharedConfigurationSharesIt) {
  Client a{base_config()};
  auto other = std::make_shared<const Config>(base_config());
  ASSERT_FALSE(a.set_config(other, "q"));
  EXPECT_EQ(a.shared_config().get(), other.get());
  EXPECT_EQ(a.config().credentials.client_id, "q");
  EXPECT_EQ(other->credentials.client_id, "c");

  // A bad shared configuration is refused and the client keeps the one it had.
  auto bad = std::make_shared<Config>(base_config());
  bad->broker.uri = "nonsense://";
  EXPECT_EQ(a.set_config(bad), make_error_code(errc::invalid_uri));
  EXPECT_EQ(a.shared_config().get(), other.get());
  EXPECT_EQ(a.config().credentials.client_id, "q");
}

TEST_F(SharedConfigTest, ANullConfigurationMeansTheDefaults) {
  Client client{std::shared_ptr<const Config>{}};
  ASSERT_NE(client.shared_config(), nullptr);
  EXPECT_EQ(client.config().network.timeout, Config{}.network.timeout);
  EXPECT_EQ(client.config().broker.uri, "");
}

// Starts the client and waits until `seen` reaches `count` (or 10 s), then stops it.
void connect_until(Client& client, const std::atomic<int>& seen, int count) {
  ASSERT_FALSE(client.start());
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (seen.load() < count && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(seen.load(), count);
  EXPECT_FALSE(client.stop());
}

TEST_F(SharedConfigTest, SharedHandlersServeEveryClientUntilOneChangesASlot) {
  script->connection().expect(connect_as('a'), "CONNECT a").deliver(kConnack);
  script->connection().expect(connect_as('b'), "CONNECT b").deliver(kConnack);
  std::atomic<int> shared_connected{0};
  std::atomic<int> own_connected{0};
  auto handlers = std::make_shared<const Handlers>(
      Handlers{.on_connected = [&](const Connected&) { ++shared_connected; }});
  Client a{shared, "a"};
  Client b{shared, "b"};
  a.set_handlers(handlers);
  b.set_handlers(handlers);
  // Copy on write: a's slot changes, b keeps the shared set.
  a.on_connected([&](const Connected&) { ++own_connected; });

  connect_until(a, own_connected, 1);
  connect_until(b, shared_connected, 1);
  EXPECT_EQ(own_connected.load(), 1);
  EXPECT_EQ(shared_connected.load(), 1);  // a's connection did not reach the shared handler
}

}  // namespace
}  // namespace portmqtt::test
