// The application's mqtt_outbox.h functions, found at link time: weak references stay null
// in a program that does not define them (the usual case), so only programs with a custom
// outbox pay for it.
#include "esp/custom_outbox.hpp"

#include <string>

#include "esp_log.h"

#pragma weak outbox_init
#pragma weak outbox_enqueue
#pragma weak outbox_delete
#pragma weak outbox_destroy

namespace portmqtt::esp {
namespace {

constexpr const char* kTag = "mqtt_client";
constexpr int kPublishType = 3;  // MQTT packet type of PUBLISH

void append_varint(std::string& out, std::size_t value) {
  do {
    auto byte = static_cast<unsigned char>(value % 128);
    value /= 128;
    if (value > 0) byte |= 0x80U;
    out += static_cast<char>(byte);
  } while (value > 0);
}

void append_u16(std::string& out, std::size_t value) {
  out += static_cast<char>((value >> 8U) & 0xFFU);
  out += static_cast<char>(value & 0xFFU);
}

// The PUBLISH packet ESP-MQTT would keep in its outbox (MQTT 5: no properties).
std::string publish_packet(std::string_view topic, std::string_view payload, int qos, bool retain,
                           int msg_id, bool mqtt5) {
  std::string body;
  append_u16(body, topic.size());
  body += topic;
  append_u16(body, static_cast<std::size_t>(msg_id));
  if (mqtt5) body += '\0';  // property length 0
  body += payload;
  std::string packet;
  packet += static_cast<char>(0x30U | (static_cast<unsigned>(qos) << 1U) | (retain ? 1U : 0U));
  append_varint(packet, body.size());
  return packet + body;
}

outbox_tick_t now_ms() {
  return static_cast<outbox_tick_t>(esp_log_timestamp());
}

}  // namespace

bool CustomOutbox::defined() {
  return outbox_init != nullptr && outbox_enqueue != nullptr && outbox_delete != nullptr &&
         outbox_destroy != nullptr;
}

std::unique_ptr<CustomOutbox> CustomOutbox::create() {
  outbox_handle_t handle = outbox_init();
  if (handle == nullptr) {
    ESP_LOGE(kTag, "outbox_init() of the custom outbox failed");
    return nullptr;
  }
  return std::unique_ptr<CustomOutbox>(new CustomOutbox(handle));
}

CustomOutbox::~CustomOutbox() {
  detail::MutexLock lock(mutex_);
  outbox_destroy(handle_);
}

void CustomOutbox::enqueue(std::string_view topic, std::string_view payload, int qos, bool retain,
                           int msg_id, bool mqtt5) {
  std::string packet = publish_packet(topic, payload, qos, retain, msg_id, mqtt5);
  outbox_message_t message{};
  message.data = reinterpret_cast<std::uint8_t*>(packet.data());
  message.len = static_cast<int>(packet.size());
  message.msg_id = msg_id;
  message.msg_qos = qos;
  message.msg_type = kPublishType;
  detail::MutexLock lock(mutex_);
  if (outbox_enqueue(handle_, &message, now_ms()) == nullptr) {
    ESP_LOGW(kTag, "the custom outbox refused msg_id=%d (the client still delivers it)", msg_id);
  }
}

void CustomOutbox::remove(int msg_id) {
  detail::MutexLock lock(mutex_);
  outbox_delete(handle_, msg_id, kPublishType);
}

}  // namespace portmqtt::esp
