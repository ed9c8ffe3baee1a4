#include "sub_format.hpp"

#include <algorithm>
#include <cstdio>

#include "json_text.hpp"

namespace portmqtt::tools {
namespace {

constexpr std::string_view kPercentCodes = "%ACDEFIjJlmPpqRrStUxX";
constexpr std::string_view kEscapeCodes = "\\0aenrtv";

// One % sequence: %[-][0][width][.precision]code, as mosquitto_sub reads it.
struct Spec {
  bool left = false;
  char pad = ' ';
  int width = 0;
  int precision = -1;  // -1: none
  char code = 0;
};

// Reads the sequence after the '%' at `i`; leaves `i` on the code (or past the end).
Spec read_spec(std::string_view format, std::size_t& i) {
  Spec spec;
  const auto at = [&](char c) { return i < format.size() && format[i] == c; };
  // Widths beyond this are clamped, which keeps the arithmetic from overflowing.
  constexpr int kMaxWidth = 65535;
  const auto digits = [&] {
    int value = 0;
    while (i < format.size() && format[i] >= '0' && format[i] <= '9')
      value = std::min(value * 10 + (format[i++] - '0'), kMaxWidth);
    return value;
  };
  ++i;
  if (at('-')) {
    spec.left = true;
    ++i;
  }
  if (at('0')) {
    spec.pad = '0';
    ++i;
  }
  spec.width = digits();
  if (at('.')) {
    ++i;
    spec.precision = digits();
  }
  if (i < format.size()) spec.code = format[i];
  return spec;
}

std::string pad_to(std::string text, const Spec& spec, char pad) {
  const auto width = static_cast<std::size_t>(spec.width);
  if (text.size() >= width) return text;
  const std::string padding(width - text.size(), spec.left ? ' ' : pad);
  return spec.left ? text + padding : padding + text;
}

// %A %E %F %l %m %S: printf's %d with the flags; an absent property fills the width.
// (mosquitto_sub prints a message expiry above 2^31 - 1 as a negative number; ours does not.)
std::string format_int(std::optional<std::uint32_t> value, const Spec& spec) {
  if (!value) return std::string(static_cast<std::size_t>(spec.width), spec.pad);
  return pad_to(std::to_string(*value), spec, spec.pad);
}

// %C %I %R %t: printf's %s with width and precision (the 0 flag does not apply).
std::string format_str(std::string_view value, const Spec& spec) {
  if (spec.precision >= 0 && value.size() > static_cast<std::size_t>(spec.precision))
    value = value.substr(0, static_cast<std::size_t>(spec.precision));
  return pad_to(std::string(value), spec, ' ');
}

std::string hex(std::string_view bytes, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (const char signed_byte : bytes) {
    const auto byte = static_cast<unsigned char>(signed_byte);
    out.push_back(digits[byte >> 4]);
    out.push_back(digits[byte & 0x0F]);
  }
  return out;
}

std::string strftime_text(const char* pattern, const std::timespec& now) {
  std::tm local{};
  localtime_r(&now.tv_sec, &local);
  char buffer[128];
  const auto size = std::strftime(buffer, sizeof buffer, pattern, &local);
  return std::string(buffer, size);
}

// ISO 8601 with microseconds and the numeric zone, e.g. 2020-05-06T22:12:00.000000+0100.
std::string iso_time_micro(const std::timespec& now) {
  char micro[32];
  std::snprintf(micro, sizeof micro, ".%06ld", now.tv_nsec / 1000);
  return strftime_text("%Y-%m-%dT%H:%M:%S", now) + micro + strftime_text("%z", now);
}

std::optional<std::uint32_t> number_of(const Properties& properties, PropertyId id) {
  return properties.number(id);
}

std::string user_properties(const Properties& properties) {
  std::string out;
  for (const auto& [name, value] : properties.user_properties()) {
    if (!out.empty()) out.push_back(' ');
    out.append(name).append(":").append(value);
  }
  return out;
}

// mosquitto's names for the properties a PUBLISH may carry, in the order they arrived.
json::Value json_properties(const Properties& properties) {
  auto object = json::Value::object();
  json::Value* users = nullptr;
  for (const auto& item : properties) {
    switch (item.id) {
      case PropertyId::payload_format_indicator:
        object.add("payload-format-indicator", json::Value::of_number(item.number));
        break;
      case PropertyId::message_expiry_interval:
        object.add("message-expiry-interval", json::Value::of_number(item.number));
        break;
      case PropertyId::content_type:
        object.add("content-type", json::Value::of_string(item.text));
        break;
      case PropertyId::response_topic:
        object.add("response-topic", json::Value::of_string(item.text));
        break;
      case PropertyId::correlation_data:
        object.add("correlation-data", json::Value::of_string(item.text));
        break;
      case PropertyId::subscription_identifier:
        object.add("subscription-identifier", json::Value::of_number(item.number));
        break;
      case PropertyId::topic_alias:
        object.add("topic-alias", json::Value::of_number(item.number));
        break;
      case PropertyId::user_property:
        if (users == nullptr) users = &object.add("user-properties", json::Value::object());
        users->add(item.text, json::Value::of_string(item.value));
        break;
      default:
        break;
    }
  }
  return object;
}

// %j (payload as a JSON string) and %J (payload as JSON); nothing when %J's payload is not JSON.
std::optional<std::string> json_message(const MessageReceived& m, const std::timespec& now,
                                        bool pretty, bool payload_is_json) {
  auto root = json::Value::object();
  root.add("tst", json::Value::of_string(iso_time_micro(now)));
  root.add("topic", json::Value::of_string(m.topic));
  root.add("qos", json::Value::of_number(static_cast<int>(m.qos)));
  root.add("retain", json::Value::of_number(m.retain ? 1 : 0));
  root.add("payloadlen", json::Value::of_number(static_cast<double>(m.payload.size())));
  if (m.qos != QoS::at_most_once) root.add("mid", json::Value::of_number(m.packet_id));
  if (m.properties.size() > 0) root.add("properties", json_properties(m.properties));
  json::Value payload;  // null for an empty payload
  if (!m.payload.empty() && !payload_is_json) payload = json::Value::of_string(m.payload);
  if (!m.payload.empty() && payload_is_json) {
    auto parsed = json::parse(m.payload);
    if (!parsed) return std::nullopt;
    payload = std::move(*parsed);
  }
  root.add("payload", std::move(payload));
  return json::print(root, pretty);
}

// %p %x %X: at least `width` characters (hex digits for %x), never cut.
std::string format_payload(std::string_view payload, const Spec& spec) {
  if (spec.code == 'p') return pad_to(std::string(payload), spec, ' ');
  return pad_to(hex(payload, spec.code == 'X'), spec, spec.pad);
}

struct Context {
  const MessageReceived& m;
  const std::timespec& now;
  bool pretty;
  std::string& errors;
};

void percent_code(const Spec& spec, const Context& c, std::string& out) {
  const auto& m = c.m;
  const auto& p = m.properties;
  switch (spec.code) {
    case '%':
      out += '%';
      break;
    case 'A':
      out += format_int(number_of(p, PropertyId::topic_alias), spec);
      break;
    case 'C':
      if (const auto type = p.text(PropertyId::content_type))
        out += format_str(*type, spec);
      else
        out.append(static_cast<std::size_t>(spec.width), ' ');
      break;
    case 'D':
      out += p.text(PropertyId::correlation_data).value_or("");
      break;
    case 'E':
      out += format_int(number_of(p, PropertyId::message_expiry_interval), spec);
      break;
    case 'F':
      out += format_int(number_of(p, PropertyId::payload_format_indicator), spec);
      break;
    case 'I':
      out += format_str(strftime_text("%Y-%m-%dT%H:%M:%S%z", c.now), spec);
      break;
    case 'j':
    case 'J':
      if (const auto text = json_message(m, c.now, c.pretty, spec.code == 'J'))
        out += *text;
      else
        c.errors +=
            "Error: Message payload is not valid JSON on topic " + std::string(m.topic) + ".\n";
      break;
    case 'l':
      out += format_int(static_cast<std::uint32_t>(m.payload.size()), spec);
      break;
    case 'm':
      out += format_int(m.packet_id, spec);
      break;
    case 'P':
      out += user_properties(p);
      break;
    case 'p':
    case 'x':
    case 'X':
      out += format_payload(m.payload, spec);
      break;
    case 'q':
      out += static_cast<char>('0' + static_cast<int>(m.qos));
      break;
    case 'R':
      if (const auto topic = p.text(PropertyId::response_topic)) out += format_str(*topic, spec);
      break;
    case 'r':
      out += m.retain ? '1' : '0';
      break;
    case 'S':
      out += format_int(number_of(p, PropertyId::subscription_identifier), spec);
      break;
    case 't':
      out += format_str(m.topic, spec);
      break;
    case 'U': {
      char stamp[40];
      std::snprintf(stamp, sizeof stamp, "%lld.%09ld", static_cast<long long>(c.now.tv_sec),
                    c.now.tv_nsec);
      out += stamp;
      break;
    }
    default:
      break;  // check_format() refused it
  }
}

void escape_code(char code, std::string& out) {
  constexpr std::string_view kValues("\\\0\a\033\n\r\t\v", 8);
  const auto index = kEscapeCodes.find(code);
  if (index != std::string_view::npos) out += kValues[index];
}

// strftime's conversion for @X; @N (nanoseconds) and @@ are mosquitto's own.
void time_code(char code, const std::timespec& now, std::string& out) {
  if (code == '@') {
    out += '@';
  } else if (code == 'N') {
    char nanos[32];
    std::snprintf(nanos, sizeof nanos, "%09ld", now.tv_nsec);
    out += nanos;
  } else {
    const char pattern[] = {'%', code, '\0'};
    out += strftime_text(pattern, now);
  }
}

std::string render_format(std::string_view format, const Context& context) {
  std::string out;
  for (std::size_t i = 0; i < format.size(); ++i) {
    const char c = format[i];
    if (c == '%') {
      percent_code(read_spec(format, i), context, out);
    } else if (c == '@' && i + 1 < format.size()) {
      time_code(format[++i], context.now, out);
    } else if (c == '\\' && i + 1 < format.size()) {
      escape_code(format[++i], out);
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string render_message(const OutputOptions& options, const MessageReceived& message,
                           const std::timespec& now, std::string& errors) {
  const std::string end_of_line = options.end_of_line ? "\n" : "";
  if (options.format)
    return render_format(*options.format, Context{message, now, options.pretty, errors}) +
           end_of_line;
  if (message.payload.empty())
    return options.verbose && options.end_of_line ? std::string(message.topic) + " (null)\n" : "";
  const std::string payload(message.payload);
  return (options.verbose ? std::string(message.topic) + " " + payload : payload) + end_of_line;
}

// The messages are mosquitto_sub's, word for word: scripts match on them.
std::string check_format(std::string_view format) {
  for (std::size_t i = 0; i < format.size(); ++i) {
    const char c = format[i];
    if (c == '%') {
      const auto spec = read_spec(format, i);
      if (i >= format.size()) return "Incomplete format specifier.";
      if (kPercentCodes.find(spec.code) == std::string_view::npos)
        return std::string("Invalid format specifier '") + spec.code + "'.";
    } else if (c == '@' || c == '\\') {
      if (i + 1 >= format.size())
        return std::string("Incomplete ") + (c == '@' ? "format" : "escape") + " specifier.";
      ++i;
      if (c == '\\' && kEscapeCodes.find(format[i]) == std::string_view::npos)
        return std::string("Invalid escape specifier '") + format[i] + "'.";
    }
  }
  return {};
}

}  // namespace portmqtt::tools
