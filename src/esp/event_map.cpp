#include "esp/event_map.hpp"

#include <algorithm>
#include <any>
#include <new>
#include <span>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "esp/error_map.hpp"
#include "esp/event_loop_internal.hpp"
#include "esp/facade.hpp"
#include "esp/mqtt5.hpp"

// ESP-MQTT defines the base in mqtt_client.c; mqtt_client.h declares it (a portmqtt addition).
ESP_EVENT_DEFINE_BASE(MQTT_EVENTS);

namespace portmqtt::esp {
namespace {

thread_local int handler_depth = 0;

// The event being handled on this thread and its esp_mqtt5_event_get_extra() data.
thread_local const esp_mqtt_event_t* extra_event = nullptr;
thread_local const esp_mqtt5_event_extra_t* extra_data = nullptr;

struct ExtraScope {
  const esp_mqtt_event_t* saved_event;
  const esp_mqtt5_event_extra_t* saved_data;
  ExtraScope(const esp_mqtt_event_t* event, const esp_mqtt5_event_extra_t* data) noexcept
      : saved_event(extra_event), saved_data(extra_data) {
    extra_event = event;
    extra_data = data;
  }
  ~ExtraScope() {
    extra_event = saved_event;
    extra_data = saved_data;
  }
  ExtraScope(const ExtraScope&) = delete;
  ExtraScope& operator=(const ExtraScope&) = delete;
};

struct HandlerScope {
  HandlerScope() noexcept { ++handler_depth; }
  ~HandlerScope() { --handler_depth; }
  HandlerScope(const HandlerScope&) = delete;
  HandlerScope& operator=(const HandlerScope&) = delete;
};

bool is_event_id(std::int32_t id) {
  return id >= MQTT_EVENT_ANY && id <= MQTT_USER_EVENT;
}

// Acknowledgement codes as the bytes ESP-MQTT hands out in event->data.
std::string code_bytes(std::span<const ReasonCode> reasons) {
  std::string bytes;
  bytes.reserve(reasons.size());
  for (ReasonCode code : reasons)
    bytes.push_back(static_cast<char>(code));
  return bytes;
}

esp_mqtt5_reason_code_t first_code(std::span<const ReasonCode> reasons) {
  return static_cast<esp_mqtt5_reason_code_t>(reasons.empty() ? ReasonCode::success
                                                              : reasons.front());
}

esp_mqtt5_server_resp_property_t server_of(const Connected& e) {
  esp_mqtt5_server_resp_property_t server{};
  // ESP reports 0 when the broker set no limit; portmqtt fills in the protocol maximum.
  server.maximum_packet_size = e.properties.number(PropertyId::maximum_packet_size).value_or(0);
  server.receive_maximum = e.server.receive_maximum;
  server.topic_alias_maximum = e.server.topic_alias_maximum;
  server.max_qos = static_cast<std::uint8_t>(e.server.maximum_qos);
  server.retain_available = e.server.retain_available;
  server.wildcard_subscribe_available = e.server.wildcard_subscription_available;
  server.subscribe_identifiers_available = e.server.subscription_identifiers_available;
  server.shared_subscribe_available = e.server.shared_subscription_available;
  if (auto info = e.properties.text(PropertyId::response_information)) {
    server.response_info = info->data();
    server.response_info_len = static_cast<int>(info->size());
  }
  return server;
}

}  // namespace

bool in_event_handler() noexcept {
  return handler_depth > 0;
}

// --- ClientEventLoop -----------------------------------------------------------------------

namespace {

// The client's own loop, without a task: the client's thread dispatches, as ESP-MQTT's task
// runs its loop. Null when it cannot be made.
esp_event_loop_handle_t make_client_loop() {
  esp_event_loop_args_t args{};
  args.queue_size = kDefaultEventQueueSize;
  args.task_name = nullptr;
  esp_event_loop_handle_t loop = nullptr;
  return esp_event_loop_create(&args, &loop) == ESP_OK ? loop : nullptr;
}

}  // namespace

ClientEventLoop::ClientEventLoop() : loop_(make_client_loop()), cache_(loop_) {}

ClientEventLoop::~ClientEventLoop() {
  if (loop_ != nullptr) (void)esp_event_loop_delete(loop_);
}

esp_err_t ClientEventLoop::add(std::int32_t event_id, esp_event_handler_t handler, void* arg) {
  if (handler == nullptr || !is_event_id(event_id)) return ESP_ERR_INVALID_ARG;
  if (loop_ == nullptr) return ESP_ERR_NO_MEM;
  return esp_event_handler_register_with(loop_, MQTT_EVENTS, event_id, handler, arg);
}

esp_err_t ClientEventLoop::remove(std::int32_t event_id, esp_event_handler_t handler) {
  if (handler == nullptr || !is_event_id(event_id)) return ESP_ERR_INVALID_ARG;
  if (loop_ == nullptr) return ESP_ERR_NO_MEM;
  return esp_event_handler_unregister_with(loop_, MQTT_EVENTS, event_id, handler);
}

void ClientEventLoop::call(std::int32_t event_id, esp_mqtt_event_t& event) {
  if (loop_ == nullptr) return;
  HandlerScope scope;
  (void)cache_.dispatch(MQTT_EVENTS, event_id, &event);
}

esp_err_t ClientEventLoop::post(const esp_mqtt_event_t& event) const {
  if (loop_ == nullptr) return ESP_ERR_NO_MEM;
  return esp_event_post_to(loop_, MQTT_EVENTS, MQTT_USER_EVENT, &event, sizeof event, 0);
}

void ClientEventLoop::run_posted() const {
  if (loop_ == nullptr) return;
  HandlerScope scope;
  (void)esp_event_loop_run(loop_, 0);
}

void ClientEventLoop::set_queue_capacity(int capacity) const {
  if (loop_ != nullptr)
    portmqtt::esp::set_queue_capacity(loop_, static_cast<std::size_t>(capacity));
}

// --- EventDispatch -------------------------------------------------------------------------

void EventDispatch::attach(esp_mqtt_client_handle_t handle, Client& client) {
  handle_ = handle;
  client_ = &client;
  set_protocol(client.protocol_version());
  client.on_event([this](const Event& event) { on_event(event); });
  client.on_published_batch([this](std::span<const Published> batch) { on_published(batch); });
}

esp_err_t EventDispatch::post_user_event(Client& client, const esp_mqtt_event_t& event) {
  if (esp_err_t rc = handlers.post(event); rc != ESP_OK) return rc;
  client.dispatch(UserEvent{MQTT_USER_EVENT, {}});  // the client's thread runs the loop
  return ESP_OK;
}

void EventDispatch::on_event(const Event& event) {
  std::visit(
      [this](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, BeforeConnect>)
          on_before_connect();
        else if constexpr (std::is_same_v<E, Connected>)
          on_connected(e);
        else if constexpr (std::is_same_v<E, Disconnected>)
          on_disconnected(e);
        else if constexpr (std::is_same_v<E, Subscribed>)
          on_subscribed(e);
        else if constexpr (std::is_same_v<E, Unsubscribed>)
          on_unsubscribed(e);
        else if constexpr (std::is_same_v<E, MessageReceived>)
          on_message(e);
        else if constexpr (std::is_same_v<E, Error>)
          on_error(e);
        else if constexpr (std::is_same_v<E, Deleted>)
          on_deleted(e);
        else if constexpr (std::is_same_v<E, UserEvent>)
          on_user_event(e);
        // Published comes in batches (on_published_batch). AuthReceived: ESP-MQTT has no
        // AUTH support and no event for it.
      },
      event);
}

