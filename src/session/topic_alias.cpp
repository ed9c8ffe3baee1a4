#include "session/topic_alias.hpp"

namespace portmqtt::session {

void InboundAliases::reset(std::uint16_t maximum) {
  maximum_ = maximum;
  for (auto& name : names_) {
    if (name) replaced_.push_back(std::move(name));
  }
  names_.clear();
}

InboundAliases::Status InboundAliases::apply(std::uint16_t alias, std::string_view& topic) {
  if (alias == 0 || alias > maximum_) return Status::out_of_range;
  const std::size_t index = alias - 1u;
  if (topic.empty()) {
    if (index >= names_.size() || !names_[index]) return Status::unknown;
    topic = *names_[index];
    return Status::ok;
  }
  if (index >= names_.size()) names_.resize(index + 1);
  auto& slot = names_[index];
  if (slot && *slot == topic) return Status::ok;
  if (slot) replaced_.push_back(std::move(slot));
  slot = std::make_unique<std::string>(topic);
  return Status::ok;
}

void OutboundAliases::reset(std::uint16_t maximum) {
  maximum_ = maximum;
  names_.clear();
}

std::string_view OutboundAliases::topic_to_send(std::uint16_t alias, std::string_view topic) {
  if (alias == 0 || alias > maximum_) return topic;
  const std::size_t index = alias - 1u;
  if (index >= names_.size()) names_.resize(index + 1);
  if (names_[index] == topic) return {};
  names_[index].assign(topic);
  return topic;
}

std::optional<std::string_view> OutboundAliases::lookup(std::uint16_t alias) const {
  if (alias == 0 || alias > names_.size() || names_[alias - 1u].empty()) return std::nullopt;
  return std::string_view{names_[alias - 1u]};
}

void OutboundAliases::forget(std::uint16_t alias) {
  if (alias != 0 && alias <= names_.size()) names_[alias - 1u].clear();
}

}  // namespace portmqtt::session
