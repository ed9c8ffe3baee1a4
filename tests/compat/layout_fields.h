/*
 * The struct fields whose offset and size C and C++ must agree on: portmqtt's C++
 * implementation reads structs that C applications filled in. Each language builds its own
 * table from this list (see esp_abi_checks.c and compat_test.cpp) and the test compares them.
 */
#ifndef PORTMQTT_TESTS_COMPAT_LAYOUT_FIELDS_H
#define PORTMQTT_TESTS_COMPAT_LAYOUT_FIELDS_H

#include <stddef.h>

#include "mqtt_client.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One field as a compiler laid it out. */
typedef struct compat_field_layout {
  const char* name; /* "type.path" */
  size_t offset;    /* offsetof(type, path) */
  size_t size;      /* sizeof of the field */
} compat_field_layout;

/** The table computed by the C compiler (esp_abi_checks.c). */
extern const compat_field_layout compat_c_layout[];
/** Number of entries in compat_c_layout. */
extern const size_t compat_c_layout_count;

#ifdef __cplusplus
}
#endif

/*
 * X(type, field path) for every field of every public struct, in ESP-MQTT's declaration order.
 * Includes the deprecated esp_mqtt_error_codes_t::disconnect_return_code: users of this list
 * silence -Wdeprecated-declarations.
 */
