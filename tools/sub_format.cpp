#include "sub_format.hpp"

#include <cstdio>

namespace portmqtt::tools {
namespace {

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

std::string json_escape(std::string_view text) {
  std::string out = "\"";
  for (const char signed_c : text) {
    const auto c = static_cast<unsigned char>(signed_c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out + "\"";
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

std::string number_or_empty(const Properties& properties, PropertyId id) {
  const auto value = properties.number(id);
  return value ? std::to_string(*value) : std::string{};
}

std::string text_or_empty(const Properties& properties, PropertyId id) {
  const auto value = properties.text(id);
  return value ? std::string(*value) : std::string{};
}

std::string user_properties(const Properties& properties) {
  std::string out;
  for (const auto& [name, value] : properties.user_properties()) {
    if (!out.empty()) out.push_back(' ');
    out.append(name).append(":").append(value);
  }
  return out;
}

using Field = std::pair<std::string, std::string>;  // name, JSON value

std::string json_object(const std::vector<Field>& fields, bool pretty) {
  std::string out = "{";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ",";
    if (pretty) out += "\n\t";
    out += "\"" + fields[i].first + "\":" + (pretty ? "\t" : "") + fields[i].second;
  }
  return out + (pretty ? "\n}" : "}");
}

std::string json_properties(const Properties& properties) {
  std::vector<Field> fields;
  const auto users = properties.user_properties();
  if (!users.empty()) {
    std::vector<Field> pairs;
    for (const auto& [name, value] : users)
      pairs.emplace_back(std::string(name), json_escape(value));
    fields.emplace_back("user-properties", json_object(pairs, false));
  }
  if (const auto type = properties.text(PropertyId::content_type))
    fields.emplace_back("content-type", json_escape(*type));
  if (const auto topic = properties.text(PropertyId::response_topic))
    fields.emplace_back("response-topic", json_escape(*topic));
  if (const auto data = properties.text(PropertyId::correlation_data))
    fields.emplace_back("correlation-data", json_escape(*data));
  if (const auto expiry = properties.number(PropertyId::message_expiry_interval))
    fields.emplace_back("message-expiry-interval", std::to_string(*expiry));
  if (const auto format = properties.number(PropertyId::payload_format_indicator))
    fields.emplace_back("payload-format-indicator", std::to_string(*format));
  return fields.empty() ? std::string{} : json_object(fields, false);
}

std::string json_message(const MessageReceived& m, const std::timespec& now, bool pretty,
                         bool raw_payload) {
  std::vector<Field> fields{
      {"tst", json_escape(iso_time_micro(now))},        {"topic", json_escape(m.topic)},
      {"qos", std::to_string(static_cast<int>(m.qos))}, {"retain", m.retain ? "1" : "0"},
      {"payloadlen", std::to_string(m.payload.size())},
  };
  if (m.packet_id != 0) fields.emplace_back("mid", std::to_string(m.packet_id));
  if (auto properties = json_properties(m.properties); !properties.empty())
    fields.emplace_back("properties", properties);
  fields.emplace_back("payload", raw_payload ? std::string(m.payload) : json_escape(m.payload));
  return json_object(fields, pretty);
}

// One % sequence (the character after %); false when unknown.
bool percent_code(char code, const MessageReceived& m, const std::timespec& now, bool pretty,
                  std::string& out) {
  const auto& p = m.properties;
  switch (code) {
    case '%':
      out += '%';
      return true;
    case 'A':
      out += number_or_empty(p, PropertyId::topic_alias);
      return true;
    case 'C':
      out += text_or_empty(p, PropertyId::content_type);
      return true;
    case 'D':
      out += text_or_empty(p, PropertyId::correlation_data);
      return true;
    case 'E':
      out += number_or_empty(p, PropertyId::message_expiry_interval);
      return true;
    case 'F':
      out += number_or_empty(p, PropertyId::payload_format_indicator);
      return true;
    case 'I':
      out += strftime_text("%Y-%m-%dT%H:%M:%S%z", now);
      return true;
    case 'j':
      out += json_message(m, now, pretty, false);
      return true;
    case 'J':
      out += json_message(m, now, pretty, true);
      return true;
    case 'l':
      out += std::to_string(m.payload.size());
      return true;
    case 'm':
      out += std::to_string(m.packet_id);
      return true;
    case 'P':
      out += user_properties(p);
      return true;
    case 'p':
      out += m.payload;
      return true;
    case 'q':
      out += std::to_string(static_cast<int>(m.qos));
      return true;
    case 'R':
      out += text_or_empty(p, PropertyId::response_topic);
      return true;
    case 'r':
      out += m.retain ? '1' : '0';
      return true;
    case 'S':
      out += number_or_empty(p, PropertyId::subscription_identifier);
      return true;
    case 't':
      out += m.topic;
      return true;
    case 'U': {
      char stamp[40];
      std::snprintf(stamp, sizeof stamp, "%lld.%09ld", static_cast<long long>(now.tv_sec),
                    now.tv_nsec);
      out += stamp;
      return true;
    }
    case 'x':
      out += hex(m.payload, false);
      return true;
    case 'X':
      out += hex(m.payload, true);
      return true;
    default:
      return false;
  }
}

bool escape_code(char code, std::string& out) {
  switch (code) {
    case '\\':
      out += '\\';
      return true;
    case '0':
      out += '\0';
      return true;
    case 'a':
      out += '\a';
      return true;
    case 'e':
      out += '\033';
      return true;
    case 'n':
      out += '\n';
      return true;
    case 'r':
      out += '\r';
      return true;
    case 't':
      out += '\t';
      return true;
    case 'v':
      out += '\v';
      return true;
    default:
      return false;
  }
}

bool time_code(char code, const std::timespec& now, std::string& out) {
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
  return true;
}

// Renders `format`; returns false at the first unknown sequence (`out` then holds its text).
bool render(std::string_view format, const MessageReceived* m, const std::timespec& now,
            bool pretty, std::string& out) {
  for (std::size_t i = 0; i < format.size(); ++i) {
    const char c = format[i];
    if ((c != '%' && c != '@' && c != '\\') || i + 1 == format.size()) {
      out += c;
      continue;
    }
    const char code = format[++i];
    std::string scratch;
    bool known = false;
    if (c == '%')
      known = m ? percent_code(code, *m, now, pretty, out)
                : std::string_view("%ACDEFIjJlmPpqRrStUxX").find(code) != std::string_view::npos;
    if (c == '@') known = m ? time_code(code, now, out) : true;
    if (c == '\\') known = escape_code(code, m ? out : scratch);
    if (!known) {
      out = std::string(1, c) + code;
      return false;
    }
  }
  return true;
}

}  // namespace

std::string render_message(const OutputOptions& options, const MessageReceived& message,
                           const std::timespec& now) {
  std::string out;
  if (!options.format.empty()) {
    render(options.format, &message, now, options.pretty, out);
  } else if (options.verbose) {
    out.append(message.topic);
    out += message.payload.empty() ? std::string(" (null)") : " " + std::string(message.payload);
  } else {
    out.append(message.payload);
  }
  if (options.end_of_line) out += '\n';
  return out;
}

std::string check_format(std::string_view format) {
  std::string bad;
  if (render(format, nullptr, std::timespec{}, false, bad)) return {};
  return "Invalid format sequence '" + bad + "' in -F.";
}

}  // namespace portmqtt::tools
