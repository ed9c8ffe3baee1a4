// The ESP-MQTT C API (mqtt_client.h) used from C++ against a private mosquitto: defaults,
// argument checks, return values, event order and the connection life cycle.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cstring>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "esp_recorder.hpp"
#include "esp_tls_errors.h"
#include "mosquitto.hpp"
#include "mqtt_client.h"

namespace portmqtt::esp_test {
namespace {

using test::Mosquitto;
using test::MosquittoOptions;

// ESP-MQTT's device id, derived here independently of the library: the first non-loopback
// interface (by name) with a non-zero MAC, last three bytes as "%02x%02X%02X".
std::string expected_device_client_id() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator("/sys/class/net"))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    if (name == "lo") continue;
    std::ifstream file("/sys/class/net/" + name + "/address");
    std::string mac;
    std::getline(file, mac);  // "aa:bb:cc:dd:ee:ff"
    if (mac.size() != 17 || mac == "00:00:00:00:00:00") continue;
    std::string upper = mac;
    for (char& c : upper)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return "ESP32_" + mac.substr(9, 2) + upper.substr(12, 2) + upper.substr(15, 2);
  }
  return "esp_mqtt_client_id";
}

class EspClientTest : public ::testing::Test {
 protected:
  // A configuration for `broker` with a fixed id and a short reconnect delay.
  esp_mqtt_client_config_t config(const char* client_id) {
    esp_mqtt_client_config_t c{};
    c.broker.address.uri = uri.c_str();
    c.credentials.client_id = client_id;
    c.network.reconnect_timeout_ms = 200;
    return c;
  }
  ClientPtr started(const esp_mqtt_client_config_t& c, std::unique_ptr<EspRecorder>& rec) {
    ClientPtr client{esp_mqtt_client_init(&c)};
    if (!client) return client;
    rec = std::make_unique<EspRecorder>(client.get());
    EXPECT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
    return client;
  }

  Mosquitto broker;
  std::string uri = broker.uri();
};

TEST_F(EspClientTest, NullArgumentsAreRejected) {
  EXPECT_EQ(esp_mqtt_client_init(nullptr), nullptr);
  EXPECT_EQ(esp_mqtt_client_start(nullptr), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_mqtt_client_stop(nullptr), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_mqtt_client_destroy(nullptr), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_mqtt_client_reconnect(nullptr), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_mqtt_client_disconnect(nullptr), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_mqtt_client_set_uri(nullptr, "mqtt://x"), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_mqtt_set_config(nullptr, nullptr), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_mqtt_client_publish(nullptr, "t", "d", 1, 0, 0), -1);
  EXPECT_EQ(esp_mqtt_client_enqueue(nullptr, "t", "d", 1, 1, 0, true), -1);
  EXPECT_EQ(esp_mqtt_client_subscribe_single(nullptr, "t", 0), -1);
  EXPECT_EQ(esp_mqtt_client_subscribe_multiple(nullptr, nullptr, 1), -1);
  EXPECT_EQ(esp_mqtt_client_unsubscribe(nullptr, "t"), -1);
  EXPECT_EQ(esp_mqtt_client_get_outbox_size(nullptr), 0);
  EXPECT_EQ(esp_mqtt_client_get_state(nullptr), MQTT_CLIENT_STATE_NOT_INITIALIZED);
  EXPECT_EQ(esp_mqtt_dispatch_custom_event(nullptr, nullptr), ESP_ERR_INVALID_ARG);

  esp_mqtt_client_config_t c = config("null-args");
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  EXPECT_EQ(esp_mqtt_client_register_event(client.get(), MQTT_EVENT_ANY, nullptr, nullptr),
            ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_mqtt_client_set_uri(client.get(), nullptr), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_mqtt_set_config(client.get(), nullptr), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_mqtt_dispatch_custom_event(client.get(), nullptr), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_mqtt_client_publish(client.get(), nullptr, "d", 1, 1, 0), -1);
  EXPECT_EQ(esp_mqtt_client_publish(client.get(), "t", "d", 1, 3, 0), -1);  // QoS 3
  EXPECT_EQ(esp_mqtt_client_subscribe_single(client.get(), nullptr, 0), -1);
  EXPECT_EQ(esp_mqtt_client_subscribe_multiple(client.get(), nullptr, 2), -1);
  EXPECT_EQ(esp_mqtt_client_unsubscribe(client.get(), nullptr), -1);
  EXPECT_EQ(esp_mqtt_client_stop(client.get()), ESP_FAIL);  // never started
}

