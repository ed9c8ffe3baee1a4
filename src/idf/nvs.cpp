// nvs.h and nvs_flash.h: typed values per namespace and key, in memory, written to one text
// file after every change (a new file renamed over the old one, so a crash leaves the old or
// the new contents, never a mix).
//
// File format, one value per line: <namespace hex> <key hex> <type> <value hex>, where the
// value is the little-endian bytes of integers, or the bytes of a string or blob.
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "esp_log.h"
#include "nvs_flash.h"

namespace {

constexpr const char* kTag = "nvs";
constexpr std::size_t kMaxName = NVS_KEY_NAME_MAX_SIZE - 1;
constexpr std::size_t kMaxString = 4000;  // ESP-IDF's limit, NUL included

enum class Type { i8, u8, i16, u16, i32, u32, i64, u64, str, blob };
constexpr const char* kTypeNames[] = {"i8",  "u8",  "i16", "u16", "i32",
                                      "u32", "i64", "u64", "str", "blob"};

struct Value {
  Type type;
  std::string bytes;
};

using Namespace = std::map<std::string, Value>;

struct Handle {
  std::string space;
  bool writable;
};

struct Storage {
  std::mutex mutex;
  bool initialised = false;
  std::filesystem::path file;
  std::map<std::string, Namespace> spaces;
  std::map<nvs_handle_t, Handle> handles;
  nvs_handle_t next_handle = 1;
};

Storage& storage() {
  static Storage instance;
  return instance;
}

std::filesystem::path storage_file() {
  if (const char* path = std::getenv("PORTMQTT_NVS_FILE"); path != nullptr && *path != '\0') {
    return path;
  }
  std::string program = program_invocation_short_name;
  std::filesystem::path dir;
  if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && *state != '\0') {
    dir = state;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    dir = std::filesystem::path(home) / ".local" / "state";
  } else {
    return program + ".nvs";
  }
  return dir / "portmqtt" / "nvs" / (program + ".nvs");
}

std::string to_hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    out += kDigits[c >> 4U];
    out += kDigits[c & 0xFU];
  }
  return out;
}

std::optional<std::string> from_hex(const std::string& hex) {
  if (hex == "-") return std::string();
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    char* end = nullptr;
    std::string pair = hex.substr(i, 2);
    long byte = std::strtol(pair.c_str(), &end, 16);
    if (end != pair.c_str() + 2) return std::nullopt;
    out += static_cast<char>(byte);
  }
  return out;
}

std::optional<Type> type_named(const std::string& name) {
  for (std::size_t i = 0; i < std::size(kTypeNames); ++i) {
    if (name == kTypeNames[i]) return static_cast<Type>(i);
  }
  return std::nullopt;
}

// Reads the file into spaces; false if it exists and is not a storage file.
bool load(Storage& s) {
  std::ifstream in(s.file);
  if (!in) return !std::filesystem::exists(s.file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::string space_hex, key_hex, type_name, value_hex;
    if (!(fields >> space_hex >> key_hex >> type_name >> value_hex)) return false;
    auto space = from_hex(space_hex);
    auto key = from_hex(key_hex);
    auto type = type_named(type_name);
    auto value = from_hex(value_hex);
    if (!space || !key || !type || !value) return false;
    s.spaces[*space][*key] = Value{*type, *value};
  }
  return true;
}

// Writes spaces to the file; false when that fails (the old file is then untouched).
bool save(Storage& s) {
  std::error_code ec;
  if (s.file.has_parent_path()) std::filesystem::create_directories(s.file.parent_path(), ec);
  std::filesystem::path temporary = s.file;
  temporary += ".new";
  {
    std::ofstream out(temporary, std::ios::trunc);
    for (const auto& [space, keys] : s.spaces) {
      for (const auto& [key, value] : keys) {
        std::string hex = to_hex(value.bytes);
        out << to_hex(space) << ' ' << to_hex(key) << ' '
            << kTypeNames[static_cast<int>(value.type)] << ' ' << (hex.empty() ? "-" : hex) << '\n';
      }
    }
    out.flush();
    if (!out) {
      std::filesystem::remove(temporary, ec);
      return false;
    }
  }
  std::filesystem::rename(temporary, s.file, ec);
  if (ec) {
    ESP_LOGE(kTag, "cannot write %s: %s", s.file.c_str(), ec.message().c_str());
    std::filesystem::remove(temporary, ec);
    return false;
  }
  return true;
}

