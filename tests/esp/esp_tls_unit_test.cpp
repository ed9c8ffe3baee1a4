// ESP TLS options without a broker: the cipher suite id table, the global CA store's checks,
// esp_crt_bundle_attach's arguments, the refusal of ESP hardware-key options, and the TLS and
// MQTT 5 parts of the accumulated settings, held only when set.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>

#include "esp/config_map.hpp"
#include "esp/tls_map.hpp"
#include "esp_crt_bundle.h"
#include "esp_tls.h"
#include "mqtt_client.h"

namespace portmqtt::esp {
namespace {

TEST(EspCipherMapTest, KnownIdsHaveOpenSslNames) {
  // IANA TLS Cipher Suites registry values and OpenSSL's names for them.
  EXPECT_STREQ(openssl_cipher_name(0x1301), "TLS_AES_128_GCM_SHA256");
  EXPECT_STREQ(openssl_cipher_name(0x1302), "TLS_AES_256_GCM_SHA384");
  EXPECT_STREQ(openssl_cipher_name(0x1303), "TLS_CHACHA20_POLY1305_SHA256");
  EXPECT_STREQ(openssl_cipher_name(0xC02B), "ECDHE-ECDSA-AES128-GCM-SHA256");
  EXPECT_STREQ(openssl_cipher_name(0xC030), "ECDHE-RSA-AES256-GCM-SHA384");
  EXPECT_STREQ(openssl_cipher_name(0xCCA8), "ECDHE-RSA-CHACHA20-POLY1305");
  EXPECT_STREQ(openssl_cipher_name(0x009C), "AES128-GCM-SHA256");
  EXPECT_STREQ(openssl_cipher_name(0x002F), "AES128-SHA");
  EXPECT_STREQ(openssl_cipher_name(0x00A8), "PSK-AES128-GCM-SHA256");
  EXPECT_STREQ(openssl_cipher_name(0xC0AC), "ECDHE-ECDSA-AES128-CCM");
}

TEST(EspCipherMapTest, UnknownAndInsecureIdsHaveNoName) {
  EXPECT_EQ(openssl_cipher_name(0), nullptr);
  EXPECT_EQ(openssl_cipher_name(0x00FF), nullptr);  // TLS_EMPTY_RENEGOTIATION_INFO_SCSV
  EXPECT_EQ(openssl_cipher_name(0x0001), nullptr);  // TLS_RSA_WITH_NULL_MD5: left out
  EXPECT_EQ(openssl_cipher_name(0x9999), nullptr);
  EXPECT_EQ(openssl_cipher_name(-1), nullptr);
}

TEST(EspCipherMapTest, IdsAreSplitByProtocolVersionInOrder) {
  const std::array ids{0xC02F, 0x1302, 0x4242, 0xCCA9, 0x1301};
  CipherSelection s = map_ciphersuites(ids);
  EXPECT_EQ(s.tls12, "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305");
  EXPECT_EQ(s.tls13, "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256");
  ASSERT_EQ(s.unknown.size(), 1U);
  EXPECT_EQ(s.unknown[0], 0x4242);
}

TEST(EspCipherMapTest, ListRestrictsTheVersionRange) {
  esp_mqtt_client_config_t in{};
  static const int tls12_only[] = {0xC02B, 0};
  in.broker.verification.ciphersuites_list = tls12_only;
  in.broker.verification.certificate = "-----BEGIN CERTIFICATE-----\n";
  TlsConfig only12 = to_tls_config(read_tls_settings(in), {}, std::nullopt, false);
  EXPECT_EQ(only12.ciphers_tls12, "ECDHE-ECDSA-AES128-GCM-SHA256");
  EXPECT_EQ(only12.max_version, TlsVersion::tls1_2);

  static const int tls13_only[] = {0x1303, 0};
  in.broker.verification.ciphersuites_list = tls13_only;
  TlsConfig only13 = to_tls_config(read_tls_settings(in), {}, std::nullopt, false);
  EXPECT_EQ(only13.ciphersuites_tls13, "TLS_CHACHA20_POLY1305_SHA256");
  EXPECT_EQ(only13.min_version, TlsVersion::tls1_3);
}

TEST(EspTrustSourceTest, PrecedenceIsGlobalStoreBundleCertificatePsk) {
  static const std::uint8_t key[] = {1, 2, 3};
  const psk_hint_key_t psk{key, sizeof key, "id"};
  esp_mqtt_client_config_t in{};
  in.broker.verification.certificate = "CA";
  in.broker.verification.certificate_len = 2;
  in.broker.verification.psk_hint_key = &psk;
  TlsConfig cert = to_tls_config(read_tls_settings(in), {}, std::nullopt, false);
  EXPECT_EQ(cert.ca_certificate, "CA");
  EXPECT_FALSE(cert.psk.has_value());  // ESP-TLS uses the PSK only without a certificate

  in.broker.verification.crt_bundle_attach = esp_crt_bundle_attach;
  TlsConfig bundle = to_tls_config(read_tls_settings(in), {}, std::nullopt, false);
  EXPECT_TRUE(bundle.use_system_trust_store);
  EXPECT_TRUE(bundle.ca_certificate.empty());

  const char pem[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  ASSERT_EQ(esp_tls_set_global_ca_store(reinterpret_cast<const unsigned char*>(pem), sizeof pem),
            ESP_OK);
  in.broker.verification.use_global_ca_store = true;
  TlsConfig global = to_tls_config(read_tls_settings(in), {}, std::nullopt, false);
  esp_tls_free_global_ca_store();
  EXPECT_EQ(global.ca_certificate, std::string(pem));  // without the NUL
  EXPECT_FALSE(global.use_system_trust_store);

  esp_mqtt_client_config_t psk_only{};
  psk_only.broker.verification.psk_hint_key = &psk;
  TlsConfig p = to_tls_config(read_tls_settings(psk_only), {}, std::nullopt, false);
  ASSERT_TRUE(p.psk.has_value());
  EXPECT_EQ(p.psk->identity, "id");
  EXPECT_EQ(p.psk->key, std::string("\x01\x02\x03", 3));
  EXPECT_TRUE(p.ca_certificate.empty());
  EXPECT_FALSE(p.skip_verification);
}

TEST(EspGlobalStoreTest, DerIsStoredAsPem) {
  // A minimal DER SEQUENCE: 0x30 (SEQUENCE), length 3, then 3 content bytes.
  const unsigned char der[] = {0x30, 0x03, 0x01, 0x02, 0x03};
  ASSERT_EQ(esp_tls_set_global_ca_store(der, sizeof der), ESP_OK);
  std::optional<std::string> store = global_ca_store();
  esp_tls_free_global_ca_store();
  ASSERT_TRUE(store.has_value());
  // base64 of 30 03 01 02 03 is "MAMBAgM=".
  EXPECT_EQ(*store, "-----BEGIN CERTIFICATE-----\nMAMBAgM=\n-----END CERTIFICATE-----\n");
}

TEST(EspGlobalStoreTest, BadInputIsRefusedAndFreesTheStore) {
  const unsigned char garbage[] = "not a certificate";
  EXPECT_EQ(esp_tls_set_global_ca_store(nullptr, 10), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(esp_tls_set_global_ca_store(garbage, 0), ESP_ERR_INVALID_ARG);
  ASSERT_EQ(esp_tls_init_global_ca_store(), ESP_OK);
  EXPECT_TRUE(global_ca_store().has_value());
  EXPECT_EQ(esp_tls_set_global_ca_store(garbage, sizeof garbage), ESP_FAIL);
  EXPECT_FALSE(global_ca_store().has_value());
  // A DER SEQUENCE whose length disagrees with the byte count.
  const unsigned char short_der[] = {0x30, 0x05, 0x01};
  EXPECT_EQ(esp_tls_set_global_ca_store(short_der, sizeof short_der), ESP_FAIL);
}

TEST(EspBundleTest, AttachRefusesForeignPointers) {
  EXPECT_EQ(esp_crt_bundle_attach(nullptr), ESP_ERR_INVALID_ARG);
  std::uint32_t not_a_target = 0;
  EXPECT_EQ(esp_crt_bundle_attach(&not_a_target), ESP_ERR_INVALID_ARG);
  EXPECT_EQ(not_a_target, 0U);
  BundleAttachTarget target;
  EXPECT_EQ(esp_crt_bundle_attach(&target), ESP_OK);
  EXPECT_TRUE(target.system_store);
}

TEST(EspHardwareKeyTest, HardwareKeyOptionsAreRefused) {
  int ds_context = 0;
  for (int option = 0; option < 3; ++option) {
    esp_mqtt_client_config_t c{};
    c.broker.address.uri = "mqtts://127.0.0.1:8883";
    c.broker.verification.certificate = "-----BEGIN CERTIFICATE-----\n";
    auto& auth = c.credentials.authentication;
    if (option == 0) auth.use_secure_element = true;
    if (option == 1) auth.ds_data = &ds_context;
    if (option == 2) auth.use_ecdsa_peripheral = true;
    EXPECT_EQ(esp_mqtt_client_init(&c), nullptr) << option;

    esp_mqtt_client_config_t plain{};
    plain.broker.address.uri = "mqtts://127.0.0.1:8883";
    plain.broker.verification.certificate = "-----BEGIN CERTIFICATE-----\n";
    esp_mqtt_client_handle_t client = esp_mqtt_client_init(&plain);
    ASSERT_NE(client, nullptr);
    EXPECT_EQ(esp_mqtt_set_config(client, &c), ESP_ERR_NOT_SUPPORTED) << option;
    EXPECT_EQ(esp_mqtt_client_destroy(client), ESP_OK);
  }
}

TEST(EspHardwareKeyTest, EfuseBlockAloneIsHarmless) {
  // ecdsa_key_efuse_blk only names a block for use_ecdsa_peripheral.
  esp_mqtt_client_config_t c{};
  c.broker.address.uri = "mqtt://127.0.0.1:1883";
  c.credentials.authentication.ecdsa_key_efuse_blk = 4;
  esp_mqtt_client_handle_t client = esp_mqtt_client_init(&c);
  EXPECT_NE(client, nullptr);
  esp_mqtt_client_destroy(client);
}

TEST(EspSettingsTest, TlsPartIsHeldOnlyWhileSet) {
  Settings settings;
  esp_mqtt_client_config_t plain{};
  plain.broker.address.uri = "mqtt://127.0.0.1:1";
  ASSERT_EQ(apply_config(plain, settings), ESP_OK);
  EXPECT_FALSE(settings.tls.held());
  EXPECT_FALSE(settings.connect_properties.held());
  EXPECT_FALSE(settings.tls.get().ca_certificate.has_value());

  esp_mqtt_client_config_t secure{};
  secure.broker.address.uri = "mqtts://127.0.0.1:1";
  secure.broker.verification.certificate = "-----BEGIN CERTIFICATE-----\n";
  secure.broker.verification.common_name = "broker";
  ASSERT_EQ(apply_config(secure, settings), ESP_OK);
  ASSERT_TRUE(settings.tls.held());
  EXPECT_EQ(settings.tls.get().ca_certificate, "-----BEGIN CERTIFICATE-----\n");
  EXPECT_EQ(settings.tls.get().common_name, "broker");

  // A copy is deep: changing it leaves the original as it was.
  Settings copy = settings;
  copy.tls.edit().common_name = "other";
  EXPECT_EQ(settings.tls.get().common_name, "broker");
  EXPECT_EQ(copy.tls.get().common_name, "other");

  // ESP-MQTT resets every TLS option on each configuration: one without TLS drops it.
  ASSERT_EQ(apply_config(plain, settings), ESP_OK);
  EXPECT_FALSE(settings.tls.held());
  EXPECT_FALSE(settings.tls.get().ca_certificate.has_value());
  EXPECT_TRUE(settings.tls.get().common_name.empty());
  EXPECT_TRUE(copy.tls.held());
}

TEST(EspSettingsTest, ConnectPropertiesAreMadeOnFirstChange) {
  Settings settings;
  EXPECT_EQ(settings.connect_properties.get().maximum_packet_size, 0U);
  settings.connect_properties.edit().maximum_packet_size = 2048;
  ASSERT_TRUE(settings.connect_properties.held());
  Config config = to_config(settings, esp_mqtt_client_ext_config_t{});
  EXPECT_EQ(config.buffer.max_packet_size, 2048U);
}

}  // namespace
}  // namespace portmqtt::esp