TEST_F(EspClientTest, BadUrisAndConflictingOptionsMakeInitReturnNull) {
  // ESP-MQTT accepts an unknown scheme until connect time; portmqtt refuses it at once.
  for (const char* bad : {"mqtt://", "no scheme at all", "mqtt://host:99999",
                          "mqtt://user:%zz@127.0.0.1", "gopher://127.0.0.1"}) {
    esp_mqtt_client_config_t c{};
    c.broker.address.uri = bad;
    EXPECT_EQ(esp_mqtt_client_init(&c), nullptr) << bad;
  }
  esp_mqtt_client_config_t with_transport = config("conflict");
  with_transport.broker.address.transport = MQTT_TRANSPORT_OVER_TCP;
  EXPECT_EQ(esp_mqtt_client_init(&with_transport), nullptr);

  esp_mqtt_client_config_t tls_without_tls = config("conflict");
  tls_without_tls.broker.verification.certificate = "-----BEGIN CERTIFICATE-----\n";
  EXPECT_EQ(esp_mqtt_client_init(&tls_without_tls), nullptr);

  esp_mqtt_client_config_t custom_transport = config("conflict");
  custom_transport.network.transport = reinterpret_cast<esp_transport_handle_t>(0x1);
  EXPECT_EQ(esp_mqtt_client_init(&custom_transport), nullptr);

  esp_mqtt_client_config_t bad_will = config("conflict");
  bad_will.session.last_will.topic = "will";
  bad_will.session.last_will.qos = 3;
  EXPECT_EQ(esp_mqtt_client_init(&bad_will), nullptr);
}

TEST_F(EspClientTest, DefaultsReachTheBroker) {
  esp_mqtt_client_config_t c{};
  c.broker.address.uri = uri.c_str();
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
  client = started(c, rec);
  ASSERT_TRUE(client);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_CONNECTED));
  // Client id from the MAC and the process id (and, for a later client of this process, its
  // number), MQTT 3.1.1 (p2), clean session (c1), keep-alive 120 s (k120).
  char pid[16];
  std::snprintf(pid, sizeof pid, "_%x", static_cast<unsigned>(::getpid()));
  EXPECT_TRUE(broker.wait_for_log("as " + expected_device_client_id() + pid, 5s)) << broker.log();
  EXPECT_TRUE(broker.wait_for_log(" (p2, c1, k120)", 5s)) << broker.log();
  esp_mqtt_client_ext_config_t ext{};
  ext.msg_id_incremental = true;  // overwritten by the read below
  ASSERT_EQ(esp_mqtt_client_get_ext_config(client.get(), &ext), ESP_OK);
  EXPECT_FALSE(ext.msg_id_incremental);
  EXPECT_EQ(ext.outbox_expired_timeout_ms, 0);  // zero: ESP's 30 s
}

// Two programs built from the ESP-IDF example run side by side on one host: their default ids
// differ, so neither takes the other's session. A child process and two clients here.
TEST_F(EspClientTest, DefaultClientIdsDifferBetweenProcessesAndClients) {
  auto connect_default = [&](std::unique_ptr<EspRecorder>& rec) {
    esp_mqtt_client_config_t c{};
    c.broker.address.uri = uri.c_str();
    return started(c, rec);
  };
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // the other process: connect with the default id, stay a while
    std::unique_ptr<EspRecorder> rec;
    ClientPtr client = connect_default(rec);
    const bool ok = client && rec->wait_for(MQTT_EVENT_CONNECTED);
    std::this_thread::sleep_for(1500ms);
    ::_exit(ok ? 0 : 1);
  }
  // The recorders go first (declared last): each unregisters from its client when destroyed.
  ClientPtr first, second;
  std::unique_ptr<EspRecorder> first_rec, second_rec;
  first = connect_default(first_rec);
  second = connect_default(second_rec);
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(first_rec->wait_for(MQTT_EVENT_CONNECTED));
  ASSERT_TRUE(second_rec->wait_for(MQTT_EVENT_CONNECTED));
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  // Three connections under three different ids, and none replaced another.
  EXPECT_TRUE(broker.wait_for_log("as " + expected_device_client_id() + "_", 5s, 3))
      << broker.log();
  std::set<std::string> ids;
  std::istringstream log(broker.log());
  for (std::string line; std::getline(log, line);) {
    const auto at = line.find(" as " + expected_device_client_id() + "_");
    if (at != std::string::npos) ids.insert(line.substr(at + 4, line.find(' ', at + 4) - at - 4));
  }
  EXPECT_EQ(ids.size(), 3u) << broker.log();
  for (const std::string& id : ids)
    EXPECT_LE(id.size(), 23u) << id;  // the MQTT 3.1 limit
  EXPECT_EQ(broker.count_in_log("already connected"), 0u) << broker.log();
}

TEST_F(EspClientTest, HostnameTransportAndPortInsteadOfAUri) {
  esp_mqtt_client_config_t c{};
  c.broker.address.hostname = "127.0.0.1";
  c.broker.address.transport = MQTT_TRANSPORT_OVER_TCP;
  c.broker.address.port = broker.port();
  c.credentials.client_id = "by-host";
  c.session.keepalive = 30;
  c.session.protocol_ver = MQTT_PROTOCOL_V_3_1;
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
  client = started(c, rec);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_CONNECTED));
  EXPECT_TRUE(broker.wait_for_log("as by-host (p1, c1, k30)", 5s)) << broker.log();
  EXPECT_EQ(rec->of(MQTT_EVENT_CONNECTED)[0].protocol_ver, MQTT_PROTOCOL_V_3_1);
}

