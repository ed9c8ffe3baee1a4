// mqtt_client.h: the esp_mqtt_client_* functions over portmqtt::Client.
//
// stop() and destroy() are refused (ESP_FAIL) inside an event handler of any client, as
// ESP-MQTT refuses them in its own task: they wait for the client's thread, which would wait
// for the handler. Everything else may be called from handlers.
#include <algorithm>
#include <climits>
#include <cstring>
#include <exception>
#include <span>
#include <string>
#include <vector>

#include "esp/error_map.hpp"
#include "esp/facade.hpp"
#include "esp/mqtt5.hpp"
#include "esp_log.h"

namespace portmqtt::esp {
namespace {

constexpr const char* kTag = "mqtt_client";

bool is_running(ConnectionState state) {
  return state != ConnectionState::not_started && state != ConnectionState::stopped;
}

bool is_qos(int qos) {
  return qos >= 0 && qos <= 2;
}

// ESP-MQTT: a length of 0 or less means "NUL-terminated"; NULL data is an empty payload.
std::string_view payload_of(const char* data, int len) {
  if (data == nullptr) return {};
  return len > 0 ? std::string_view(data, static_cast<std::size_t>(len)) : std::string_view(data);
}

esp_err_t store_ext(esp_mqtt_client& handle, const esp_mqtt_client_ext_config_t& ext)
    REQUIRES(handle.mutex) {
  if (validate_ext_config(ext) != ESP_OK) {
    ESP_LOGE(kTag, "extended configuration out of range");
    return ESP_ERR_INVALID_ARG;
  }
  handle.ext = ext;
  // The caller's strings may go away: keep copies and point the stored ext at them. Built
  // aside first, as `ext` may be what get_ext_config() returned, pointing at the old copies.
  std::vector<std::string> uris;
  for (const char* const* uri = ext.broker_uris; uri != nullptr && *uri != nullptr; ++uri)
    uris.emplace_back(*uri);
  std::string proxy = ext.proxy_uri != nullptr ? ext.proxy_uri : "";
  handle.broker_uris = std::move(uris);
  handle.broker_uri_pointers.clear();
  for (const std::string& uri : handle.broker_uris)
    handle.broker_uri_pointers.push_back(uri.c_str());
  handle.broker_uri_pointers.push_back(nullptr);
  handle.ext.broker_uris = ext.broker_uris != nullptr ? handle.broker_uri_pointers.data() : nullptr;
  handle.proxy_uri = std::move(proxy);
  handle.ext.proxy_uri = ext.proxy_uri != nullptr ? handle.proxy_uri.c_str() : nullptr;
  handle.outbox_store_path = ext.outbox_store_path != nullptr ? ext.outbox_store_path : "";
  if (ext.outbox_store_path != nullptr)
    handle.ext.outbox_store_path = handle.outbox_store_path.c_str();
  handle.skip_publish_if_disconnected = ext.skip_publish_if_disconnected;
  handle.events.report_deleted = ext.report_deleted_messages;
  handle.events.topic_on_all_fragments = ext.topic_on_all_data_events;
  handle.events.handlers.set_queue_capacity(ext.event_queue_size > 0 ? ext.event_queue_size
                                                                     : kDefaultEventQueueSize);
  return ESP_OK;
}

// Hands a configuration to the client. Only an unparseable URI is refused: a scheme whose
// transport is missing is accepted, as ESP-MQTT accepts unknown schemes until connect time.
std::error_code push_config(esp_mqtt_client& handle, const Config& config) REQUIRES(handle.mutex) {
  std::error_code ec = handle.client->set_config(config);
  handle.events.set_protocol(handle.client->protocol_version());
  if (!ec && !handle.client->store_status().empty()) ec = errc::store_cannot_open;
  if (ec && !handle.client->store_status().empty()) {
    ESP_LOGE(kTag, "%s", handle.client->store_status().c_str());
    return ec;
  }
  if (ec == errc::unsupported_transport) {
    ESP_LOGW(kTag, "transport of %s is not available yet: start will fail",
             scheme_of(handle.settings).c_str());
    return {};
  }
  return ec;
}

// ESP-TLS reads the global CA store and calls the bundle hook whenever it sets up a
// connection, so a client using either rebuilds its TLS configuration before each attempt.
void refresh_trust(esp_mqtt_client& handle, Client& client) {
  portmqtt::detail::MutexLock lock(handle.mutex);
  const TlsSettings& tls = handle.settings.tls.get();
  if (!tls.use_global_ca_store && tls.crt_bundle_attach == nullptr) return;
  if (std::error_code ec = client.set_config(current_config(handle)))
    ESP_LOGW(kTag, "cannot refresh the TLS configuration: %s", ec.message().c_str());
}

void on_connection_error(esp_mqtt_client& handle, const Client& client, const Error& e) {
  // ESP-MQTT reports these with DISCONNECTED alone, and logs them elsewhere.
  if (e.error == errc::keepalive_timeout || e.error == errc::server_disconnected) return;
  // Building the TLS configuration again logs why it is unusable, when the reason lies in
  // the ESP options (no trust source, empty global CA store, failing bundle hook, no usable
  // cipher suite) rather than in a certificate or key OpenSSL refused.
  const esp_err_t refusal = tls_refusal(handle, e, true);
  log_connection_error(e, client.state() != ConnectionState::connected, refusal);
}

// Typed handlers of the client, beside the catch-all that feeds the ESP event handlers: they
// run first, so the refreshed configuration is the one a BEFORE_CONNECT handler sees. They
// hold the Client by pointer: handle.client is already null while the Client is destroyed.
void watch_connection(esp_mqtt_client& handle) {
  Client* client = handle.client.get();
  client->on_before_connect(
      [&handle, client](const BeforeConnect&) { refresh_trust(handle, *client); });
  client->on_error([&handle, client](const Error& e) { on_connection_error(handle, *client, e); });
}

struct DisconnectRequest {
  ReasonCode reason = ReasonCode::normal_disconnection;
  Properties properties;
};

DisconnectRequest pending_disconnect(esp_mqtt_client& handle) {
  portmqtt::detail::MutexLock lock(handle.mutex);
  if (!handle.pending.disconnect) return {};
  return {static_cast<ReasonCode>(handle.pending.disconnect->reason),
          to_properties(*handle.pending.disconnect)};
}

void clear_pending_disconnect(esp_mqtt_client& handle) {
  portmqtt::detail::MutexLock lock(handle.mutex);
  handle.pending.disconnect.reset();
}

// Filters and options of a SUBSCRIBE with the one-shot MQTT 5 subscribe property applied.
struct SubscribeRequest {
  std::vector<std::string> filters;
  std::vector<Subscription> subscriptions;
  Properties properties;
};

SubscribeRequest subscribe_request(esp_mqtt_client& handle,
                                   std::span<const esp_mqtt_topic_t> topics) {
  const esp_mqtt5_subscribe_property_config_t* one_shot = nullptr;
  {
    portmqtt::detail::MutexLock lock(handle.mutex);
    if (handle.settings.protocol == MQTT_PROTOCOL_V_5) one_shot = handle.pending.subscribe;
    handle.pending.subscribe = nullptr;
  }
  SubscribeRequest request;
  SubscribeOptions options;
  if (one_shot != nullptr) {
    request.properties = to_properties(*one_shot);
    options.no_local = one_shot->no_local_flag;
    options.retain_as_published = one_shot->retain_as_published_flag;
    options.retain_handling = static_cast<RetainHandling>(one_shot->retain_handle);
  }
  for (const esp_mqtt_topic_t& topic : topics) {
    request.filters.push_back(
        one_shot != nullptr
            ? shared_filter(one_shot->is_share_subscribe, one_shot->share_name, topic.filter)
            : std::string(topic.filter));
  }
  for (std::size_t i = 0; i < topics.size(); ++i) {
    options.qos = static_cast<QoS>(topics[i].qos);
    request.subscriptions.push_back({request.filters[i], options});
  }
  return request;
}

int subscribe(esp_mqtt_client_handle_t handle, std::span<const esp_mqtt_topic_t> topics) {
  if (handle == nullptr || topics.empty()) return kMsgIdError;
  for (const esp_mqtt_topic_t& topic : topics)
    if (topic.filter == nullptr || !is_qos(topic.qos)) return kMsgIdError;
  SubscribeRequest request = subscribe_request(*handle, topics);
  return to_msg_id(handle->client->subscribe(request.subscriptions, request.properties));
}

esp_mqtt_client_connection_state_t to_esp_state(ConnectionState state) {
  switch (state) {
    // ESP-MQTT's INIT state covers both "never started" and "connecting".
    case ConnectionState::not_started:
    case ConnectionState::connecting:
      return MQTT_CLIENT_STATE_NOT_STARTED;
    case ConnectionState::connected:
      return MQTT_CLIENT_STATE_CONNECTED;
    case ConnectionState::waiting_reconnect:
      return MQTT_CLIENT_STATE_WAITING_RECONNECT;
    case ConnectionState::stopped:
      break;
  }
  return MQTT_CLIENT_STATE_DISCONNECTED;
}

// Which part of a refused broker URI is wrong, for the log.
std::string uri_problem(const std::string& uri) {
  if (auto problem = portmqtt::check_uri(uri)) return problem->message;
  return uri.empty() ? "no broker URI or host" : "invalid broker URI";
}

}  // namespace

Config current_config(const esp_mqtt_client& handle) {
  Config config = to_config(handle.settings, handle.ext);
  // The facade logs what ESP-MQTT logs, with ESP_LOGx under its tag (log_connection_error);
  // the client's own records would say the same twice.
  config.log.level = LogLevel::none;
  return config;
}

esp_err_t tls_refusal(esp_mqtt_client& handle, const Error& error, bool log) {
  if (error.error != errc::tls_configuration_invalid) return ESP_OK;
  portmqtt::detail::MutexLock lock(handle.mutex);
  const TlsSettings& tls = handle.settings.tls.get();
  esp_err_t refusal = ESP_OK;
  (void)to_tls_config(tls, handle.settings.alpn, handle.settings.key_password, log, &refusal);
  return refusal;
}

int send_message(esp_mqtt_client_handle_t handle, const char* topic, const char* data, int len,
                 int qos, int retain, SendMode mode, const Properties& properties) {
  if (handle == nullptr || topic == nullptr || !is_qos(qos)) return kMsgIdError;
  // ESP-MQTT's enqueue keeps a QoS 0 message only when asked to store it.
  if (mode == SendMode::enqueue && qos == 0) return kMsgIdError;
  if (mode == SendMode::publish) {
    if (handle->skip_publish_if_disconnected.load(std::memory_order_relaxed) &&
        handle->client->state() != ConnectionState::connected)
      return kMsgIdError;
  }
  PublishOptions options{static_cast<QoS>(qos), retain != 0, mode == SendMode::enqueue_and_store};
  std::string_view payload = payload_of(data, len);
  // The facade binds packet ids on accept (config_map), so the id is the msg_id ESP returns.
  Result<PublishAccepted> result =
      mode == SendMode::publish ? handle->client->publish(topic, payload, options, properties)
                                : handle->client->enqueue(topic, payload, options, properties);
  if (!result) {
    ESP_LOGD(kTag, "publish to %s failed: %s", topic, result.error().message().c_str());
    return to_msg_id(Result<PacketId>{result.error()});
  }
  const int msg_id = result->packet_id;
  if (handle->custom_outbox && qos > 0 && msg_id > 0) {
    handle->custom_outbox->enqueue(topic, payload, qos, retain != 0, msg_id,
                                   handle->client->protocol_version() == ProtocolVersion::v5);
  }
  return msg_id;
}

}  // namespace portmqtt::esp

