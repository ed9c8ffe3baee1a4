// C and C++ agree on the layout of every ESP struct field that crosses the API: portmqtt's
// C++ implementation reads structs that C applications filled in. esp_abi_checks.c records
// the C compiler's view (layout_fields.h); this file builds the C++ view and compares them.
// Linked into both compat test programs (fakes and the real library).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "layout_fields.h"
#include "mqtt_client.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"  // the layout list names one field

namespace {

#define CXX_LAYOUT_ENTRY(type, path)                         \
  compat_field_layout{#type "." #path, offsetof(type, path), \
                      sizeof(static_cast<type*>(nullptr)->path)},

const std::vector<compat_field_layout> cxx_layout{COMPAT_LAYOUT_FIELDS(CXX_LAYOUT_ENTRY)};

std::string struct_name(const char* entry) {
  return std::string(entry, std::strchr(entry, '.'));
}

TEST(EspHeaderLayout, CAndCxxAgreeOnEveryField) {
  ASSERT_EQ(compat_c_layout_count, cxx_layout.size());
  for (std::size_t i = 0; i < cxx_layout.size(); ++i) {
    SCOPED_TRACE(cxx_layout[i].name);
    EXPECT_STREQ(compat_c_layout[i].name, cxx_layout[i].name);
    EXPECT_EQ(compat_c_layout[i].offset, cxx_layout[i].offset);
    EXPECT_EQ(compat_c_layout[i].size, cxx_layout[i].size);
  }
}

TEST(EspHeaderLayout, FieldsFollowEspDeclarationOrder) {
  // layout_fields.h lists each struct's fields in ESP-MQTT's order.
  for (std::size_t i = 1; i < cxx_layout.size(); ++i) {
    if (struct_name(cxx_layout[i].name) != struct_name(cxx_layout[i - 1].name)) continue;
    EXPECT_LT(cxx_layout[i - 1].offset, cxx_layout[i].offset) << cxx_layout[i].name;
  }
}

}  // namespace
