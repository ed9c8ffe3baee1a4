// An application's own outbox (mqtt_outbox.h), kept in step with the client's built-in one.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "common/thread_safety.hpp"
#include "mqtt_outbox.h"

namespace portmqtt::esp {

class CustomOutbox {
 public:
  /// Whether the program defines the mqtt_outbox.h functions (outbox_init among them).
  static bool defined();
  /// Calls outbox_init(); nullptr when it returns NULL.
  static std::unique_ptr<CustomOutbox> create();
  ~CustomOutbox();  ///< outbox_destroy()
  CustomOutbox(const CustomOutbox&) = delete;
  CustomOutbox& operator=(const CustomOutbox&) = delete;

  /// outbox_enqueue() of an accepted QoS 1/2 message, as its PUBLISH packet.
  void enqueue(std::string_view topic, std::string_view payload, int qos, bool retain, int msg_id,
               bool mqtt5);
  /// outbox_delete() of a message that was acknowledged or expired.
  void remove(int msg_id);

 private:
  explicit CustomOutbox(outbox_handle_t handle) : handle_(handle) {}
  detail::Mutex mutex_;  // the application's outbox need not be thread-safe
  outbox_handle_t handle_ GUARDED_BY(mutex_);
};

}  // namespace portmqtt::esp
