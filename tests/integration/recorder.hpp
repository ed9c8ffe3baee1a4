// Records a client's events (as owned copies) and lets a test wait for them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "portmqtt/client.hpp"

namespace portmqtt::test {

struct ReceivedMessage {
  std::string topic;
  std::string payload;
  QoS qos{};
  bool retain = false;
  bool dup = false;
  PacketId packet_id = 0;
  std::size_t offset = 0;
  std::size_t total_size = 0;
  Properties properties;
  AckHandle ack_handle = 0;  ///< InboundConfig::manual_ack
};

struct RecordedError {
  ErrorKind kind{};
  std::error_code error;
  int system_errno = 0;
  ReasonCode connect_reason{};
  std::string where;
  std::string cause;
  bool fatal = false;
  std::string text;  ///< Error::message()
};

/// One Published event as the broker's acknowledgement described it.
struct PublishAck {
  MessageHandle handle = 0;
  PacketId packet_id = 0;
  ReasonCode reason{};
  bool downgraded = false;
};

struct RecordedDisconnect {
  std::error_code error;
  bool was_connected = false;
};

class Recorder {
 public:
  explicit Recorder(Client& client) : client_(client) {
    client.set_handlers({
        .on_before_connect = [this](const BeforeConnect&) { record([&] { ++before_connect; }); },
        .on_connected =
            [this](const Connected& e) {
              record([&] {
                ++connected;
                session_present = e.session_present;
                server = e.server;
              });
            },
        .on_disconnected =
            [this](const Disconnected& e) {
              record([&] { disconnects.push_back({e.error, e.was_connected}); });
            },
        .on_published =
            [this](const Published& e) {
              record([&] {
                published.push_back(e.handle);
                publish_results.push_back({e.handle, e.packet_id, e.reason, e.downgraded});
              });
            },
        .on_subscribed =
            [this](const Subscribed& e) {
              record([&] { subacks.emplace_back(e.reasons.begin(), e.reasons.end()); });
            },
        .on_unsubscribed = [this](const Unsubscribed&) { record([&] { ++unsubacks; }); },
        .on_message =
            [this](const MessageReceived& e) {
              record([&] {
                messages.push_back({std::string{e.topic}, std::string{e.payload}, e.qos, e.retain,
                                    e.dup, e.packet_id, e.offset, e.total_size, e.properties,
                                    e.ack_handle});
              });
            },
        .on_error =
            [this](const Error& e) {
              record([&] {
                errors.push_back({e.kind, e.error, e.system_errno, e.connect_reason, e.where,
                                  e.cause, e.fatal, e.message()});
              });
            },
        .on_deleted = [this](const Deleted& e) { record([&] { deleted.push_back(e.packet_id); }); },
    });
  }
  // A recorder is declared after its client and so dies first: stop the client here, or its
  // loop thread could still run a handler (a reconnect attempt's Disconnected, say) on a
  // destroyed recorder. stop() from this thread returns once the loop no longer uses the client.
  ~Recorder() { client_.stop(); }
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  /// Waits until `pred` (called under the lock) holds.
  bool wait(const std::function<bool()>& pred,
            std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, timeout, pred);
  }
  bool wait_connected(int count = 1) {
    return wait([&] { return connected >= count; });
  }
  bool wait_messages(std::size_t count,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return wait([&] { return messages.size() >= count; }, timeout);
  }

  /// What `read` returns, read under the lock: for a count taken while the client may still
  /// record (a resubscription after a reconnect, a late message).
  template <class F>
  auto locked(F read) {
    std::lock_guard lock(mutex);
    return read();
  }

  template <class F>
  void record(F change) {
    // Notified under the lock: a waiter that sees the change can only run on (and destroy the
    // recorder) once this handler is done with the condition variable.
    std::lock_guard lock(mutex);
    change();
    cv.notify_all();
  }

  std::mutex mutex;
  std::condition_variable cv;
  int before_connect = 0;
  int connected = 0;
  bool session_present = false;
  ServerCapabilities server;
  std::vector<RecordedDisconnect> disconnects;
  std::vector<MessageHandle> published;  // handles, as publish() returned them
  std::vector<PublishAck> publish_results;
  std::vector<std::vector<ReasonCode>> subacks;
  int unsubacks = 0;
  std::vector<ReceivedMessage> messages;
  std::vector<RecordedError> errors;
  std::vector<PacketId> deleted;

 private:
  Client& client_;
};

/// Payloads used in both directions: empty, one byte, 1 KiB, 1 MiB, binary with NULs.
inline std::string patterned(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    s[i] = static_cast<char>((i * 31 + 7) % 256);
  return s;
}

}  // namespace portmqtt::test
