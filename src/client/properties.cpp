// The owning property list of the public API.
#include "portmqtt/properties.hpp"

#include <algorithm>

namespace portmqtt {

Properties& Properties::add(PropertyId id, std::uint32_t number) {
  items_.push_back({id, number, {}, {}});
  return *this;
}

Properties& Properties::add(PropertyId id, std::string_view text) {
  items_.push_back({id, 0, std::string{text}, {}});
  return *this;
}

Properties& Properties::add_user_property(std::string_view name, std::string_view value) {
  items_.push_back({PropertyId::user_property, 0, std::string{name}, std::string{value}});
  return *this;
}

const Properties::Item* Properties::find(PropertyId id) const noexcept {
  for (const Item& item : items_)
    if (item.id == id) return &item;
  return nullptr;
}

std::optional<std::uint32_t> Properties::number(PropertyId id) const noexcept {
  if (const Item* item = find(id)) return item->number;
  return std::nullopt;
}

std::optional<std::string_view> Properties::text(PropertyId id) const noexcept {
  if (const Item* item = find(id)) return std::string_view{item->text};
  return std::nullopt;
}

std::vector<std::pair<std::string_view, std::string_view>> Properties::user_properties() const {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  for (const Item& item : items_)
    if (item.id == PropertyId::user_property) out.emplace_back(item.text, item.value);
  return out;
}

std::vector<std::uint32_t> Properties::numbers(PropertyId id) const {
  std::vector<std::uint32_t> out;
  for (const Item& item : items_)
    if (item.id == id) out.push_back(item.number);
  return out;
}

void Properties::erase(PropertyId id) {
  std::erase_if(items_, [id](const Item& item) { return item.id == id; });
}

}  // namespace portmqtt