TEST_F(EspClientTest, EventsArriveInOrderWithTheirFields) {
  esp_mqtt_client_config_t c = config("order");
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
  client = started(c, rec);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_CONNECTED));
  int sub = esp_mqtt_client_subscribe_single(client.get(), "esp/order", 1);
  ASSERT_GT(sub, 0);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_SUBSCRIBED));
  int pub = esp_mqtt_client_publish(client.get(), "esp/order", "hello", 5, 1, 0);
  ASSERT_GT(pub, 0);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_DATA));
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_PUBLISHED));
  int unsub = esp_mqtt_client_unsubscribe(client.get(), "esp/order");
  ASSERT_GT(unsub, 0);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_UNSUBSCRIBED));

  std::vector<std::int32_t> ids = rec->ids();
  ASSERT_GE(ids.size(), 6u);
  EXPECT_EQ(ids[0], MQTT_EVENT_BEFORE_CONNECT);
  EXPECT_EQ(ids[1], MQTT_EVENT_CONNECTED);
  EXPECT_EQ(ids[2], MQTT_EVENT_SUBSCRIBED);
  EXPECT_EQ(ids.back(), MQTT_EVENT_UNSUBSCRIBED);

  for (const RecordedEvent& e : rec->all()) {
    EXPECT_TRUE(e.base_is_mqtt_events);
    EXPECT_EQ(e.client, client.get());
    EXPECT_TRUE(e.has_error_handle);
    EXPECT_EQ(e.protocol_ver, MQTT_PROTOCOL_V_3_1_1);
  }
  RecordedEvent suback = rec->of(MQTT_EVENT_SUBSCRIBED)[0];
  EXPECT_EQ(suback.msg_id, sub);
  EXPECT_EQ(suback.data, std::string("\x01", 1));  // granted QoS 1
  EXPECT_EQ(suback.error.error_type, MQTT_ERROR_TYPE_NONE);
  RecordedEvent data = rec->of(MQTT_EVENT_DATA)[0];
  EXPECT_EQ(data.topic, "esp/order");
  EXPECT_EQ(data.data, "hello");
  EXPECT_EQ(data.total_data_len, 5);
  EXPECT_EQ(data.current_data_offset, 0);
  EXPECT_EQ(data.qos, 1);
  EXPECT_GT(data.msg_id, 0);
  EXPECT_FALSE(data.retain);
  EXPECT_FALSE(data.dup);
  EXPECT_EQ(rec->of(MQTT_EVENT_PUBLISHED)[0].msg_id, pub);
  EXPECT_EQ(rec->of(MQTT_EVENT_UNSUBSCRIBED)[0].msg_id, unsub);
  EXPECT_EQ(rec->of(MQTT_EVENT_CONNECTED)[0].session_present, 0);
}

TEST_F(EspClientTest, PublishReturnsMessageIdsZeroForQos0AndMinusOneOffline) {
  esp_mqtt_client_config_t c = config("pub-ids");
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  EspRecorder rec{client.get()};
  // Not connected: QoS 0 cannot be sent; QoS 1 is kept and sent after connecting.
  EXPECT_EQ(esp_mqtt_client_publish(client.get(), "esp/ids", "offline", 0, 0, 0), -1);
  int queued = esp_mqtt_client_publish(client.get(), "esp/ids", "queued", 0, 1, 0);
  EXPECT_GT(queued, 0);
  EXPECT_GT(esp_mqtt_client_get_outbox_size(client.get()), 0);

  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED));
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_PUBLISHED));
  EXPECT_EQ(rec.of(MQTT_EVENT_PUBLISHED)[0].msg_id, queued);

  EXPECT_EQ(esp_mqtt_client_publish(client.get(), "esp/ids", "q0", 0, 0, 0), 0);
  int q1 = esp_mqtt_client_publish(client.get(), "esp/ids", "q1", 0, 1, 0);
  int q2 = esp_mqtt_client_publish(client.get(), "esp/ids", "q2", 0, 2, 1);
  EXPECT_GT(q1, 0);
  EXPECT_GT(q2, 0);
  EXPECT_NE(q1, q2);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_PUBLISHED, 3));
  std::vector<int> acked;
  for (const RecordedEvent& e : rec.of(MQTT_EVENT_PUBLISHED))
    acked.push_back(e.msg_id);
  EXPECT_NE(std::find(acked.begin(), acked.end(), q1), acked.end());
  EXPECT_NE(std::find(acked.begin(), acked.end(), q2), acked.end());
  EXPECT_TRUE(broker.wait_for_log("Received PUBLISH from pub-ids (d0, q2, r1", 5s));
  EXPECT_EQ(esp_mqtt_client_get_outbox_size(client.get()), 0);
}

TEST_F(EspClientTest, PublishWithLengthZeroOrLessUsesStrlenAndNullDataIsEmpty) {
  esp_mqtt_client_config_t c = config("strlen");
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
  client = started(c, rec);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_CONNECTED));
  ASSERT_GT(esp_mqtt_client_subscribe_single(client.get(), "esp/len", 0), 0);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_SUBSCRIBED));
  EXPECT_EQ(esp_mqtt_client_publish(client.get(), "esp/len", "hello", 0, 0, 0), 0);
  EXPECT_EQ(esp_mqtt_client_publish(client.get(), "esp/len", "world", -1, 0, 0), 0);
  EXPECT_EQ(esp_mqtt_client_publish(client.get(), "esp/len", nullptr, 0, 0, 0), 0);
  EXPECT_EQ(esp_mqtt_client_publish(client.get(), "esp/len", "abcdef", 3, 0, 0), 0);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_DATA, 4));
  std::vector<RecordedEvent> data = rec->of(MQTT_EVENT_DATA);
  EXPECT_EQ(data[0].data, "hello");
  EXPECT_EQ(data[1].data, "world");
  EXPECT_EQ(data[2].data, "");
  EXPECT_EQ(data[2].total_data_len, 0);
  EXPECT_EQ(data[3].data, "abc");
}

