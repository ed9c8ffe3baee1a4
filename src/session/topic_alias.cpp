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

void OutboundAliases::reset(std::uint16_t maximum, std::uint16_t automatic) {
  maximum_ = maximum;
  automatic_ = automatic < maximum ? automatic : maximum;
  names_.clear();
  given_.clear();
  index_.clear();
  // Empty until the first automatic alias (define() sizes them, slot 0 included): a session
  // without automatic aliases holds no memory for them.
  next_.clear();
  prev_.clear();
  if (automatic_ == 0) {
    next_.shrink_to_fit();
    prev_.shrink_to_fit();
  }
  used_ = 0;
}

std::string_view OutboundAliases::topic_to_send(std::uint16_t alias, std::string_view topic) {
  if (maps(alias, topic)) return {};
  define(alias, topic);
  return topic;
}

bool OutboundAliases::maps(std::uint16_t alias, std::string_view topic) const {
  if (alias == 0 || alias > names_.size() || topic.empty()) return false;
  return names_[alias - 1u] == topic;
}

void OutboundAliases::define(std::uint16_t alias, std::string_view topic, bool automatic) {
  if (alias == 0 || alias > maximum_) return;
  const std::size_t index = alias - 1u;
  if (index >= names_.size()) names_.resize(index + 1);
  unindex(alias);
  names_[index].assign(topic);
  if (!automatic) return;
  index_.insert_or_assign(names_[index], alias);
  if (alias > used_) {
    // Handed out in order: this is used_ + 1.
    next_.resize(alias + 1u, 0);
    prev_.resize(alias + 1u, 0);
    used_ = alias;
  } else {
    unlink(alias);
  }
  link_front(alias);
}

void OutboundAliases::forget(std::uint16_t alias) {
  if (alias == 0 || alias > names_.size()) return;
  unindex(alias);
  names_[alias - 1u].clear();
}

void OutboundAliases::remember(std::uint16_t alias, std::string_view topic) {
  if (alias == 0 || alias > maximum_ || topic.empty()) return;
  if (alias > given_.size()) given_.resize(alias);
  given_[alias - 1u].assign(topic);
}

std::optional<std::string_view> OutboundAliases::lookup(std::uint16_t alias) const {
  if (alias == 0 || alias > given_.size() || given_[alias - 1u].empty()) return std::nullopt;
  return std::string_view{given_[alias - 1u]};
}

OutboundAliases::Choice OutboundAliases::choose(std::string_view topic) const {
  // An alias costs 3 bytes of property: a topic of 3 bytes or less never gains from one.
  if (automatic_ == 0 || topic.size() <= 3) return {};
  if (auto found = index_.find(topic); found != index_.end()) return {found->second, true};
  if (used_ < automatic_) return {static_cast<std::uint16_t>(used_ + 1u), false};
  return {prev_[0], false};  // the least recently used
}

void OutboundAliases::touch(std::uint16_t alias) {
  if (alias == 0 || alias > used_) return;
  unlink(alias);
  link_front(alias);
}

void OutboundAliases::unindex(std::uint16_t alias) {
  if (alias > names_.size() || names_[alias - 1u].empty()) return;
  auto found = index_.find(std::string_view{names_[alias - 1u]});
  if (found != index_.end() && found->second == alias) index_.erase(found);
}

void OutboundAliases::unlink(std::uint16_t alias) {
  next_[prev_[alias]] = next_[alias];
  prev_[next_[alias]] = prev_[alias];
}

void OutboundAliases::link_front(std::uint16_t alias) {
  next_[alias] = next_[0];
  prev_[alias] = 0;
  prev_[next_[0]] = alias;
  next_[0] = alias;
}

}  // namespace portmqtt::session