bool valid_name(const char* name) {
  return name != nullptr && *name != '\0' && std::strlen(name) <= kMaxName;
}

esp_err_t check_key(const char* key) {
  if (key == nullptr || *key == '\0') return ESP_ERR_NVS_INVALID_NAME;
  return std::strlen(key) > kMaxName ? ESP_ERR_NVS_KEY_TOO_LONG : ESP_OK;
}

// Finds an open handle (lock held).
Handle* find_handle(Storage& s, nvs_handle_t handle) {
  if (!s.initialised) return nullptr;
  auto it = s.handles.find(handle);
  return it == s.handles.end() ? nullptr : &it->second;
}

esp_err_t set_value(nvs_handle_t handle, const char* key, Type type, std::string bytes) {
  Storage& s = storage();
  std::lock_guard lock(s.mutex);
  Handle* h = find_handle(s, handle);
  if (h == nullptr) return ESP_ERR_NVS_INVALID_HANDLE;
  if (!h->writable) return ESP_ERR_NVS_READ_ONLY;
  if (esp_err_t rc = check_key(key); rc != ESP_OK) return rc;
  Namespace& space = s.spaces[h->space];
  std::optional<Value> before;
  if (auto it = space.find(key); it != space.end()) before = it->second;
  space[key] = Value{type, std::move(bytes)};
  if (save(s)) return ESP_OK;
  if (before) {
    space[key] = *before;
  } else {
    space.erase(key);
  }
  return ESP_ERR_NVS_NOT_ENOUGH_SPACE;
}

esp_err_t get_value(nvs_handle_t handle, const char* key, Type type, std::string& out) {
  Storage& s = storage();
  std::lock_guard lock(s.mutex);
  Handle* h = find_handle(s, handle);
  if (h == nullptr) return ESP_ERR_NVS_INVALID_HANDLE;
  if (esp_err_t rc = check_key(key); rc != ESP_OK) return rc;
  const Namespace& space = s.spaces[h->space];
  auto it = space.find(key);
  if (it == space.end()) return ESP_ERR_NVS_NOT_FOUND;
  if (it->second.type != type) return ESP_ERR_NVS_TYPE_MISMATCH;
  out = it->second.bytes;
  return ESP_OK;
}

template <class T>
esp_err_t set_integer(nvs_handle_t handle, const char* key, Type type, T value) {
  std::string bytes(sizeof(T), '\0');
  auto u = static_cast<std::uint64_t>(value);
  for (std::size_t i = 0; i < sizeof(T); ++i)
    bytes[i] = static_cast<char>((u >> (8 * i)) & 0xFFU);
  return set_value(handle, key, type, std::move(bytes));
}

template <class T>
esp_err_t get_integer(nvs_handle_t handle, const char* key, Type type, T* out) {
  if (out == nullptr) return ESP_ERR_INVALID_ARG;
  std::string bytes;
  if (esp_err_t rc = get_value(handle, key, type, bytes); rc != ESP_OK) return rc;
  std::uint64_t u = 0;
  for (std::size_t i = 0; i < sizeof(T) && i < bytes.size(); ++i) {
    u |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  }
  *out = static_cast<T>(u);
  return ESP_OK;
}

esp_err_t get_bytes(nvs_handle_t handle, const char* key, Type type, void* out,
                    std::size_t* length) {
  if (length == nullptr) return ESP_ERR_INVALID_ARG;
  std::string bytes;
  if (esp_err_t rc = get_value(handle, key, type, bytes); rc != ESP_OK) return rc;
  if (type == Type::str) bytes += '\0';
  if (out == nullptr) {
    *length = bytes.size();
    return ESP_OK;
  }
  if (*length < bytes.size()) {
    *length = bytes.size();
    return ESP_ERR_NVS_INVALID_LENGTH;
  }
  std::memcpy(out, bytes.data(), bytes.size());
  *length = bytes.size();
  return ESP_OK;
}

bool is_default_partition(const char* name) {
  return name != nullptr && std::strcmp(name, NVS_DEFAULT_PART_NAME) == 0;
}

}  // namespace

