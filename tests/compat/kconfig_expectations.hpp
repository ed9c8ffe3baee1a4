// The options kconfig_app.c sets, as esp_mqtt_client_ext_config_t fields: what must reach
// esp_mqtt_client_init_with_ext_config (compat_test.cpp, fakes) and what the real library
// must then report back (real_library_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include "mqtt_client.h"

// kconfig_app.c defines: MSG_ID_INCREMENTAL, REPORT_DELETED_MESSAGES, OUTBOX_EXPIRED_TIMEOUT_MS
// 5000, EVENT_QUEUE_SIZE 4, BUFFER_SIZE 4096, TCP_DEFAULT_PORT 11883; nothing else.
inline void expect_kconfig_app_options(const esp_mqtt_client_ext_config_t& ext) {
  EXPECT_TRUE(ext.msg_id_incremental);
  EXPECT_FALSE(ext.skip_publish_if_disconnected);
  EXPECT_TRUE(ext.report_deleted_messages);
  EXPECT_FALSE(ext.topic_on_all_data_events);
  EXPECT_EQ(ext.outbox_expired_timeout_ms, 5000);
  EXPECT_EQ(ext.outbox_message_limit, 0u);
  EXPECT_EQ(ext.outbox_store_path, nullptr);
  EXPECT_EQ(ext.event_queue_size, 4);
  EXPECT_EQ(ext.poll_read_timeout_ms, 0);
  EXPECT_EQ(ext.default_buffer_size, 4096);
  EXPECT_EQ(ext.tcp_default_port, 11883);
  EXPECT_EQ(ext.ssl_default_port, 0);
  EXPECT_EQ(ext.ws_default_port, 0);
  EXPECT_EQ(ext.wss_default_port, 0);
  EXPECT_EQ(ext.reconnect_backoff.max_ms, 0);
  EXPECT_EQ(ext.reconnect_backoff.jitter_percent, 0);
}
