// The outbox: expiry (online and offline), the Store it mirrors into, resuming a store,
// clear_outbox(), and re-encoding when the protocol version changes.
#include <map>

#include "session/outbox.hpp"
#include "support/session_harness.hpp"

namespace portmqtt::session::test {
namespace {

using codec::PacketType;
using codec::ProtocolVersion;
using codec::QoS;

/// A store that starts with given records and logs every call.
class RecordingStore final : public Store {
 public:
  explicit RecordingStore(std::vector<std::string>* log) : log_(log) {}
  void preload(std::uint64_t sequence, Bytes bytes, std::uint16_t packet_id = 0) {
    auto buffer = std::make_shared<codec::Buffer>();
    buffer->append(view_of(bytes));
    records_[sequence] = Record{sequence, packet_id, PacketType::publish, buffer};
  }
  std::error_code put(const Record& r) override {
    log_->push_back("put " + std::to_string(r.sequence) + " id " + std::to_string(r.packet_id));
    if (fail_puts) return std::make_error_code(std::errc::no_space_on_device);
    records_[r.sequence] = r;
    return {};
  }
  std::error_code update(const Record& r) override {
    log_->push_back("update " + std::to_string(r.sequence) + " " +
                    std::string(codec::to_string(r.type)));
    records_[r.sequence] = r;
    return {};
  }
  std::error_code erase(std::uint64_t sequence) override {
    log_->push_back("erase " + std::to_string(sequence));
    records_.erase(sequence);
    return {};
  }
  std::error_code clear() override {
    log_->push_back("clear");
    records_.clear();
    return {};
  }
  std::error_code sync() override {
    log_->push_back("sync");
    return {};
  }
  std::error_code put_inbound(std::uint16_t id) override {
    log_->push_back("put_inbound " + std::to_string(id));
    if (fail_puts) return std::make_error_code(std::errc::no_space_on_device);
    inbound_.push_back(id);
    return {};
  }
  std::error_code erase_inbound(std::uint16_t id) override {
    log_->push_back("erase_inbound " + std::to_string(id));
    std::erase(inbound_, id);
    return {};
  }
  std::error_code clear_inbound() override {
    log_->push_back("clear_inbound");
    inbound_.clear();
    return {};
  }
  std::vector<std::uint16_t> load_inbound() override { return inbound_; }
  void preload_inbound(std::uint16_t id) { inbound_.push_back(id); }
  bool fail_puts = false;
  std::vector<Record> load() override {
    std::vector<Record> all;
    for (auto& [s, r] : records_)
      all.push_back(r);
    return all;
  }