TEST_F(EspClientTest, EnqueueStoresQos0OnlyWhenAskedAndSendsAtOnce) {
  esp_mqtt_client_config_t c = config("enqueue");
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
  client = started(c, rec);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_CONNECTED));
  ASSERT_GT(esp_mqtt_client_subscribe_single(client.get(), "esp/enq", 1), 0);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_SUBSCRIBED));
  EXPECT_EQ(esp_mqtt_client_enqueue(client.get(), "esp/enq", "no-store", 0, 0, 0, false), -1);
  EXPECT_EQ(esp_mqtt_client_enqueue(client.get(), "esp/enq", "stored", 0, 0, 0, true), 0);
  int id = esp_mqtt_client_enqueue(client.get(), "esp/enq", "qos1", 0, 1, 0, false);
  EXPECT_GT(id, 0);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_DATA, 2));
  std::vector<RecordedEvent> data = rec->of(MQTT_EVENT_DATA);
  EXPECT_EQ(data[0].data, "stored");
  EXPECT_EQ(data[1].data, "qos1");
}

// ESP-IDF sends enqueued messages from its task loop, up to a poll interval (1 s) later;
// portmqtt wakes the loop at once. Each message goes out and back through the broker before
// the next is enqueued; the bounds are far above a loopback round trip and far below 1 s.
TEST_F(EspClientTest, EnqueuedMessagesLeaveWithinMilliseconds) {
  esp_mqtt_client_config_t c = config("enqueue-latency");
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
  client = started(c, rec);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_CONNECTED));
  ASSERT_GT(esp_mqtt_client_subscribe_single(client.get(), "esp/latency", 1), 0);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_SUBSCRIBED));
  constexpr std::size_t kRounds = 20;
  std::vector<double> round_trip_ms;
  for (std::size_t i = 1; i <= kRounds; ++i) {
    auto begin = std::chrono::steady_clock::now();
    ASSERT_GT(esp_mqtt_client_enqueue(client.get(), "esp/latency", "ping", 0, 1, 0, true), 0);
    ASSERT_TRUE(rec->wait_for(MQTT_EVENT_DATA, i));
    round_trip_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin)
            .count());
  }
  std::sort(round_trip_ms.begin(), round_trip_ms.end());
  EXPECT_LT(round_trip_ms[kRounds / 2], 100.0) << "median enqueue-to-delivery";
  // Not the slowest one: a single stall of a loaded machine is not a poll interval; a poll
  // every second would put three in four rounds past 250 ms.
  EXPECT_LT(round_trip_ms[kRounds * 3 / 4], 300.0) << "third quartile of enqueue-to-delivery";
  std::cout << "enqueue to delivery: median " << round_trip_ms[kRounds / 2] << " ms, max "
            << round_trip_ms.back() << " ms\n";
}

TEST_F(EspClientTest, OutboxByteLimitReturnsMinusTwo) {
  esp_mqtt_client_config_t c = config("limit");
  c.outbox.limit = 100;
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  EspRecorder rec{client.get()};
  std::string payload(60, 'x');
  int first = esp_mqtt_client_publish(client.get(), "esp/limit", payload.c_str(), 60, 1, 0);
  EXPECT_GT(first, 0);
  // 60 more payload bytes on top of the ~70 already held exceed the 100-byte limit.
  EXPECT_EQ(esp_mqtt_client_publish(client.get(), "esp/limit", payload.c_str(), 60, 1, 0), -2);
  EXPECT_EQ(esp_mqtt_client_enqueue(client.get(), "esp/limit", payload.c_str(), 60, 1, 0, true),
            -2);
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_PUBLISHED));
  EXPECT_EQ(rec.of(MQTT_EVENT_PUBLISHED)[0].msg_id, first);
  EXPECT_EQ(esp_mqtt_client_get_outbox_size(client.get()), 0);
  EXPECT_GT(esp_mqtt_client_publish(client.get(), "esp/limit", payload.c_str(), 60, 1, 0), 0);
}

TEST_F(EspClientTest, MessageIdsRunningOutIsMinusTwoAfterWaitingAndAtOnceForEnqueue) {
  esp_mqtt_client_config_t c = config("ids-out");
  c.network.timeout_ms = 300;
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  // Offline (not started): every QoS 1 message keeps its msg_id until acknowledged.
  std::vector<int> ids;
  for (int i = 0; i < 65'535; ++i) {
    const int id = esp_mqtt_client_enqueue(client.get(), "esp/ids", "x", 1, 1, 0, true);
    ASSERT_GT(id, 0) << i;
    ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end());  // all distinct
  EXPECT_EQ(esp_mqtt_client_enqueue(client.get(), "esp/ids", "x", 1, 1, 0, true), -2);
  const auto began = std::chrono::steady_clock::now();
  EXPECT_EQ(esp_mqtt_client_publish(client.get(), "esp/ids", "x", 1, 1, 0), -2);
  EXPECT_GE(std::chrono::steady_clock::now() - began, std::chrono::milliseconds(300));
}