using namespace portmqtt::esp;  // NOLINT(google-build-using-namespace): C entry points only

extern "C" {

esp_mqtt_client_handle_t esp_mqtt_client_init_with_ext_config(
    const esp_mqtt_client_config_t* config, const esp_mqtt_client_ext_config_t* ext) {
  if (config == nullptr) return nullptr;
  try {
    auto handle = std::make_unique<esp_mqtt_client>();
    {
      // No other thread knows the handle yet, so the lock costs nothing; it lets the compiler
      // check these steps like those of esp_mqtt_set_config().
      portmqtt::detail::MutexLock lock(handle->mutex);
      if (store_ext(*handle, ext != nullptr ? *ext : esp_mqtt_client_ext_config_t{}) != ESP_OK)
        return nullptr;
      if (apply_config(*config, handle->settings) != ESP_OK) return nullptr;
      if (CustomOutbox::defined()) {
        handle->custom_outbox = CustomOutbox::create();
        if (!handle->custom_outbox) return nullptr;  // as ESP-MQTT when outbox_init() fails
      }
      portmqtt::Config client_config = current_config(*handle);
      handle->client = std::make_unique<portmqtt::Client>(client_config);
      if (std::error_code ec = push_config(*handle, client_config)) {
        if (ec == portmqtt::errc::invalid_uri)
          ESP_LOGE(kTag, "invalid broker URI: %s", uri_problem(client_config.broker.uri).c_str());
        return nullptr;
      }
    }
    handle->events.attach(handle.get(), *handle->client);
    watch_connection(*handle);
    return handle.release();
  } catch (const std::exception& e) {
    ESP_LOGE(kTag, "init failed: %s", e.what());
    return nullptr;
  }
}

esp_mqtt_client_handle_t esp_mqtt_client_init(const esp_mqtt_client_config_t* config) {
  return esp_mqtt_client_init_with_ext_config(config, nullptr);
}

esp_err_t esp_mqtt_client_set_ext_config(esp_mqtt_client_handle_t client,
                                         const esp_mqtt_client_ext_config_t* ext) {
  if (client == nullptr || ext == nullptr) return ESP_ERR_INVALID_ARG;
  if (is_running(client->client->state())) return ESP_ERR_INVALID_STATE;
  portmqtt::detail::MutexLock lock(client->mutex);
  if (esp_err_t err = store_ext(*client, *ext); err != ESP_OK) return err;
  return push_config(*client, current_config(*client)) ? ESP_FAIL : ESP_OK;
}

esp_err_t esp_mqtt_client_get_ext_config(esp_mqtt_client_handle_t client,
                                         esp_mqtt_client_ext_config_t* ext) {
  if (client == nullptr || ext == nullptr) return ESP_ERR_INVALID_ARG;
  portmqtt::detail::MutexLock lock(client->mutex);
  *ext = client->ext;
  return ESP_OK;
}

esp_err_t esp_mqtt_set_config(esp_mqtt_client_handle_t client,
                              const esp_mqtt_client_config_t* config) {
  if (client == nullptr || config == nullptr) return ESP_ERR_INVALID_ARG;
  portmqtt::detail::MutexLock lock(client->mutex);
  Settings next = client->settings;
  // A conflict is reported, but the configuration is applied all the same (ESP-MQTT).
  esp_err_t result = apply_config(*config, next);
  Settings previous = std::exchange(client->settings, std::move(next));
  if (push_config(*client, current_config(*client))) {
    ESP_LOGE(kTag, "invalid broker URI: %s",
             uri_problem(current_config(*client).broker.uri).c_str());
    client->settings = std::move(previous);  // ESP-MQTT would leave the client unusable
    return ESP_FAIL;
  }
  return result;
}

esp_err_t esp_mqtt_client_set_uri(esp_mqtt_client_handle_t client, const char* uri) {
  if (client == nullptr || uri == nullptr) return ESP_ERR_INVALID_ARG;
  portmqtt::detail::MutexLock lock(client->mutex);
  std::error_code ec = client->client->set_uri(uri);
  client->events.set_protocol(client->client->protocol_version());
  if (ec) {
    ESP_LOGE(kTag, "cannot use URI %s: %s", uri, uri_problem(uri).c_str());
    return ESP_FAIL;
  }
  client->settings.uri = uri;
  return ESP_OK;
}

esp_err_t esp_mqtt_client_start(esp_mqtt_client_handle_t client) {
  if (client == nullptr) return ESP_ERR_INVALID_ARG;
  if (std::error_code ec = client->client->start()) {
    ESP_LOGE(kTag, "start failed: %s", ec.message().c_str());
    return ESP_FAIL;
  }
  return ESP_OK;
}

esp_err_t esp_mqtt_client_stop(esp_mqtt_client_handle_t client) {
  if (client == nullptr) return ESP_ERR_INVALID_ARG;
  if (in_event_handler()) {
    ESP_LOGE(kTag, "esp_mqtt_client_stop() is not allowed in an event handler");
    return ESP_FAIL;
  }
  DisconnectRequest request = pending_disconnect(*client);
  // ESP-MQTT's stop drops the outbox at once.
  if (std::error_code ec =
          client->client->stop(portmqtt::discard, request.reason, request.properties)) {
    ESP_LOGE(kTag, "stop failed: %s", ec.message().c_str());
    return ESP_FAIL;
  }
  clear_pending_disconnect(*client);
  return ESP_OK;
}

esp_err_t esp_mqtt_client_destroy(esp_mqtt_client_handle_t client) {
  if (client == nullptr) return ESP_ERR_INVALID_ARG;
  if (in_event_handler()) {
    ESP_LOGE(kTag, "esp_mqtt_client_destroy() is not allowed in an event handler");
    return ESP_FAIL;
  }
  if (is_running(client->client->state())) {
    DisconnectRequest request = pending_disconnect(*client);
    (void)client->client->stop(portmqtt::discard, request.reason, request.properties);
  }
  client->client.reset();  // waits until the client's thread no longer runs handlers
  delete client;
  return ESP_OK;
}

esp_err_t esp_mqtt_client_reconnect(esp_mqtt_client_handle_t client) {
  if (client == nullptr) return ESP_ERR_INVALID_ARG;
  return client->client->reconnect() ? ESP_FAIL : ESP_OK;
}

esp_err_t esp_mqtt_client_disconnect(esp_mqtt_client_handle_t client) {
  if (client == nullptr) return ESP_ERR_INVALID_ARG;
  DisconnectRequest request = pending_disconnect(*client);
  // Not connected: nothing to do, and ESP-MQTT still reports success.
  if (!client->client->disconnect(request.reason, request.properties))
    clear_pending_disconnect(*client);
  return ESP_OK;
}

esp_err_t esp_mqtt_client_disconnect_abruptly(esp_mqtt_client_handle_t client) {
  if (client == nullptr) return ESP_ERR_INVALID_ARG;
  return client->client->disconnect_abruptly() ? ESP_FAIL : ESP_OK;
}

int esp_mqtt_client_subscribe_single(esp_mqtt_client_handle_t client, const char* topic, int qos) {
  esp_mqtt_topic_t one{topic, qos};
  return subscribe(client, std::span(&one, 1));
}

int esp_mqtt_client_subscribe_multiple(esp_mqtt_client_handle_t client,
                                       const esp_mqtt_topic_t* topic_list, int size) {
  if (topic_list == nullptr || size <= 0) return kMsgIdError;
  return subscribe(client, std::span(topic_list, static_cast<std::size_t>(size)));
}

int esp_mqtt_client_unsubscribe(esp_mqtt_client_handle_t client, const char* topic) {
  if (client == nullptr || topic == nullptr) return kMsgIdError;
  const esp_mqtt5_unsubscribe_property_config_t* one_shot = nullptr;
  {
    portmqtt::detail::MutexLock lock(client->mutex);
    if (client->settings.protocol == MQTT_PROTOCOL_V_5) one_shot = client->pending.unsubscribe;
    client->pending.unsubscribe = nullptr;
  }
  if (one_shot == nullptr) return to_msg_id(client->client->unsubscribe(topic));
  std::string filter = shared_filter(one_shot->is_share_subscribe, one_shot->share_name, topic);
  return to_msg_id(client->client->unsubscribe(filter, to_properties(*one_shot)));
}

int esp_mqtt_client_publish(esp_mqtt_client_handle_t client, const char* topic, const char* data,
                            int len, int qos, int retain) {
  if (client == nullptr) return kMsgIdError;
  return send_message(client, topic, data, len, qos, retain, SendMode::publish,
                      take_pending_publish_properties(*client));
}

int esp_mqtt_client_enqueue(esp_mqtt_client_handle_t client, const char* topic, const char* data,
                            int len, int qos, int retain, bool store) {
  if (client == nullptr) return kMsgIdError;
  return send_message(client, topic, data, len, qos, retain,
                      store ? SendMode::enqueue_and_store : SendMode::enqueue,
                      take_pending_publish_properties(*client));
}

esp_err_t esp_mqtt_client_register_event(esp_mqtt_client_handle_t client, esp_mqtt_event_id_t event,
                                         esp_event_handler_t event_handler,
                                         void* event_handler_arg) {
  if (client == nullptr) return ESP_ERR_INVALID_ARG;
  return client->events.handlers.add(event, event_handler, event_handler_arg);
}

esp_err_t esp_mqtt_client_unregister_event(esp_mqtt_client_handle_t client,
                                           esp_mqtt_event_id_t event,
                                           esp_event_handler_t event_handler) {
  if (client == nullptr) return ESP_ERR_INVALID_ARG;
  return client->events.handlers.remove(event, event_handler);
}

int esp_mqtt_client_get_outbox_size(esp_mqtt_client_handle_t client) {
  if (client == nullptr) return 0;
  return static_cast<int>(std::min<std::size_t>(client->client->outbox_size(), INT_MAX));
}

esp_err_t esp_mqtt_dispatch_custom_event(esp_mqtt_client_handle_t client, esp_mqtt_event_t* event) {
  if (client == nullptr || event == nullptr) return ESP_ERR_INVALID_ARG;
  return client->events.post_user_event(*client->client, *event);
}

esp_transport_handle_t esp_mqtt_client_get_transport(esp_mqtt_client_handle_t client,
                                                     char* transport_scheme) {
  (void)client;
  (void)transport_scheme;
  ESP_LOGD(kTag, "esp_mqtt_client_get_transport(): no esp_transport on Linux");
  return nullptr;
}

esp_mqtt_client_connection_state_t esp_mqtt_client_get_state(esp_mqtt_client_handle_t client) {
  if (client == nullptr) return MQTT_CLIENT_STATE_NOT_INITIALIZED;
  return to_esp_state(client->client->state());
}

}  // extern "C"