esp_mqtt_event_t EventDispatch::make_event(esp_mqtt_event_id_t id) {
  esp_mqtt_event_t event{};
  event.event_id = id;
  event.client = handle_;
  event.error_handle = &error_codes_;
  event.protocol_ver = protocol_.load(std::memory_order_relaxed);
  if (id != MQTT_EVENT_ERROR) error_codes_ = esp_mqtt_error_codes_t{};
  return event;
}

void EventDispatch::deliver(esp_mqtt_event_t& event, const esp_mqtt5_event_extra_t* extra) {
  static const esp_mqtt5_event_extra_t kNone{};
  ExtraScope scope(&event, extra != nullptr ? extra : &kNone);
  handlers.call(event.event_id, event);
}

void EventDispatch::on_before_connect() {
  EventProperties none;
  esp_mqtt_event_t event = make_event(MQTT_EVENT_BEFORE_CONNECT);
  event.property = none.get();
  deliver(event);
}

void EventDispatch::on_connected(const Connected& e) {
  connected_ = true;
  EventProperties props(e.properties);
  esp_mqtt_event_t event = make_event(MQTT_EVENT_CONNECTED);
  event.session_present = e.session_present ? 1 : 0;
  if (event.protocol_ver == MQTT_PROTOCOL_V_5) {
    props.set_server(server_of(e));
    portmqtt::detail::MutexLock lock(handle_->mutex);
    handle_->response_info = e.properties.text(PropertyId::response_information).value_or("");
  }
  event.property = props.get();
  esp_mqtt5_event_extra_t extra{};
  if (!e.assigned_client_id.empty()) {
    extra.assigned_client_id = e.assigned_client_id.data();
    extra.assigned_client_id_len = static_cast<int>(e.assigned_client_id.size());
  }
  if (auto keep_alive = e.properties.number(PropertyId::server_keep_alive)) {
    extra.server_keep_alive_present = true;
    extra.server_keep_alive = static_cast<std::uint16_t>(*keep_alive);
  }
  if (auto expiry = e.properties.number(PropertyId::session_expiry_interval)) {
    extra.session_expiry_present = true;
    extra.session_expiry_interval = *expiry;
  }
  deliver(event, &extra);
}

