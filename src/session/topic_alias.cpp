#include "session/topic_alias.hpp"

namespace portmqtt::session {

void InboundAliases::reset(std::uint16_t maximum) {
  maximum_ = maximum;
  if (!t_) return;
  for (auto& name : t_->names) {
    if (name) t_->replaced.push_back(std::move(name));
  }
  t_->names.clear();
}

InboundAliases::Status InboundAliases::apply(std::uint16_t alias, std::string_view& topic) {
  if (alias == 0 || alias > maximum_) return Status::out_of_range;
  const std::size_t index = alias - 1u;
  if (topic.empty()) {
    if (!t_ || index >= t_->names.size() || !t_->names[index]) return Status::unknown;
    topic = *t_->names[index];
    return Status::ok;
  }
  if (!t_) t_ = std::make_unique<Table>();
  auto& names = t_->names;
  if (index >= names.size()) names.resize(index + 1);
  auto& slot = names[index];
  if (slot && *slot == topic) return Status::ok;
  if (slot) t_->replaced.push_back(std::move(slot));
  slot = std::make_unique<std::string>(topic);
  return Status::ok;
}

void OutboundAliases::reset(std::uint16_t maximum, std::uint16_t automatic) {
  maximum_ = maximum;
  automatic_ = automatic < maximum ? automatic : maximum;
  // No aliases on this connection (MQTT 3, or a broker that allows none): no table at all.
  if (maximum_ == 0) {
    t_.reset();
    return;
  }
  if (!t_) t_ = std::make_unique<Table>();
  t_->names.clear();
  t_->given.clear();
  t_->index.clear();
  // Empty until the first automatic alias (define() sizes them, slot 0 included): a session
  // without automatic aliases holds no memory for them.
  t_->next.clear();
  t_->prev.clear();
  if (automatic_ == 0) {
    t_->next.shrink_to_fit();
    t_->prev.shrink_to_fit();
  }
  t_->used = 0;
}

std::string_view OutboundAliases::topic_to_send(std::uint16_t alias, std::string_view topic) {
  if (maps(alias, topic)) return {};
  define(alias, topic);
  return topic;
}

bool OutboundAliases::maps(std::uint16_t alias, std::string_view topic) const {
  if (!t_) return false;
  if (alias == 0 || alias > t_->names.size() || topic.empty()) return false;
  return t_->names[alias - 1u] == topic;
}

void OutboundAliases::define(std::uint16_t alias, std::string_view topic, bool automatic) {
  if (alias == 0 || alias > maximum_) return;
  const std::size_t index = alias - 1u;
  if (index >= t_->names.size()) t_->names.resize(index + 1);
  unindex(alias);
  t_->names[index].assign(topic);
  if (!automatic) return;
  t_->index.insert_or_assign(t_->names[index], alias);
  if (alias > t_->used) {
    // Handed out in order: this is t_->used + 1.
    t_->next.resize(alias + 1u, 0);
    t_->prev.resize(alias + 1u, 0);
    t_->used = alias;
  } else {
    unlink(alias);
  }
  link_front(alias);
}

void OutboundAliases::forget(std::uint16_t alias) {
  if (!t_) return;
  if (alias == 0 || alias > t_->names.size()) return;
  unindex(alias);
  t_->names[alias - 1u].clear();
}

void OutboundAliases::remember(std::uint16_t alias, std::string_view topic) {
  if (alias == 0 || alias > maximum_ || topic.empty()) return;
  if (alias > t_->given.size()) t_->given.resize(alias);
  t_->given[alias - 1u].assign(topic);
}

std::optional<std::string_view> OutboundAliases::lookup(std::uint16_t alias) const {
  if (!t_) return std::nullopt;
  if (alias == 0 || alias > t_->given.size() || t_->given[alias - 1u].empty()) return std::nullopt;
  return std::string_view{t_->given[alias - 1u]};
}

OutboundAliases::Choice OutboundAliases::choose(std::string_view topic) const {
  // An alias costs 3 bytes of property: a topic of 3 bytes or less never gains from one.
  if (automatic_ == 0 || topic.size() <= 3) return {};
  if (auto found = t_->index.find(topic); found != t_->index.end()) return {found->second, true};
  if (t_->used < automatic_) return {static_cast<std::uint16_t>(t_->used + 1u), false};
  return {t_->prev[0], false};  // the least recently used
}

void OutboundAliases::touch(std::uint16_t alias) {
  if (!t_) return;
  if (alias == 0 || alias > t_->used) return;
  unlink(alias);
  link_front(alias);
}

void OutboundAliases::unindex(std::uint16_t alias) {
  if (alias > t_->names.size() || t_->names[alias - 1u].empty()) return;
  auto found = t_->index.find(std::string_view{t_->names[alias - 1u]});
  if (found != t_->index.end() && found->second == alias) t_->index.erase(found);
}

void OutboundAliases::unlink(std::uint16_t alias) {
  t_->next[t_->prev[alias]] = t_->next[alias];
  t_->prev[t_->next[alias]] = t_->prev[alias];
}

void OutboundAliases::link_front(std::uint16_t alias) {
  t_->next[alias] = t_->next[0];
  t_->prev[alias] = 0;
  t_->prev[t_->next[0]] = alias;
  t_->next[0] = alias;
}

}  // namespace portmqtt::session
