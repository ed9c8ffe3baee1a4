// Log records of the C++ API (log.hpp) against mosquitto: what a sink receives for a
// connection's life, the broker's address in a refusal, the thresholds, Config::log over the
// process-wide settings, and the default lines on stderr.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "mosquitto.hpp"
#include "portmqtt/client.hpp"
#include "portmqtt/log.hpp"
#include "process.hpp"
#include "recorder.hpp"
#include "tls_certs.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

struct Line {
  LogLevel level;
  std::string category;
  std::string text;
};

// A thread-safe sink that keeps every record.
class LogCapture {
 public:
  LogSink sink() {
    return [this](const LogRecord& r) {
      {
        std::lock_guard lock(mutex_);
        lines_.push_back({r.level, std::string{r.category}, std::string{r.text}});
      }
      changed_.notify_all();
    };
  }

  // Waits for a record of `level` whose text contains `part`.
  bool wait_for(LogLevel level, const std::string& part, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return find_locked(level, part) != nullptr; });
  }

  std::vector<Line> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

  std::string dump() const {
    std::string out;
    for (const Line& l : lines())
      out += std::string{to_string(l.level)} + " " + l.category + ": " + l.text + "\n";
    return out;
  }

 private:
  const Line* find_locked(LogLevel level, const std::string& part) const {
    for (const Line& l : lines_)
      if (l.level == level && l.text.find(part) != std::string::npos) return &l;
    return nullptr;
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Line> lines_;
};

// Every test leaves the process-wide settings as it found them.
class LogSinkTest : public ::testing::Test {
 protected:
  void TearDown() override {
    set_log_sink({});
    set_log_level(LogLevel::warning);
  }
};

std::string refused_uri(std::uint16_t port) {
  return "mqtt://127.0.0.1:" + std::to_string(port);
}

TEST_F(LogSinkTest, ASinkReceivesTheRecordsOfAConnectionsLife) {
  Mosquitto broker;
  LogCapture capture;
  Config config;
  config.broker.uri = broker.uri();
  config.credentials.client_id = "logged";
  config.log = {.sink = capture.sink(), .level = LogLevel::info};
  Client client{config};
  Recorder recorder{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(recorder.wait_connected());
  const std::string where = "127.0.0.1:" + std::to_string(broker.port());
  EXPECT_TRUE(capture.wait_for(LogLevel::info, "connecting to " + where)) << capture.dump();
  EXPECT_TRUE(capture.wait_for(LogLevel::info, "connected to " + where)) << capture.dump();

  broker.stop();  // the connection is lost: a warning with the address, then a retry
  EXPECT_TRUE(capture.wait_for(LogLevel::warning, "disconnected from " + where)) << capture.dump();
  EXPECT_TRUE(capture.wait_for(LogLevel::info, "next connection attempt in")) << capture.dump();
  broker.start();
  ASSERT_TRUE(recorder.wait_connected(2));
  ASSERT_FALSE(client.stop());
  EXPECT_TRUE(capture.wait_for(LogLevel::info, "the client was stopped")) << capture.dump();
  for (const Line& l : capture.lines())
    EXPECT_EQ(l.category, "connection") << l.text;
}

TEST_F(LogSinkTest, ARefusedConnectionNamesHostAndPort) {
  const std::uint16_t port = free_port();
  LogCapture capture;
  Config config;
  config.broker.uri = refused_uri(port);
  config.log.sink = capture.sink();  // the process-wide threshold: warnings and errors
  Client client{config};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(capture.wait_for(LogLevel::warning, "127.0.0.1:" + std::to_string(port)))
      << capture.dump();
  ASSERT_FALSE(client.stop());
  for (const Line& l : capture.lines()) {
    EXPECT_LE(l.level, LogLevel::warning) << l.text;  // info is below the default threshold
    EXPECT_EQ(l.category, "connection");
  }
}

TEST_F(LogSinkTest, AFatalRefusalIsAnErrorRecordThatSaysTheClientStopped) {
  TempDir dir;
  const auto passwords = dir.path() / "passwords";
  Process passwd({"/usr/bin/mosquitto_passwd", "-c", "-b", passwords.string(), "alice", "secret"},
                 dir.path() / "passwd.out", dir.path() / "passwd.err");
  ASSERT_EQ(passwd.wait(10s), 0);
  Mosquitto broker{
      {.extra_config = "allow_anonymous false\npassword_file " + passwords.string() + "\n"}};
  LogCapture capture;
  Config config;
  config.broker.uri = broker.uri();
  config.credentials = {.client_id = "logged-refusal", .username = "alice", .password = "wrong"};
  config.log.sink = capture.sink();
  Client client{config};
  ASSERT_FALSE(client.start());
  const std::string where = "127.0.0.1:" + std::to_string(broker.port());
  ASSERT_TRUE(capture.wait_for(LogLevel::error, where)) << capture.dump();
  std::this_thread::sleep_for(300ms);  // three reconnect intervals: no retry may be logged
  EXPECT_EQ(client.state(), ConnectionState::stopped);
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 1u) << capture.dump();  // no warning-level retries follow
  EXPECT_EQ(lines[0].category, "connection");
  EXPECT_NE(lines[0].text.find("client stopped"), std::string::npos) << lines[0].text;
}

