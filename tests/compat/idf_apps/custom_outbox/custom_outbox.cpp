// The application's own outbox for the custom_outbox program: a list of copies with a byte
// count, logging every change (the way esp-mqtt's example traces its allocations).
#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <list>
#include <vector>

#include "esp_log.h"
#include "mqtt_outbox.h"

namespace {
constexpr const char* TAG = "custom_outbox";
}

struct outbox_item {
  std::vector<uint8_t> bytes;
  int id;
  int type;
  int qos;
  outbox_tick_t tick;
  pending_state_t state;
};

struct outbox_list_t {
  std::list<outbox_item> items;
  uint64_t size = 0;

  template <class P>
  esp_err_t erase_first(P predicate) {
    auto it = std::find_if(items.begin(), items.end(), predicate);
    if (it == items.end()) return ESP_FAIL;
    size -= it->bytes.size();
    ESP_LOGI(TAG, "DELETE msgid=%d, msg_type=%d, size=%" PRIu64, it->id, it->type, size);
    items.erase(it);
    return ESP_OK;
  }
};

extern "C" {

outbox_handle_t outbox_init(void) {
  ESP_LOGI(TAG, "INIT");
  return new outbox_list_t;
}

outbox_item_handle_t outbox_enqueue(outbox_handle_t outbox, outbox_message_handle_t message,
                                    outbox_tick_t tick) {
  if (message == nullptr || message->data == nullptr) return nullptr;
  outbox->items.push_back(outbox_item{{message->data, message->data + message->len},
                                      message->msg_id,
                                      message->msg_type,
                                      message->msg_qos,
                                      tick,
                                      QUEUED});
  outbox->size += static_cast<uint64_t>(message->len);
  ESP_LOGI(TAG, "ENQUEUE msgid=%d, msg_type=%d, qos=%d, len=%d, size=%" PRIu64, message->msg_id,
           message->msg_type, message->msg_qos, message->len, outbox->size);
  return &outbox->items.back();
}

outbox_item_handle_t outbox_get(outbox_handle_t outbox, int msg_id) {
  for (auto& item : outbox->items) {
    if (item.id == msg_id) return &item;
  }
  return nullptr;
}

outbox_item_handle_t outbox_dequeue(outbox_handle_t outbox, pending_state_t pending,
                                    outbox_tick_t* tick) {
  for (auto& item : outbox->items) {
    if (item.state == pending) {
      if (tick != nullptr) *tick = item.tick;
      return &item;
    }
  }
  return nullptr;
}

uint8_t* outbox_item_get_data(outbox_item_handle_t item, size_t* len, uint16_t* msg_id,
                              int* msg_type, int* qos) {
  if (item == nullptr) return nullptr;
  *len = item->bytes.size();
  *msg_id = static_cast<uint16_t>(item->id);
  *msg_type = item->type;
  *qos = item->qos;
  return item->bytes.data();
}

esp_err_t outbox_delete(outbox_handle_t outbox, int msg_id, int msg_type) {
  return outbox->erase_first(
      [&](const outbox_item& i) { return i.id == msg_id && i.type == msg_type; });
}

esp_err_t outbox_delete_item(outbox_handle_t outbox, outbox_item_handle_t item) {
  return outbox->erase_first([&](const outbox_item& i) { return &i == item; });
}

int outbox_delete_expired(outbox_handle_t outbox, outbox_tick_t current_tick,
                          outbox_tick_t timeout) {
  int deleted = 0;
  while (outbox->erase_first(
             [&](const outbox_item& i) { return current_tick - i.tick > timeout; }) == ESP_OK) {
    ++deleted;
  }
  return deleted;
}

int outbox_delete_single_expired(outbox_handle_t outbox, outbox_tick_t current_tick,
                                 outbox_tick_t timeout) {
  for (auto& item : outbox->items) {
    if (current_tick - item.tick > timeout) {
      int id = item.id;
      outbox_delete_item(outbox, &item);
      return id;
    }
  }
  return -1;
}

esp_err_t outbox_set_pending(outbox_handle_t outbox, int msg_id, pending_state_t pending) {
  outbox_item_handle_t item = outbox_get(outbox, msg_id);
  if (item == nullptr) return ESP_FAIL;
  item->state = pending;
  return ESP_OK;
}

pending_state_t outbox_item_get_pending(outbox_item_handle_t item) {
  return item != nullptr ? item->state : QUEUED;
}

esp_err_t outbox_set_tick(outbox_handle_t outbox, int msg_id, outbox_tick_t tick) {
  outbox_item_handle_t item = outbox_get(outbox, msg_id);
  if (item == nullptr) return ESP_FAIL;
  item->tick = tick;
  return ESP_OK;
}

uint64_t outbox_get_size(outbox_handle_t outbox) {
  return outbox->size;
}

void outbox_delete_all_items(outbox_handle_t outbox) {
  outbox->items.clear();
  outbox->size = 0;
}

void outbox_destroy(outbox_handle_t outbox) {
  ESP_LOGI(TAG, "DESTROY with %zu items", outbox->items.size());
  delete outbox;
}

}  // extern "C"