 private:
  std::vector<std::string>* log_;
  std::map<std::uint64_t, Record> records_;
  std::vector<std::uint16_t> inbound_;
};

TEST(OutboxExpiry, OfflineMessageExpires) {
  Harness h(config_for(ProtocolVersion::v3_1_1));  // outbox_expiry 30 s
  ASSERT_EQ(h.publish("t", "a", QoS::at_least_once).packet_id, 1);
  EXPECT_EQ(h.session.next_deadline(), h.now() + 30s);
  h.advance(29999ms);
  EXPECT_TRUE(h.events().empty());
  h.advance(1ms);
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  auto expired = take<MessageExpired>(events);
  EXPECT_EQ(expired.packet_id, 1);
  EXPECT_EQ(expired.type, PacketType::publish);
  EXPECT_EQ(h.session.outbox_messages(), 0u);
  EXPECT_FALSE(h.session.next_deadline());
}

TEST(OutboxExpiry, StoredQos0ExpiresWithIdZero) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  ASSERT_TRUE(h.publish("t", "a", QoS::at_most_once, false, {.store_qos0_when_offline = true}));
  h.advance(30s);
  auto events = h.events();
  EXPECT_EQ(take<MessageExpired>(events).packet_id, 0);
}

TEST(OutboxExpiry, InFlightIsKeptButWaitingForTheWindowExpires) {
  Config c = config_for(ProtocolVersion::v5);
  c.keep_alive_s = 0;
  Harness h(c);
  h.connect_with({0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x01});  // receive maximum 1
  ASSERT_EQ(h.publish("t", "a", QoS::at_least_once).packet_id, 1);   // in flight
  h.advance(10s);
  ASSERT_EQ(h.publish("t", "b", QoS::at_least_once).packet_id, 2);  // waits for the window
  h.output();
  EXPECT_EQ(h.session.next_deadline(), h.now() + 30s);
  h.advance(30s);
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(take<MessageExpired>(events).packet_id, 2);
  h.feed({0x40, 0x02, 0x00, 0x01});  // PUBACK id 1 still completes normally
  events = h.events();
  EXPECT_EQ(take<PublishCompleted>(events).packet_id, 1);
  EXPECT_TRUE(h.output().empty());
}

TEST(OutboxExpiry, SentQos1ExpiresOfflineButSentQos2Waits) {
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.clean_start = false;
  Harness h(c);
  h.connect_with(connack_v311());
  ASSERT_EQ(h.publish("t", "a", QoS::at_least_once).packet_id, 1);
  ASSERT_EQ(h.publish("t", "b", QoS::exactly_once).packet_id, 2);
  h.output();
  h.session.connection_lost(h.now());
  h.advance(30s);
  auto events = h.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(take<MessageExpired>(events).packet_id, 1);
  // The broker may hold id 2 as received: it must finish its handshake, not be dropped.
  EXPECT_FALSE(h.session.next_deadline());
  h.connect_with(connack_v311(true));
  EXPECT_EQ(h.output(), (Bytes{0x3C, 0x06, 0x00, 0x01, 't', 0x00, 0x02, 'b'}));  // DUP id 2
}

TEST(OutboxExpiry, ZeroNeverExpires) {
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.outbox_expiry = 0ms;
  Harness h(c);
  ASSERT_TRUE(h.publish("t", "a", QoS::at_least_once));
  EXPECT_FALSE(h.session.next_deadline());
  h.advance(24h);
  EXPECT_TRUE(h.events().empty());
}

TEST(OutboxStore, EveryChangeIsMirrored) {
  std::vector<std::string> log;
  Harness h(config_for(ProtocolVersion::v3_1_1), std::make_unique<RecordingStore>(&log));
  h.connect_with(connack_v311());
  ASSERT_TRUE(h.publish("t", "a", QoS::exactly_once));
  ASSERT_TRUE(h.publish("t", "b", QoS::at_least_once));
  h.feed({0x50, 0x02, 0x00, 0x01});  // PUBREC id 1
  h.feed({0x40, 0x02, 0x00, 0x02});  // PUBACK id 2
  h.feed({0x70, 0x02, 0x00, 0x01});  // PUBCOMP id 1
  EXPECT_EQ(log, (std::vector<std::string>{"put 1 id 1", "put 2 id 2", "update 1 PUBREL", "erase 2",
                                           "erase 1"}));
  h.session.clear_outbox();
  EXPECT_EQ(log.back(), "clear");
}

TEST(OutboxStore, SessionResumesRecordsLeftInTheStore) {
  std::vector<std::string> log;
  auto store = std::make_unique<RecordingStore>(&log);
  store->preload(5, {0x32, 0x06, 0x00, 0x01, 't', 0x00, 0x07, 'a'}, 7);  // PUBLISH QoS 1 id 7
  store->preload(6, {0x62, 0x02, 0x00, 0x09}, 9);                        // PUBREL id 9
  store->preload(7, {0xFF, 0x00});                                       // unreadable: dropped
  store->preload(8, {0x32, 0x06, 0x00, 0x01, 't', 0x00, 0x01, 'b'}, 1);  // PUBLISH QoS 1 id 1
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.clean_start = false;
  Harness h(c, std::move(store));
  EXPECT_EQ(log, (std::vector<std::string>{"erase 7"}));
  EXPECT_EQ(h.session.outbox_messages(), 3u);
  h.connect_with(connack_v311(true));
  EXPECT_EQ(h.output(), (Bytes{0x3A, 0x06, 0x00, 0x01, 't', 0x00, 0x07, 'a',     // DUP id 7
                               0x62, 0x02, 0x00, 0x09,                           // PUBREL id 9
                               0x3A, 0x06, 0x00, 0x01, 't', 0x00, 0x01, 'b'}));  // DUP id 1
  // Resumed ids are in flight: a new message takes the next free one, after the last sequence.
  EXPECT_EQ(h.publish("t", "c", QoS::at_least_once).packet_id, 2);
  EXPECT_EQ(log.back(), "put 9 id 2");
  h.feed({0x70, 0x02, 0x00, 0x09});  // PUBCOMP id 9
  auto events = h.events();
  EXPECT_EQ(take<PublishCompleted>(events).packet_id, 9);
}

TEST(OutboxStore, AQos2PacketIdIsDurableBeforeItsPublishGoesOut) {
  // With ids bound as messages go in flight, a QoS 2 id must be in the store before the broker
  // can hold a message under it: lost in a crash, the id could be given to a later message,
  // which the broker would take for a resend of the first and drop.
  std::vector<std::string> log;
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.packet_id_on_accept = false;
  Harness h(c, std::make_unique<RecordingStore>(&log));
  h.connect_with(connack_v311());
  ASSERT_TRUE(h.publish("t", "a", QoS::exactly_once));
  EXPECT_EQ(log, (std::vector<std::string>{"put 1 id 0", "update 1 PUBLISH", "sync"}));
  EXPECT_EQ(h.output(), (Bytes{0x34, 0x06, 0x00, 0x01, 't', 0x00, 0x01, 'a'}));  // QoS 2 id 1
  // QoS 1 needs no such care (the broker does not match QoS 1 resends by id): no sync.
  log.clear();
  ASSERT_TRUE(h.publish("t", "b", QoS::at_least_once));
  EXPECT_EQ(log, (std::vector<std::string>{"put 2 id 0", "update 2 PUBLISH"}));
}

TEST(OutboxStore, APutTheStoreRefusesFailsThePublishAndKeepsNothing) {
  std::vector<std::string> log;
  auto store = std::make_unique<RecordingStore>(&log);
  RecordingStore* records = store.get();
  Harness h(config_for(ProtocolVersion::v3_1_1), std::move(store));
  h.connect_with(connack_v311());
  ASSERT_EQ(h.publish("t", "a", QoS::at_least_once).packet_id, 1);
  h.output();
  records->fail_puts = true;
  auto refused = h.publish("t", "b", QoS::exactly_once);
  EXPECT_EQ(refused.error, std::make_error_code(std::errc::no_space_on_device));
  EXPECT_EQ(refused.packet_id, 0);
  EXPECT_TRUE(h.output().empty());             // nothing went out for the refused message
  EXPECT_EQ(h.session.outbox_messages(), 1u);  // what was accepted before stays
  records->fail_puts = false;
  EXPECT_TRUE(h.publish("t", "c", QoS::at_least_once));  // the store takes it again
  h.feed({0x40, 0x02, 0x00, 0x01});                      // PUBACK id 1
  auto events = h.events();
  EXPECT_EQ(take<PublishCompleted>(events).packet_id, 1);
}

TEST(OutboxStore, InboundQos2IdsAreStoredAndSurviveARestart) {
  std::vector<std::string> log;
  const Bytes publish5 = {0x34, 0x06, 0x00, 0x01, 't', 0x00, 0x05, 'x'};  // QoS 2 id 5
  const Bytes dup5 = {0x3C, 0x06, 0x00, 0x01, 't', 0x00, 0x05, 'x'};      // the same, DUP
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.clean_start = false;
  {
    Harness h(c, std::make_unique<RecordingStore>(&log));
    h.connect_with(connack_v311());
    log.clear();
    h.feed(publish5);
    EXPECT_EQ(h.events().size(), 1u);
    h.session.delivered(h.now());                                         // the handler returned
    EXPECT_EQ(h.output(), (Bytes{0x50, 0x02, 0x00, 0x05}));               // PUBREC id 5
    EXPECT_EQ(log, (std::vector<std::string>{"put_inbound 5", "sync"}));  // durable first
  }
  // A new process on the same store: the broker sends id 5 again before PUBREL.
  auto store = std::make_unique<RecordingStore>(&log);
  store->preload_inbound(5);
  Harness h(c, std::move(store));
  h.connect_with(connack_v311(/*session_present=*/true));
  h.feed(dup5);
  EXPECT_TRUE(h.events().empty());                         // not delivered a second time
  EXPECT_EQ(h.output(), (Bytes{0x50, 0x02, 0x00, 0x05}));  // PUBREC again
  log.clear();
  h.feed({0x62, 0x02, 0x00, 0x05});  // PUBREL id 5
  // PUBCOMP only once the erase is durable: the broker may reuse id 5 after it.
  EXPECT_TRUE(h.output().empty());
  h.session.delivered(h.now());
  EXPECT_EQ(log, (std::vector<std::string>{"erase_inbound 5", "sync"}));
  EXPECT_EQ(h.output(), (Bytes{0x70, 0x02, 0x00, 0x05}));  // PUBCOMP
}

// A process killed after the id was stored but before its handler saw the message would
// answer the broker's resend as a duplicate and lose the message: the id is stored, and
// PUBREC sent, only once the application has the message.
TEST(OutboxStore, AnInboundQos2IdIsStoredOnlyAfterTheMessageWasDelivered) {
  std::vector<std::string> log;
  const Bytes publish5 = {0x34, 0x06, 0x00, 0x01, 't', 0x00, 0x05, 'x'};  // QoS 2 id 5
  const Bytes dup5 = {0x3C, 0x06, 0x00, 0x01, 't', 0x00, 0x05, 'x'};      // the same, DUP
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.clean_start = false;
  {
    Harness h(c, std::make_unique<RecordingStore>(&log));
    h.connect_with(connack_v311());
    log.clear();
    h.feed(publish5);
    EXPECT_EQ(h.events().size(), 1u);  // handed to the application...
    EXPECT_TRUE(log.empty());          // ...but not yet recorded as delivered
    EXPECT_TRUE(h.output().empty());   // and not acknowledged
    // The process dies here.
  }
  // A new process on the same store: the broker sends id 5 again, and it is delivered.
  Harness h(c, std::make_unique<RecordingStore>(&log));
  h.connect_with(connack_v311(/*session_present=*/true));
  log.clear();
  h.feed(dup5);
  EXPECT_EQ(h.events().size(), 1u);
  h.session.delivered(h.now());
  EXPECT_EQ(log, (std::vector<std::string>{"put_inbound 5", "sync"}));  // durable, then PUBREC
  EXPECT_EQ(h.output(), (Bytes{0x50, 0x02, 0x00, 0x05}));               // PUBREC id 5
}

TEST(OutboxStore, AnInboundQos2IdTheStoreRefusesIsNotAcknowledged) {
  std::vector<std::string> log;
  auto store = std::make_unique<RecordingStore>(&log);
  RecordingStore* records = store.get();
  const Bytes publish5 = {0x34, 0x06, 0x00, 0x01, 't', 0x00, 0x05, 'x'};  // QoS 2 id 5
  const Bytes dup5 = {0x3C, 0x06, 0x00, 0x01, 't', 0x00, 0x05, 'x'};      // the same, DUP
  Harness h(config_for(ProtocolVersion::v3_1_1), std::move(store));
  h.connect_with(connack_v311());
  records->fail_puts = true;
  h.feed(publish5);
  EXPECT_EQ(h.events().size(), 1u);
  h.session.delivered(h.now());
  auto events = h.events();
  EXPECT_EQ(take<ErrorOccurred>(events).error, std::make_error_code(std::errc::no_space_on_device));
  EXPECT_TRUE(h.output().empty());  // no PUBREC: the broker sends it again
  records->fail_puts = false;
  h.feed(dup5);
  EXPECT_EQ(h.events().size(), 1u);  // delivered again rather than lost
  h.session.delivered(h.now());
  EXPECT_EQ(h.output(), (Bytes{0x50, 0x02, 0x00, 0x05}));
}

TEST(OutboxStore, ALostSessionClearsStoredInboundIds) {
  std::vector<std::string> log;
  auto store = std::make_unique<RecordingStore>(&log);
  store->preload_inbound(5);
  Config c = config_for(ProtocolVersion::v3_1_1);
  c.clean_start = false;
  Harness h(c, std::move(store));
  h.connect_with(connack_v311(/*session_present=*/false));
  EXPECT_EQ(log.back(), "clear_inbound");
}

TEST(OutboxStore, ResumedRecordsExpireFromTheirFirstTimestamp) {
  auto store = std::make_unique<MemoryStore>();
  auto bytes = std::make_shared<codec::Buffer>();
  bytes->append(view_of({0x32, 0x06, 0x00, 0x01, 't', 0x00, 0x07, 'a'}));  // QoS 1 id 7
  store->put(Store::Record{1, 7, PacketType::publish, bytes});
  Harness h(config_for(ProtocolVersion::v3_1_1), std::move(store));
  h.advance(29s);  // the first `now` the session sees stamps the record
  EXPECT_TRUE(h.events().empty());
  h.advance(30s);
  auto events = h.events();
  EXPECT_EQ(take<MessageExpired>(events).packet_id, 7);
}

TEST(OutboxClear, OfflineDropsEverythingWithoutEvents) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  ASSERT_TRUE(h.publish("t", "a", QoS::at_least_once));
  ASSERT_TRUE(h.publish("t", "b", QoS::exactly_once));
  h.session.clear_outbox();
  EXPECT_EQ(h.session.outbox_messages(), 0u);
  EXPECT_EQ(h.session.outbox_bytes(), 0u);
  EXPECT_TRUE(h.events().empty());
  h.connect_with(connack_v311());
  EXPECT_TRUE(h.output().empty());
}