TEST_F(LogSinkTest, ATlsFailureIsATlsRecordWithItsCause) {
  const TlsFiles& certs = test_certificates();
  const std::uint16_t port = free_port();
  Mosquitto broker{
      {.extra_config = tls_listener_config(port, certs.expired_cert, certs.expired_key)}};
  LogCapture capture;
  Config config;
  config.broker.uri = "mqtts://localhost:" + std::to_string(port);
  config.tls.ca_certificate = read_file(certs.ca_cert);
  config.log.sink = capture.sink();
  Client client{config};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(capture.wait_for(LogLevel::warning, "certificate has expired")) << capture.dump();
  ASSERT_FALSE(client.stop());
  const Line first = capture.lines().front();
  EXPECT_EQ(first.category, "tls");
  EXPECT_NE(first.text.find("localhost:" + std::to_string(port)), std::string::npos) << first.text;
}

TEST_F(LogSinkTest, AStoreThatCannotOpenIsAnErrorRecordNamingTheFile) {
  LogCapture capture;
  Config config;
  config.broker.uri = refused_uri(free_port());
  config.outbox.store_path = "/nonexistent/portmqtt-log/outbox.db";
  config.log.sink = capture.sink();
  Client client{config};
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 1u) << capture.dump();  // made by the constructor, on this thread
  EXPECT_EQ(lines[0].level, LogLevel::error);
  EXPECT_EQ(lines[0].category, "store");
  EXPECT_NE(lines[0].text.find("/nonexistent/portmqtt-log/outbox.db"), std::string::npos)
      << lines[0].text;
}

TEST_F(LogSinkTest, TheProcessWideThresholdFiltersRecords) {
  EXPECT_EQ(log_level(), LogLevel::warning);  // the documented default
  LogCapture capture;
  set_log_sink(capture.sink());
  set_log_level(LogLevel::error);
  write_log(LogLevel::warning, "app", "hidden");
  write_log(LogLevel::error, "app", "shown");
  write_log(LogLevel::none, "app", "never a record");

  // A client without Config::log follows the process-wide threshold.
  const std::uint16_t port = free_port();
  Config config;
  config.broker.uri = refused_uri(port);
  Client client{config};
  ASSERT_FALSE(client.start());
  std::this_thread::sleep_for(300ms);  // long enough for the first refusal
  set_log_level(LogLevel::warning);    // read at each record: applies to the running client
  ASSERT_TRUE(capture.wait_for(LogLevel::warning, "127.0.0.1:" + std::to_string(port)));
  ASSERT_FALSE(client.stop());

  const auto lines = capture.lines();
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0].level, LogLevel::error);
  EXPECT_EQ(lines[0].category, "app");
  EXPECT_EQ(lines[0].text, "shown");
  for (const Line& l : lines)
    EXPECT_NE(l.level, LogLevel::info) << l.text;
  EXPECT_EQ(to_string(LogLevel::verbose), "verbose");
}

TEST_F(LogSinkTest, ConfigLogWinsOverTheProcessWideSettings) {
  Mosquitto broker;
  LogCapture process;
  LogCapture own;
  set_log_sink(process.sink());
  set_log_level(LogLevel::none);

  // Its own sink and threshold: everything goes there, nothing to the process-wide sink.
  Config config;
  config.broker.uri = broker.uri();
  config.credentials.client_id = "own-sink";
  config.log = {.sink = own.sink(), .level = LogLevel::info};
  {
    Client client{config};
    Recorder recorder{client};
    ASSERT_FALSE(client.start());
    ASSERT_TRUE(recorder.wait_connected());
    EXPECT_TRUE(own.wait_for(LogLevel::info, "connected to")) << own.dump();
  }
  EXPECT_TRUE(process.lines().empty()) << process.dump();

  // Its own threshold only: the process-wide sink gets the records all the same.
  config.credentials.client_id = "own-level";
  config.log = {.level = LogLevel::info};
  Client client{config};
  Recorder recorder{client};
  ASSERT_FALSE(client.start());
  ASSERT_TRUE(recorder.wait_connected());
  EXPECT_TRUE(process.wait_for(LogLevel::info, "connected to")) << process.dump();
}

TEST_F(LogSinkTest, ASinkThatThrowsDoesNotStopTheClient) {
  Mosquitto broker;
  Config config;
  config.broker.uri = broker.uri();
  config.log = {.sink = [](const LogRecord&) { throw std::runtime_error("sink"); },
                .level = LogLevel::verbose};
  Client client{config};
  Recorder recorder{client};
  ASSERT_FALSE(client.start());
  EXPECT_TRUE(recorder.wait_connected());
}

TEST_F(LogSinkTest, TheDefaultSinkWritesWarningsToStderr) {
  const std::uint16_t port = free_port();
  Config config;
  config.broker.uri = refused_uri(port);
  config.network.reconnect.enabled = false;  // one attempt
  testing::internal::CaptureStderr();
  {
    Client client{config};
    Recorder recorder{client};
    ASSERT_FALSE(client.start());
    recorder.wait([&] { return client.state() != ConnectionState::connecting; }, 10s);
    std::this_thread::sleep_for(100ms);
  }
  const std::string out = testing::internal::GetCapturedStderr();
  const std::string expected = "portmqtt W connection: ";
  EXPECT_EQ(out.rfind(expected, 0), 0u) << out;
  EXPECT_NE(out.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << out;
  EXPECT_EQ(out.find("portmqtt I "), std::string::npos) << out;  // info is off by default
  EXPECT_EQ(out.back(), '\n');
}

}  // namespace
}  // namespace portmqtt::test