void EventDispatch::on_disconnected(const Disconnected& e) {
  connected_ = false;
  EventProperties props(e.properties);
  esp_mqtt_event_t event = make_event(MQTT_EVENT_DISCONNECTED);
  if (e.server_reason) {
    event.reason_code = static_cast<esp_mqtt5_reason_code_t>(*e.server_reason);
    error_codes_.disconnect_return_code = event.reason_code;  // deprecated twin of reason_code
  }
  event.property = props.get();
  deliver(event);
}

void EventDispatch::on_published(std::span<const Published> batch) {
  // One MQTT_EVENT_PUBLISHED per message, as ESP-MQTT posts them; what they share (the
  // protocol version, the loop's registrations) is read once per batch, and nothing is
  // allocated for a message without properties.
  static const esp_mqtt5_event_extra_t kNone{};
  const esp_mqtt_event_t shared = make_event(MQTT_EVENT_PUBLISHED);
  DispatchRun run = handlers.run();
  HandlerScope scope;
  for (const Published& e : batch) {
    if (handle_->custom_outbox) handle_->custom_outbox->remove(e.packet_id);
    EventProperties props(e.properties);
    esp_mqtt_event_t event = shared;  // a handler may have written into the previous one
    error_codes_ = esp_mqtt_error_codes_t{};
    event.msg_id = e.packet_id;
    event.reason_code = static_cast<esp_mqtt5_reason_code_t>(e.reason);
    event.property = props.get();
    ExtraScope extra(&event, &kNone);
    (void)run.dispatch(MQTT_EVENTS, MQTT_EVENT_PUBLISHED, &event);
  }
}

void EventDispatch::on_subscribed(const Subscribed& e) {
  EventProperties props(e.properties);
  std::string codes = code_bytes(e.reasons);
  esp_mqtt_event_t event = make_event(MQTT_EVENT_SUBSCRIBED);
  event.msg_id = e.packet_id;
  event.data = codes.data();
  event.data_len = static_cast<int>(codes.size());
  event.reason_code = first_code(e.reasons);
  if (std::any_of(e.reasons.begin(), e.reasons.end(), is_failure))
    error_codes_.error_type = MQTT_ERROR_TYPE_SUBSCRIBE_FAILED;
  event.property = props.get();
  deliver(event);
}