TEST_F(EspClientTest, ExpiredOutboxEntriesAreReportedAsDeleted) {
  // A port where nothing listens: the client keeps trying while the message ages.
  Mosquitto gone;
  std::string dead_uri = gone.uri();
  gone.stop();
  esp_mqtt_client_config_t c = config("expiry");
  c.broker.address.uri = dead_uri.c_str();
  esp_mqtt_client_ext_config_t ext{};
  ext.report_deleted_messages = true;
  ext.outbox_expired_timeout_ms = 300;
  ClientPtr client{esp_mqtt_client_init_with_ext_config(&c, &ext)};
  ASSERT_TRUE(client);
  EspRecorder rec{client.get()};
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  int id = esp_mqtt_client_publish(client.get(), "esp/expire", "late", 0, 1, 0);
  ASSERT_GT(id, 0);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_DELETED, 1, 5s));
  EXPECT_EQ(rec.of(MQTT_EVENT_DELETED)[0].msg_id, id);
  EXPECT_EQ(esp_mqtt_client_get_outbox_size(client.get()), 0);
}

TEST_F(EspClientTest, ExpiredEntriesAreSilentUnlessReportingIsOn) {
  Mosquitto gone;
  std::string dead_uri = gone.uri();
  gone.stop();
  esp_mqtt_client_config_t c = config("expiry-quiet");
  c.broker.address.uri = dead_uri.c_str();
  esp_mqtt_client_ext_config_t ext{};
  ext.outbox_expired_timeout_ms = 100;
  ClientPtr client{esp_mqtt_client_init_with_ext_config(&c, &ext)};
  ASSERT_TRUE(client);
  EspRecorder rec{client.get()};
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_GT(esp_mqtt_client_publish(client.get(), "esp/expire", "late", 0, 1, 0), 0);
  ASSERT_TRUE(rec.wait(
      [&](const auto&) { return esp_mqtt_client_get_outbox_size(client.get()) == 0; }, 5s));
  EXPECT_EQ(rec.count(MQTT_EVENT_DELETED), 0u);
}

void record_user_thread(void* arg, esp_event_base_t, std::int32_t, void* data) {
  auto* e = static_cast<esp_mqtt_event_handle_t>(data);
  *static_cast<int*>(arg) = e->msg_id;
}

TEST_F(EspClientTest, CustomEventsAreQueuedUntilTheClientRuns) {
  esp_mqtt_client_config_t c = config("custom");
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  int seen_by_user_handler = 0;
  ASSERT_EQ(esp_mqtt_client_register_event(client.get(), MQTT_USER_EVENT, record_user_thread,
                                           &seen_by_user_handler),
            ESP_OK);
  EspRecorder rec{client.get()};  // ESP_EVENT_ANY_ID: runs before record_user_thread
  esp_mqtt_event_t mine{};
  mine.event_id = MQTT_USER_EVENT;
  mine.msg_id = 4242;
  mine.data = const_cast<char*>("user data");
  mine.data_len = 9;
  ASSERT_EQ(esp_mqtt_dispatch_custom_event(client.get(), &mine), ESP_OK);
  // The queue holds one event by default (CONFIG_MQTT_EVENT_QUEUE_SIZE = 1).
  EXPECT_EQ(esp_mqtt_dispatch_custom_event(client.get(), &mine), ESP_ERR_TIMEOUT);
  mine.msg_id = 1;  // the queued copy must not change
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_USER_EVENT));
  RecordedEvent got = rec.of(MQTT_USER_EVENT)[0];
  EXPECT_EQ(got.msg_id, 4242);
  EXPECT_EQ(got.data, "user data");
  EXPECT_EQ(got.client, nullptr);  // not filled in for the caller, as in ESP-MQTT
  // Unregistering waits for the dispatch in progress, so record_user_thread has run.
  ASSERT_EQ(esp_mqtt_client_unregister_event(client.get(), MQTT_USER_EVENT, record_user_thread),
            ESP_OK);
  EXPECT_EQ(seen_by_user_handler, 4242);
  // Delivered: the queue has room again.
  mine.msg_id = 7;
  EXPECT_EQ(esp_mqtt_dispatch_custom_event(client.get(), &mine), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_USER_EVENT, 2));
  EXPECT_EQ(rec.of(MQTT_USER_EVENT)[1].msg_id, 7);
}

TEST_F(EspClientTest, SetUriMovesTheNextConnectionToAnotherBroker) {
  Mosquitto second;
  esp_mqtt_client_config_t c = config("mover");
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
  client = started(c, rec);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_CONNECTED));
  std::string second_uri = second.uri();
  ASSERT_EQ(esp_mqtt_client_set_uri(client.get(), second_uri.c_str()), ESP_OK);
  EXPECT_EQ(esp_mqtt_client_set_uri(client.get(), "mqtt://"), ESP_FAIL);
  ASSERT_EQ(esp_mqtt_client_disconnect(client.get()), ESP_OK);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_CONNECTED, 2));
  EXPECT_TRUE(second.wait_for_log("as mover (p2", 5s)) << second.log();
  EXPECT_EQ(broker.count_in_log("as mover (p2"), 1u);
}