#define COMPAT_LAYOUT_FIELDS(X)                                                \
  X(esp_mqtt_client_config_t, broker.address.uri)                              \
  X(esp_mqtt_client_config_t, broker.address.hostname)                         \
  X(esp_mqtt_client_config_t, broker.address.transport)                        \
  X(esp_mqtt_client_config_t, broker.address.path)                             \
  X(esp_mqtt_client_config_t, broker.address.port)                             \
  X(esp_mqtt_client_config_t, broker.verification.use_global_ca_store)         \
  X(esp_mqtt_client_config_t, broker.verification.crt_bundle_attach)           \
  X(esp_mqtt_client_config_t, broker.verification.certificate)                 \
  X(esp_mqtt_client_config_t, broker.verification.certificate_len)             \
  X(esp_mqtt_client_config_t, broker.verification.psk_hint_key)                \
  X(esp_mqtt_client_config_t, broker.verification.skip_cert_common_name_check) \
  X(esp_mqtt_client_config_t, broker.verification.alpn_protos)                 \
  X(esp_mqtt_client_config_t, broker.verification.common_name)                 \
  X(esp_mqtt_client_config_t, broker.verification.ciphersuites_list)           \
  X(esp_mqtt_client_config_t, credentials.username)                            \
  X(esp_mqtt_client_config_t, credentials.client_id)                           \
  X(esp_mqtt_client_config_t, credentials.set_null_client_id)                  \
  X(esp_mqtt_client_config_t, credentials.authentication.password)             \
  X(esp_mqtt_client_config_t, credentials.authentication.certificate)          \
  X(esp_mqtt_client_config_t, credentials.authentication.certificate_len)      \
  X(esp_mqtt_client_config_t, credentials.authentication.key)                  \
  X(esp_mqtt_client_config_t, credentials.authentication.key_len)              \
  X(esp_mqtt_client_config_t, credentials.authentication.key_password)         \
  X(esp_mqtt_client_config_t, credentials.authentication.key_password_len)     \
  X(esp_mqtt_client_config_t, credentials.authentication.use_secure_element)   \
  X(esp_mqtt_client_config_t, credentials.authentication.ds_data)              \
  X(esp_mqtt_client_config_t, credentials.authentication.use_ecdsa_peripheral) \
  X(esp_mqtt_client_config_t, credentials.authentication.ecdsa_key_efuse_blk)  \
  X(esp_mqtt_client_config_t, session.last_will.topic)                         \
  X(esp_mqtt_client_config_t, session.last_will.msg)                           \
  X(esp_mqtt_client_config_t, session.last_will.msg_len)                       \
  X(esp_mqtt_client_config_t, session.last_will.qos)                           \
  X(esp_mqtt_client_config_t, session.last_will.retain)                        \
  X(esp_mqtt_client_config_t, session.disable_clean_session)                   \
  X(esp_mqtt_client_config_t, session.keepalive)                               \
  X(esp_mqtt_client_config_t, session.disable_keepalive)                       \
  X(esp_mqtt_client_config_t, session.protocol_ver)                            \
  X(esp_mqtt_client_config_t, session.message_retransmit_timeout)              \
  X(esp_mqtt_client_config_t, network.reconnect_timeout_ms)                    \
  X(esp_mqtt_client_config_t, network.timeout_ms)                              \
  X(esp_mqtt_client_config_t, network.refresh_connection_after_ms)             \
  X(esp_mqtt_client_config_t, network.disable_auto_reconnect)                  \
  X(esp_mqtt_client_config_t, network.tcp_keep_alive_cfg)                      \
  X(esp_mqtt_client_config_t, network.transport)                               \
  X(esp_mqtt_client_config_t, network.if_name)                                 \
  X(esp_mqtt_client_config_t, task.priority)                                   \
  X(esp_mqtt_client_config_t, task.stack_size)                                 \
  X(esp_mqtt_client_config_t, buffer.size)                                     \
  X(esp_mqtt_client_config_t, buffer.out_size)                                 \
  X(esp_mqtt_client_config_t, outbox.limit)                                    \
  X(esp_mqtt_event_t, event_id)                                                \
  X(esp_mqtt_event_t, client)                                                  \
  X(esp_mqtt_event_t, data)                                                    \
  X(esp_mqtt_event_t, data_len)                                                \
  X(esp_mqtt_event_t, total_data_len)                                          \
  X(esp_mqtt_event_t, current_data_offset)                                     \
  X(esp_mqtt_event_t, topic)                                                   \
  X(esp_mqtt_event_t, topic_len)                                               \
  X(esp_mqtt_event_t, msg_id)                                                  \
  X(esp_mqtt_event_t, session_present)                                         \
  X(esp_mqtt_event_t, error_handle)                                            \
  X(esp_mqtt_event_t, retain)                                                  \
  X(esp_mqtt_event_t, qos)                                                     \
  X(esp_mqtt_event_t, dup)                                                     \
  X(esp_mqtt_event_t, protocol_ver)                                            \
  X(esp_mqtt_event_t, reason_code)                                             \
  X(esp_mqtt_event_t, property)                                                \
  X(esp_mqtt_error_codes_t, esp_tls_last_esp_err)                              \
  X(esp_mqtt_error_codes_t, esp_tls_stack_err)                                 \
  X(esp_mqtt_error_codes_t, esp_tls_cert_verify_flags)                         \
  X(esp_mqtt_error_codes_t, error_type)                                        \
  X(esp_mqtt_error_codes_t, connect_return_code)                               \
  X(esp_mqtt_error_codes_t, disconnect_return_code)                            \
  X(esp_mqtt_error_codes_t, esp_transport_sock_errno)                          \
  X(esp_mqtt_topic_t, filter)                                                  \
  X(esp_mqtt_topic_t, qos)                                                     \
  X(esp_mqtt5_connection_property_config_t, session_expiry_interval)           \
  X(esp_mqtt5_connection_property_config_t, maximum_packet_size)               \
  X(esp_mqtt5_connection_property_config_t, receive_maximum)                   \
  X(esp_mqtt5_connection_property_config_t, topic_alias_maximum)               \
  X(esp_mqtt5_connection_property_config_t, request_resp_info)                 \
  X(esp_mqtt5_connection_property_config_t, request_problem_info)              \
  X(esp_mqtt5_connection_property_config_t, user_property)                     \
  X(esp_mqtt5_connection_property_config_t, will_delay_interval)               \
  X(esp_mqtt5_connection_property_config_t, message_expiry_interval)           \
  X(esp_mqtt5_connection_property_config_t, payload_format_indicator)          \
  X(esp_mqtt5_connection_property_config_t, content_type)                      \
  X(esp_mqtt5_connection_property_config_t, response_topic)                    \
  X(esp_mqtt5_connection_property_config_t, correlation_data)                  \
  X(esp_mqtt5_connection_property_config_t, correlation_data_len)              \
  X(esp_mqtt5_connection_property_config_t, will_user_property)                \
  X(esp_mqtt5_publish_property_config_t, payload_format_indicator)             \
  X(esp_mqtt5_publish_property_config_t, message_expiry_interval)              \
  X(esp_mqtt5_publish_property_config_t, topic_alias)                          \
  X(esp_mqtt5_publish_property_config_t, response_topic)                       \
  X(esp_mqtt5_publish_property_config_t, correlation_data)                     \
  X(esp_mqtt5_publish_property_config_t, correlation_data_len)                 \
  X(esp_mqtt5_publish_property_config_t, content_type)                         \
  X(esp_mqtt5_publish_property_config_t, user_property)                        \
  X(esp_mqtt5_subscribe_property_config_t, subscribe_id)                       \
  X(esp_mqtt5_subscribe_property_config_t, no_local_flag)                      \
  X(esp_mqtt5_subscribe_property_config_t, retain_as_published_flag)           \
  X(esp_mqtt5_subscribe_property_config_t, retain_handle)                      \
  X(esp_mqtt5_subscribe_property_config_t, is_share_subscribe)                 \
  X(esp_mqtt5_subscribe_property_config_t, share_name)                         \
  X(esp_mqtt5_subscribe_property_config_t, user_property)                      \
  X(esp_mqtt5_unsubscribe_property_config_t, is_share_subscribe)               \
  X(esp_mqtt5_unsubscribe_property_config_t, share_name)                       \
  X(esp_mqtt5_unsubscribe_property_config_t, user_property)                    \
  X(esp_mqtt5_disconnect_property_config_t, session_expiry_interval)           \
  X(esp_mqtt5_disconnect_property_config_t, disconnect_reason)                 \
  X(esp_mqtt5_disconnect_property_config_t, user_property)                     \
  X(esp_mqtt5_server_resp_property_t, maximum_packet_size)                     \
  X(esp_mqtt5_server_resp_property_t, receive_maximum)                         \
  X(esp_mqtt5_server_resp_property_t, topic_alias_maximum)                     \
  X(esp_mqtt5_server_resp_property_t, max_qos)                                 \
  X(esp_mqtt5_server_resp_property_t, retain_available)                        \
  X(esp_mqtt5_server_resp_property_t, wildcard_subscribe_available)            \
  X(esp_mqtt5_server_resp_property_t, subscribe_identifiers_available)         \
  X(esp_mqtt5_server_resp_property_t, shared_subscribe_available)              \
  X(esp_mqtt5_server_resp_property_t, response_info)                           \
  X(esp_mqtt5_server_resp_property_t, response_info_len)                       \
  X(esp_mqtt5_event_property_t, payload_format_indicator)                      \
  X(esp_mqtt5_event_property_t, response_topic)                                \
  X(esp_mqtt5_event_property_t, response_topic_len)                            \
  X(esp_mqtt5_event_property_t, correlation_data)                              \
  X(esp_mqtt5_event_property_t, correlation_data_len)                          \
  X(esp_mqtt5_event_property_t, content_type)                                  \
  X(esp_mqtt5_event_property_t, content_type_len)                              \
  X(esp_mqtt5_event_property_t, subscribe_id)                                  \
  X(esp_mqtt5_event_property_t, user_property)                                 \
  X(esp_mqtt5_event_property_t, server)                                        \
  X(esp_mqtt5_user_property_item_t, key)                                       \
  X(esp_mqtt5_user_property_item_t, value)                                     \
  X(esp_mqtt_client_ext_config_t, msg_id_incremental)                          \
  X(esp_mqtt_client_ext_config_t, skip_publish_if_disconnected)                \
  X(esp_mqtt_client_ext_config_t, report_deleted_messages)                     \
  X(esp_mqtt_client_ext_config_t, topic_on_all_data_events)                    \
  X(esp_mqtt_client_ext_config_t, outbox_expired_timeout_ms)                   \
  X(esp_mqtt_client_ext_config_t, outbox_message_limit)                        \
  X(esp_mqtt_client_ext_config_t, outbox_store_path)                           \
  X(esp_mqtt_client_ext_config_t, event_queue_size)                            \
  X(esp_mqtt_client_ext_config_t, poll_read_timeout_ms)                        \
  X(esp_mqtt_client_ext_config_t, default_buffer_size)                         \
  X(esp_mqtt_client_ext_config_t, tcp_default_port)                            \
  X(esp_mqtt_client_ext_config_t, ssl_default_port)                            \
  X(esp_mqtt_client_ext_config_t, ws_default_port)                             \
  X(esp_mqtt_client_ext_config_t, wss_default_port)                            \
  X(esp_mqtt_client_ext_config_t, reconnect_backoff.max_ms)                    \
  X(esp_mqtt_client_ext_config_t, reconnect_backoff.jitter_percent)            \
  X(esp_mqtt_client_ext_config_t, max_inflight)                                \
  X(esp_mqtt_client_ext_config_t, auto_topic_aliases)                          \
  X(esp_mqtt_client_ext_config_t, broker_uris)                                 \
  X(esp_mqtt_client_ext_config_t, shuffle_broker_uris)                         \
  X(esp_mqtt_client_ext_config_t, follow_server_redirects)                     \
  X(esp_mqtt_client_ext_config_t, resubscribe_on_session_lost)                 \
  X(esp_mqtt_client_ext_config_t, proxy_uri)                                   \
  X(esp_mqtt_client_ext_config_t, outbox_store_group_commit_ms)                \
  X(esp_mqtt_client_ext_config_t, outbox_store_start_fresh)                    \
  X(esp_mqtt_client_ext_config_t, tcp_user_timeout_ms)

#endif /* PORTMQTT_TESTS_COMPAT_LAYOUT_FIELDS_H */