void EventDispatch::on_unsubscribed(const Unsubscribed& e) {
  EventProperties props(e.properties);
  std::string codes = code_bytes(e.reasons);
  esp_mqtt_event_t event = make_event(MQTT_EVENT_UNSUBSCRIBED);
  event.msg_id = e.packet_id;
  event.data = codes.empty() ? nullptr : codes.data();
  event.data_len = static_cast<int>(codes.size());
  event.reason_code = first_code(e.reasons);
  event.property = props.get();
  deliver(event);
}

void EventDispatch::on_message(const MessageReceived& m) {
  EventProperties props(m.properties);
  esp_mqtt_event_t event = make_event(MQTT_EVENT_DATA);
  if (m.offset == 0 || topic_on_all_fragments.load(std::memory_order_relaxed)) {
    event.topic = const_cast<char*>(m.topic.data());  // read-only for handlers, as in ESP
    event.topic_len = static_cast<int>(m.topic.size());
  }
  event.data = const_cast<char*>(m.payload.data());
  event.data_len = static_cast<int>(m.payload.size());
  event.total_data_len = static_cast<int>(m.total_size);
  event.current_data_offset = static_cast<int>(m.offset);
  event.msg_id = m.packet_id;
  event.qos = static_cast<int>(m.qos);
  event.retain = m.retain;
  event.dup = m.dup;
  event.property = props.get();
  esp_mqtt5_event_extra_t extra{};
  std::vector<std::uint32_t> ids;
  if (!m.properties.empty()) {  // MQTT 3.x, and most MQTT 5 messages: nothing to look up
    if (auto expiry = m.properties.number(PropertyId::message_expiry_interval)) {
      extra.message_expiry_present = true;
      extra.message_expiry_interval = *expiry;
    }
    ids = m.properties.numbers(PropertyId::subscription_identifier);
    if (!ids.empty()) {
      extra.subscription_ids = ids.data();
      extra.subscription_id_count = static_cast<int>(ids.size());
    }
  }
  deliver(event, &extra);
}

void EventDispatch::on_error(const Error& e) {
  // ESP-MQTT reports a missing PINGRESP and a broker DISCONNECT with DISCONNECTED alone.
  if (e.error == errc::keepalive_timeout || e.error == errc::server_disconnected) return;
  EventProperties none;
  esp_mqtt_event_t event = make_event(MQTT_EVENT_ERROR);
  fill_error_codes(e, !connected_, client_->protocol_version(), tls_refusal(*handle_, e, false),
                   error_codes_);
  event.property = none.get();
  deliver(event);
}

void EventDispatch::on_deleted(const Deleted& e) {
  if (handle_->custom_outbox) handle_->custom_outbox->remove(e.packet_id);
  if (!report_deleted.load(std::memory_order_relaxed)) return;
  EventProperties none;
  esp_mqtt_event_t event = make_event(MQTT_EVENT_DELETED);
  event.msg_id = e.packet_id;
  event.property = none.get();
  deliver(event);
}

void EventDispatch::on_user_event(const UserEvent& e) {
  // Only the facade's own wake-up (an empty UserEvent); the event itself waits in the loop's
  // queue, as the caller's copy, delivered as it was posted.
  if (e.id != MQTT_USER_EVENT || e.data.has_value()) return;
  handlers.run_posted();
}

}  // namespace portmqtt::esp

extern "C" esp_err_t esp_mqtt5_event_get_extra(esp_mqtt_event_handle_t event,
                                               esp_mqtt5_event_extra_t* extra) {
  using namespace portmqtt::esp;  // NOLINT(google-build-using-namespace): the thread-locals
  if (event == nullptr || extra == nullptr) return ESP_ERR_INVALID_ARG;
  if (event != extra_event || extra_data == nullptr) return ESP_ERR_INVALID_STATE;
  *extra = *extra_data;
  return ESP_OK;
}