// Every event carries the protocol version of the configuration in force: esp_mqtt_set_config()
// between two connections changes it for the events of the second.
TEST_F(EspClientTest, EventsCarryTheProtocolVersionSetBetweenConnections) {
  esp_mqtt_client_config_t c = config("versions");
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
  client = started(c, rec);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_CONNECTED));
  ASSERT_EQ(esp_mqtt_client_stop(client.get()), ESP_OK);
  esp_mqtt_client_config_t v5{};
  v5.session.protocol_ver = MQTT_PROTOCOL_V_5;
  ASSERT_EQ(esp_mqtt_set_config(client.get(), &v5), ESP_OK);
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_CONNECTED, 2));
  ASSERT_GT(esp_mqtt_client_subscribe_single(client.get(), "esp/versions", 0), 0);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_SUBSCRIBED));
  ASSERT_EQ(esp_mqtt_client_publish(client.get(), "esp/versions", "v", 1, 0, 0), 0);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_DATA));

  const std::vector<RecordedEvent> connected = rec->of(MQTT_EVENT_CONNECTED);
  EXPECT_EQ(connected.at(0).protocol_ver, MQTT_PROTOCOL_V_3_1_1);
  EXPECT_EQ(connected.at(1).protocol_ver, MQTT_PROTOCOL_V_5);
  EXPECT_EQ(rec->of(MQTT_EVENT_SUBSCRIBED).at(0).protocol_ver, MQTT_PROTOCOL_V_5);
  EXPECT_EQ(rec->of(MQTT_EVENT_DATA).at(0).protocol_ver, MQTT_PROTOCOL_V_5);
  EXPECT_TRUE(broker.wait_for_log("as versions (p5", 5s)) << broker.log();
}

TEST_F(EspClientTest, DisconnectIsFollowedByAnAutomaticReconnect) {
  esp_mqtt_client_config_t c = config("auto");
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
  client = started(c, rec);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_CONNECTED));
  ASSERT_EQ(esp_mqtt_client_disconnect(client.get()), ESP_OK);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_DISCONNECTED));
  EXPECT_TRUE(broker.wait_for_log("Received DISCONNECT from auto", 5s));
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_CONNECTED, 2));
  std::vector<std::int32_t> ids = rec->ids();
  std::vector<std::int32_t> expected{MQTT_EVENT_BEFORE_CONNECT, MQTT_EVENT_CONNECTED,
                                     MQTT_EVENT_DISCONNECTED, MQTT_EVENT_BEFORE_CONNECT,
                                     MQTT_EVENT_CONNECTED};
  EXPECT_EQ(ids, expected);
}

TEST_F(EspClientTest, ReconnectIsTheWayBackWhenAutoReconnectIsOff) {
  esp_mqtt_client_config_t c = config("manual");
  c.network.disable_auto_reconnect = true;
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
  client = started(c, rec);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_CONNECTED));
  EXPECT_EQ(esp_mqtt_client_reconnect(client.get()), ESP_FAIL);  // connected: nothing to do
  ASSERT_EQ(esp_mqtt_client_disconnect(client.get()), ESP_OK);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_DISCONNECTED));
  EXPECT_EQ(esp_mqtt_client_get_state(client.get()), MQTT_CLIENT_STATE_WAITING_RECONNECT);
  // Stays offline well past the 200 ms reconnect delay.
  EXPECT_FALSE(rec->wait_for(MQTT_EVENT_BEFORE_CONNECT, 2, 600ms));
  ASSERT_EQ(esp_mqtt_client_reconnect(client.get()), ESP_OK);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_CONNECTED, 2));
  EXPECT_EQ(esp_mqtt_client_get_state(client.get()), MQTT_CLIENT_STATE_CONNECTED);
}

TEST_F(EspClientTest, GetStateFollowsTheLifeCycle) {
  esp_mqtt_client_config_t c = config("states");
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  EspRecorder rec{client.get()};
  EXPECT_EQ(esp_mqtt_client_get_state(client.get()), MQTT_CLIENT_STATE_NOT_STARTED);
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  EXPECT_EQ(esp_mqtt_client_start(client.get()), ESP_FAIL);  // already started
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED));
  EXPECT_EQ(esp_mqtt_client_get_state(client.get()), MQTT_CLIENT_STATE_CONNECTED);
  ASSERT_EQ(esp_mqtt_client_stop(client.get()), ESP_OK);
  EXPECT_EQ(esp_mqtt_client_get_state(client.get()), MQTT_CLIENT_STATE_DISCONNECTED);
  EXPECT_TRUE(broker.wait_for_log("Received DISCONNECT from states", 5s));
  EXPECT_EQ(rec.count(MQTT_EVENT_DISCONNECTED), 0u);       // stop() posts no event
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);  // allowed again after stop
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED, 2));
}

