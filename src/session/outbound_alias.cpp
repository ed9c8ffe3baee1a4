// Topic aliases on queued PUBLISHes. A record in the outbox always holds the full topic: an
// alias mapping lives only as long as the connection (§3.3.2.3.4), and a record may be resent
// on the next one. Which form goes on the wire is decided here, when the record is sent, from
// what the broker maps on this connection at that moment.
#include "session/session_impl.hpp"

namespace portmqtt::session {

void Session::Impl::send_publish_aliased(const OutboxEntry& entry, TimePoint now) {
  codec::DecodeResult decoded = codec::decode(entry.bytes->view(), version);
  if (decoded.status != codec::DecodeStatus::packet ||
      !std::holds_alternative<codec::Publish>(decoded.packet)) {
    return send_record(entry, now);
  }
  codec::Publish publish = std::get<codec::Publish>(decoded.packet);  // views into the record
  const std::string_view topic = publish.topic;
  OutboundAliases::Choice automatic;
  if (entry.topic_alias != 0) {
    // The application's own alias: the record defines it, unless the broker has it already.
    if (!aliases_out.maps(entry.topic_alias, topic)) {
      aliases_out.define(entry.topic_alias, topic);
      return send_record(entry, now);
    }
    publish.topic = {};
  } else {
    automatic = aliases_out.choose(topic);
    if (automatic.alias == 0) return send_record(entry, now);
    if (automatic.known) publish.topic = {};
    publish.props.add(codec::PropertyId::topic_alias, automatic.alias);
  }
  auto bytes = std::make_shared<codec::Buffer>(entry.bytes->size() + 4);
  if (codec::encode(publish, version, *bytes) || bytes->size() > server.maximum_packet_size) {
    return send_record(entry, now);  // the record as it is, which fits (checked when queued)
  }
  if (automatic.known) {
    aliases_out.touch(automatic.alias);
  } else if (automatic.alias != 0) {
    aliases_out.define(automatic.alias, topic, true);
  }
  send_shared(bytes, now);
}

}  // namespace portmqtt::session