extern "C" {

esp_err_t nvs_flash_init(void) {
  Storage& s = storage();
  std::lock_guard lock(s.mutex);
  if (s.initialised) return ESP_OK;
  s.file = storage_file();
  s.spaces.clear();
  if (!load(s)) {
    s.spaces.clear();
    ESP_LOGE(kTag, "%s is not an NVS storage file; erase it with nvs_flash_erase()",
             s.file.c_str());
    return ESP_ERR_NVS_NO_FREE_PAGES;
  }
  s.initialised = true;
  ESP_LOGD(kTag, "storage file %s", s.file.c_str());
  return ESP_OK;
}

esp_err_t nvs_flash_init_partition(const char* partition_label) {
  if (!is_default_partition(partition_label)) return ESP_ERR_NVS_PART_NOT_FOUND;
  return nvs_flash_init();
}

esp_err_t nvs_flash_deinit(void) {
  Storage& s = storage();
  std::lock_guard lock(s.mutex);
  if (!s.initialised) return ESP_ERR_NVS_NOT_INITIALIZED;
  s.initialised = false;
  s.spaces.clear();
  s.handles.clear();
  return ESP_OK;
}

esp_err_t nvs_flash_erase(void) {
  Storage& s = storage();
  std::lock_guard lock(s.mutex);
  s.initialised = false;
  s.spaces.clear();
  s.handles.clear();
  std::filesystem::path file = storage_file();
  std::error_code ec;
  std::filesystem::remove(file, ec);
  if (ec) {
    ESP_LOGE(kTag, "cannot remove %s: %s", file.c_str(), ec.message().c_str());
    return ESP_FAIL;
  }
  return ESP_OK;
}

esp_err_t nvs_flash_erase_partition(const char* part_name) {
  if (!is_default_partition(part_name)) return ESP_ERR_NVS_PART_NOT_FOUND;
  return nvs_flash_erase();
}

esp_err_t nvs_open(const char* namespace_name, nvs_open_mode_t open_mode,
                   nvs_handle_t* out_handle) {
  if (out_handle == nullptr) return ESP_ERR_INVALID_ARG;
  Storage& s = storage();
  std::lock_guard lock(s.mutex);
  if (!s.initialised) return ESP_ERR_NVS_NOT_INITIALIZED;
  if (!valid_name(namespace_name)) return ESP_ERR_NVS_INVALID_NAME;
  bool writable = open_mode == NVS_READWRITE;
  if (!writable && s.spaces.count(namespace_name) == 0) return ESP_ERR_NVS_NOT_FOUND;
  s.spaces[namespace_name];  // a read-write open creates the namespace
  nvs_handle_t handle = s.next_handle++;
  s.handles[handle] = Handle{namespace_name, writable};
  *out_handle = handle;
  return ESP_OK;
}

esp_err_t nvs_open_from_partition(const char* part_name, const char* namespace_name,
                                  nvs_open_mode_t open_mode, nvs_handle_t* out_handle) {
  if (!is_default_partition(part_name)) return ESP_ERR_NVS_PART_NOT_FOUND;
  return nvs_open(namespace_name, open_mode, out_handle);
}

void nvs_close(nvs_handle_t handle) {
  Storage& s = storage();
  std::lock_guard lock(s.mutex);
  s.handles.erase(handle);
}

esp_err_t nvs_commit(nvs_handle_t handle) {
  Storage& s = storage();
  std::lock_guard lock(s.mutex);
  return find_handle(s, handle) != nullptr ? ESP_OK : ESP_ERR_NVS_INVALID_HANDLE;
}

esp_err_t nvs_set_i8(nvs_handle_t h, const char* key, int8_t v) {
  return set_integer(h, key, Type::i8, v);
}
esp_err_t nvs_set_u8(nvs_handle_t h, const char* key, uint8_t v) {
  return set_integer(h, key, Type::u8, v);
}
esp_err_t nvs_set_i16(nvs_handle_t h, const char* key, int16_t v) {
  return set_integer(h, key, Type::i16, v);
}
esp_err_t nvs_set_u16(nvs_handle_t h, const char* key, uint16_t v) {
  return set_integer(h, key, Type::u16, v);
}
esp_err_t nvs_set_i32(nvs_handle_t h, const char* key, int32_t v) {
  return set_integer(h, key, Type::i32, v);
}
esp_err_t nvs_set_u32(nvs_handle_t h, const char* key, uint32_t v) {
  return set_integer(h, key, Type::u32, v);
}
esp_err_t nvs_set_i64(nvs_handle_t h, const char* key, int64_t v) {
  return set_integer(h, key, Type::i64, v);
}
esp_err_t nvs_set_u64(nvs_handle_t h, const char* key, uint64_t v) {
  return set_integer(h, key, Type::u64, v);
}
esp_err_t nvs_get_i8(nvs_handle_t h, const char* key, int8_t* v) {
  return get_integer(h, key, Type::i8, v);
}
esp_err_t nvs_get_u8(nvs_handle_t h, const char* key, uint8_t* v) {
  return get_integer(h, key, Type::u8, v);
}
esp_err_t nvs_get_i16(nvs_handle_t h, const char* key, int16_t* v) {
  return get_integer(h, key, Type::i16, v);
}
esp_err_t nvs_get_u16(nvs_handle_t h, const char* key, uint16_t* v) {
  return get_integer(h, key, Type::u16, v);
}
esp_err_t nvs_get_i32(nvs_handle_t h, const char* key, int32_t* v) {
  return get_integer(h, key, Type::i32, v);
}
esp_err_t nvs_get_u32(nvs_handle_t h, const char* key, uint32_t* v) {
  return get_integer(h, key, Type::u32, v);
}
esp_err_t nvs_get_i64(nvs_handle_t h, const char* key, int64_t* v) {
  return get_integer(h, key, Type::i64, v);
}
esp_err_t nvs_get_u64(nvs_handle_t h, const char* key, uint64_t* v) {
  return get_integer(h, key, Type::u64, v);
}

esp_err_t nvs_set_str(nvs_handle_t handle, const char* key, const char* value) {
  if (value == nullptr) return ESP_ERR_INVALID_ARG;
  std::size_t length = std::strlen(value);
  if (length + 1 > kMaxString) return ESP_ERR_NVS_VALUE_TOO_LONG;
  return set_value(handle, key, Type::str, std::string(value, length));
}

esp_err_t nvs_set_blob(nvs_handle_t handle, const char* key, const void* value, size_t length) {
  if (value == nullptr && length > 0) return ESP_ERR_INVALID_ARG;
  std::string bytes;
  if (length > 0) bytes.assign(static_cast<const char*>(value), length);
  return set_value(handle, key, Type::blob, std::move(bytes));
}

esp_err_t nvs_get_str(nvs_handle_t handle, const char* key, char* out_value, size_t* length) {
  return get_bytes(handle, key, Type::str, out_value, length);
}

esp_err_t nvs_get_blob(nvs_handle_t handle, const char* key, void* out_value, size_t* length) {
  return get_bytes(handle, key, Type::blob, out_value, length);
}

esp_err_t nvs_erase_key(nvs_handle_t handle, const char* key) {
  Storage& s = storage();
  std::lock_guard lock(s.mutex);
  Handle* h = find_handle(s, handle);
  if (h == nullptr) return ESP_ERR_NVS_INVALID_HANDLE;
  if (!h->writable) return ESP_ERR_NVS_READ_ONLY;
  if (esp_err_t rc = check_key(key); rc != ESP_OK) return rc;
  Namespace& space = s.spaces[h->space];
  auto it = space.find(key);
  if (it == space.end()) return ESP_ERR_NVS_NOT_FOUND;
  Value before = it->second;
  space.erase(it);
  if (save(s)) return ESP_OK;
  space[key] = before;
  return ESP_ERR_NVS_NOT_ENOUGH_SPACE;
}

esp_err_t nvs_erase_all(nvs_handle_t handle) {
  Storage& s = storage();
  std::lock_guard lock(s.mutex);
  Handle* h = find_handle(s, handle);
  if (h == nullptr) return ESP_ERR_NVS_INVALID_HANDLE;
  if (!h->writable) return ESP_ERR_NVS_READ_ONLY;
  Namespace before = std::move(s.spaces[h->space]);
  s.spaces[h->space].clear();
  if (save(s)) return ESP_OK;
  s.spaces[h->space] = std::move(before);
  return ESP_ERR_NVS_NOT_ENOUGH_SPACE;
}

}  // extern "C"