struct HandlerCalls {
  esp_err_t stop = ESP_OK;
  esp_err_t destroy = ESP_OK;
  int publish = -5;
  std::atomic<bool> done{false};
};

void stop_from_handler(void* arg, esp_event_base_t, std::int32_t, void* data) {
  auto* calls = static_cast<HandlerCalls*>(arg);
  esp_mqtt_client_handle_t client = static_cast<esp_mqtt_event_handle_t>(data)->client;
  calls->stop = esp_mqtt_client_stop(client);
  calls->destroy = esp_mqtt_client_destroy(client);
  calls->publish = esp_mqtt_client_publish(client, "esp/handler", "still alive", 0, 0, 0);
  calls->done = true;
}

TEST_F(EspClientTest, StopAndDestroyAreRefusedInsideAHandlerWithoutDeadlock) {
  esp_mqtt_client_config_t c = config("in-handler");
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  HandlerCalls calls;
  ASSERT_EQ(
      esp_mqtt_client_register_event(client.get(), MQTT_EVENT_CONNECTED, stop_from_handler, &calls),
      ESP_OK);
  EspRecorder rec{client.get()};
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED));
  ASSERT_TRUE(rec.wait([&](const auto&) { return calls.done.load(); }));
  EXPECT_EQ(calls.stop, ESP_FAIL);
  EXPECT_EQ(calls.destroy, ESP_FAIL);
  EXPECT_EQ(calls.publish, 0);  // the client is untouched and still usable
  EXPECT_EQ(esp_mqtt_client_get_state(client.get()), MQTT_CLIENT_STATE_CONNECTED);
}

TEST_F(EspClientTest, RefusedTcpConnectionIsATransportErrorWithErrno) {
  Mosquitto gone;
  std::string dead_uri = gone.uri();
  gone.stop();
  esp_mqtt_client_config_t c = config("refused");
  c.broker.address.uri = dead_uri.c_str();
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
  client = started(c, rec);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_DISCONNECTED));
  std::vector<std::int32_t> ids = rec->ids();
  std::vector<std::int32_t> first_attempt{ids.begin(), ids.begin() + 3};
  std::vector<std::int32_t> expected{MQTT_EVENT_BEFORE_CONNECT, MQTT_EVENT_ERROR,
                                     MQTT_EVENT_DISCONNECTED};
  EXPECT_EQ(first_attempt, expected);
  RecordedEvent error = rec->of(MQTT_EVENT_ERROR)[0];
  EXPECT_EQ(error.error.error_type, MQTT_ERROR_TYPE_TCP_TRANSPORT);
  EXPECT_EQ(error.error.esp_transport_sock_errno, ECONNREFUSED);
  EXPECT_EQ(error.error.esp_tls_last_esp_err, ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST);
  // It keeps trying every reconnect_timeout_ms.
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_BEFORE_CONNECT, 2));
}

class EspRefusedTest : public ::testing::TestWithParam<esp_mqtt_protocol_ver_t> {
 protected:
  Mosquitto broker{MosquittoOptions{.extra_config = "allow_anonymous false"}};
};

TEST_P(EspRefusedTest, NotAuthorisedIsAConnectionRefusedError) {
  std::string uri = broker.uri();
  esp_mqtt_client_config_t c{};
  c.broker.address.uri = uri.c_str();
  c.credentials.client_id = "anonymous";
  c.session.protocol_ver = GetParam();
  c.network.reconnect_timeout_ms = 200;
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  EspRecorder rec{client.get()};
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_ERROR));
  RecordedEvent error = rec.of(MQTT_EVENT_ERROR)[0];
  EXPECT_EQ(error.error.error_type, MQTT_ERROR_TYPE_CONNECTION_REFUSED);
  // 3.1.1: return code 5 (not authorised); MQTT 5: reason code 0x87 (Not authorized).
  int expected = GetParam() == MQTT_PROTOCOL_V_5 ? 0x87 : MQTT_CONNECTION_REFUSE_NOT_AUTHORIZED;
  // ESP stores the MQTT 5 reason code in a 3.1.1 enum whose range stops at 5; reading it as
  // that enum type would be undefined in C++, so read the bytes.
  int code = 0;
  static_assert(sizeof code == sizeof error.error.connect_return_code);
  std::memcpy(&code, &error.error.connect_return_code, sizeof code);
  EXPECT_EQ(code, expected);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_DISCONNECTED));
  EXPECT_EQ(rec.count(MQTT_EVENT_CONNECTED), 0u);
}

INSTANTIATE_TEST_SUITE_P(Versions, EspRefusedTest,
                         ::testing::Values(MQTT_PROTOCOL_V_3_1_1, MQTT_PROTOCOL_V_5));

struct BeforeConnectChange {
  esp_err_t result = ESP_FAIL;
};

void change_id_before_connect(void* arg, esp_event_base_t, std::int32_t, void* data) {
  auto* change = static_cast<BeforeConnectChange*>(arg);
  esp_mqtt_client_config_t only_id{};
  only_id.credentials.client_id = "renamed";
  change->result =
      esp_mqtt_set_config(static_cast<esp_mqtt_event_handle_t>(data)->client, &only_id);
}