TEST(OutboxClear, AcksForClearedInFlightMessagesAreAbsorbed) {
  Config c = config_for(ProtocolVersion::v5);
  Harness h(c);
  h.connect_with(connack_v5());
  ASSERT_EQ(h.publish("t", "a", QoS::exactly_once).packet_id, 1);
  h.output();
  h.session.clear_outbox();
  h.feed({0x50, 0x02, 0x00, 0x01});                                 // PUBREC id 1
  EXPECT_EQ(h.output(), (Bytes{0x62, 0x02, 0x00, 0x01}));           // the broker's side is finished
  EXPECT_EQ(h.publish("t", "b", QoS::at_least_once).packet_id, 2);  // id 1 not reused yet
  h.feed({0x70, 0x02, 0x00, 0x01});                                 // PUBCOMP id 1
  EXPECT_TRUE(h.events().empty());
  EXPECT_EQ(h.session.state(), State::connected);
}

TEST(OutboxVersion, RecordsAreReencodedWhenTheVersionChanges) {
  Harness h(config_for(ProtocolVersion::v3_1_1));
  ASSERT_TRUE(h.publish("t", "a", QoS::at_least_once));
  h.session.set_config(config_for(ProtocolVersion::v5));
  h.connect_with(connack_v5());
  EXPECT_EQ(h.output(), (Bytes{0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x01,  // PUBLISH QoS 1 id 1
                               0x00,                                     // no properties
                               'a'}));
}

}  // namespace
}  // namespace portmqtt::session::test