TEST_F(EspClientTest, SetConfigInBeforeConnectAppliesToThatAttemptAndKeepsStickyFields) {
  esp_mqtt_client_config_t c = config("original");
  c.session.keepalive = 45;
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  BeforeConnectChange change;
  ASSERT_EQ(esp_mqtt_client_register_event(client.get(), MQTT_EVENT_BEFORE_CONNECT,
                                           change_id_before_connect, &change),
            ESP_OK);
  EspRecorder rec{client.get()};
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED));
  EXPECT_EQ(change.result, ESP_OK);
  // The URI and the keep-alive were kept (sticky); the id changed for this very attempt.
  EXPECT_TRUE(broker.wait_for_log("as renamed (p2, c1, k45)", 5s)) << broker.log();
}

TEST_F(EspClientTest, SetConfigReportsConflictsAndResetsNonStickyFields) {
  esp_mqtt_client_config_t c = config("reset");
  c.session.keepalive = 45;
  c.session.disable_clean_session = true;
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  esp_mqtt_client_config_t with_transport{};
  with_transport.broker.address.transport = MQTT_TRANSPORT_OVER_TCP;  // the stored URI wins
  EXPECT_EQ(esp_mqtt_set_config(client.get(), &with_transport), ESP_ERR_INVALID_ARG);
  esp_mqtt_client_config_t bad_uri{};
  bad_uri.broker.address.uri = "mqtt://";
  EXPECT_EQ(esp_mqtt_set_config(client.get(), &bad_uri), ESP_FAIL);
  // The conflicting configuration was applied all the same (ESP-MQTT): the keep-alive left at
  // 0 kept its value (sticky), the clean-session flag went back to its default (c1). The bad
  // URI changed nothing, and the client is still usable.
  EspRecorder rec{client.get()};
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED));
  EXPECT_TRUE(broker.wait_for_log("as reset (p2, c1, k45)", 5s)) << broker.log();
}

int calls_a = 0;
int calls_b = 0;
void handler_a(void*, esp_event_base_t, std::int32_t, void*) {
  ++calls_a;
}
void handler_b(void*, esp_event_base_t, std::int32_t, void*) {
  ++calls_b;
}

TEST_F(EspClientTest, SeveralHandlersAndUnregister) {
  calls_a = calls_b = 0;
  esp_mqtt_client_config_t c = config("handlers");
  ClientPtr client{esp_mqtt_client_init(&c)};
  ASSERT_TRUE(client);
  ASSERT_EQ(esp_mqtt_client_register_event(client.get(), MQTT_EVENT_CONNECTED, handler_a, nullptr),
            ESP_OK);
  ASSERT_EQ(esp_mqtt_client_register_event(client.get(), MQTT_EVENT_ANY, handler_b, nullptr),
            ESP_OK);
  EXPECT_EQ(esp_mqtt_client_register_event(client.get(), static_cast<esp_mqtt_event_id_t>(42),
                                           handler_a, nullptr),
            ESP_ERR_INVALID_ARG);
  EspRecorder rec{client.get()};
  ASSERT_EQ(esp_mqtt_client_start(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED));
  // The recorder (any id) may have seen CONNECTED before handler_a (its exact id) ran;
  // unregistering waits for that dispatch to finish, as esp_event's loop mutex does.
  ASSERT_EQ(esp_mqtt_client_unregister_event(client.get(), MQTT_EVENT_CONNECTED, handler_a),
            ESP_OK);
  ASSERT_EQ(esp_mqtt_client_unregister_event(client.get(), MQTT_EVENT_ANY, handler_b), ESP_OK);
  EXPECT_EQ(calls_a, 1);
  EXPECT_EQ(calls_b, 2);  // BEFORE_CONNECT and CONNECTED
  ASSERT_EQ(esp_mqtt_client_disconnect(client.get()), ESP_OK);
  ASSERT_TRUE(rec.wait_for(MQTT_EVENT_CONNECTED, 2));
  EXPECT_EQ(calls_a, 1);
  EXPECT_EQ(calls_b, 2);
}

TEST_F(EspClientTest, SubscribeMultipleReportsOneCodePerFilter) {
  esp_mqtt_client_config_t c = config("multi");
  ClientPtr client;
  std::unique_ptr<EspRecorder> rec;
  client = started(c, rec);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_CONNECTED));
  const esp_mqtt_topic_t topics[] = {{"esp/a", 0}, {"esp/b", 2}, {"esp/c/#", 1}};
  int id = esp_mqtt_client_subscribe(client.get(), topics, 3);
  ASSERT_GT(id, 0);
  ASSERT_TRUE(rec->wait_for(MQTT_EVENT_SUBSCRIBED));
  RecordedEvent suback = rec->of(MQTT_EVENT_SUBSCRIBED)[0];
  EXPECT_EQ(suback.msg_id, id);
  EXPECT_EQ(suback.data, std::string("\x00\x02\x01", 3));  // granted QoS per filter
  EXPECT_EQ(esp_mqtt_client_subscribe(client.get(), {{"esp/d", 1}, {"esp/e", 1}}) > 0, true);
}

}  // namespace
}  // namespace portmqtt::esp_test
