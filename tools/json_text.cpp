#include "json_text.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace portmqtt::tools::json {
namespace {

// cJSON's limit; deeper documents are refused rather than risking the stack.
constexpr int kMaxDepth = 1000;

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::optional<Value> document() {
    // A NUL ends the text for cJSON, so a payload holding one is not a JSON document.
    if (text_.find('\0') != std::string_view::npos) return std::nullopt;
    skip_space();
    auto value = parse_value(0);
    skip_space();
    if (!value || pos_ != text_.size()) return std::nullopt;
    return value;
  }

 private:
  // cJSON skips every byte up to and including the space as white space.
  void skip_space() {
    while (pos_ < text_.size() && static_cast<unsigned char>(text_[pos_]) <= 32)
      ++pos_;
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  std::optional<Value> parse_value(int depth) {
    if (pos_ >= text_.size() || depth > kMaxDepth) return std::nullopt;
    Value value;
    if (literal("null")) return value;
    if (literal("false") || literal("true")) {
      value.kind = Value::Kind::boolean;
      value.boolean = text_[pos_ - 4] == 't';  // the 't' of "true"; "false" has an 'a' there
      return value;
    }
    const char c = text_[pos_];
    if (c == '"') return parse_string_value();
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number();
    if (c == '[') return parse_container(depth, ']');
    if (c == '{') return parse_container(depth, '}');
    return std::nullopt;
  }

  // As cJSON: the bytes that may belong to a number, read by strtod, which may stop early.
  std::optional<Value> parse_number() {
    std::size_t end = pos_;
    while (end < text_.size() &&
           std::string_view("0123456789+-eE.").find(text_[end]) != std::string_view::npos)
      ++end;
    const std::string digits(text_.substr(pos_, end - pos_));
    char* stop = nullptr;
    const double number = std::strtod(digits.c_str(), &stop);
    if (stop == digits.c_str()) return std::nullopt;
    pos_ += static_cast<std::size_t>(stop - digits.c_str());
    return Value::of_number(number);
  }

  std::optional<unsigned> hex4() {
    if (pos_ + 4 > text_.size()) return std::nullopt;
    unsigned code = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      code <<= 4;
      if (h >= '0' && h <= '9')
        code |= static_cast<unsigned>(h - '0');
      else if (h >= 'a' && h <= 'f')
        code |= static_cast<unsigned>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        code |= static_cast<unsigned>(h - 'A' + 10);
      else
        return std::nullopt;
    }
    return code;
  }

  static void append_utf8(unsigned code, std::string& out) {
    if (code < 0x80) {
      out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (code >> 6)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (code >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (code >> 18)));
      out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
  }

  // \uXXXX, with a surrogate pair for code points above U+FFFF.
  bool unicode_escape(std::string& out) {
    auto code = hex4();
    if (!code || (*code >= 0xDC00 && *code <= 0xDFFF)) return false;
    if (*code >= 0xD800 && *code <= 0xDBFF) {
      if (!literal("\\u")) return false;
      const auto low = hex4();
      if (!low || *low < 0xDC00 || *low > 0xDFFF) return false;
      code = 0x10000 + (((*code & 0x3FF) << 10) | (*low & 0x3FF));
    }
    append_utf8(*code, out);
    return true;
  }

  std::optional<std::string> parse_string() {
    if (pos_ >= text_.size() || text_[pos_] != '"') return std::nullopt;
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      const char c = text_[pos_++];
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) return std::nullopt;
      const char escaped = text_[pos_++];
      const auto simple = std::string_view("b\bf\fn\nr\rt\t\"\"\\\\//").find(escaped);
      if (escaped == 'u') {
        if (!unicode_escape(out)) return std::nullopt;
      } else if (simple != std::string_view::npos && simple % 2 == 0) {
        out.push_back(std::string_view("b\bf\fn\nr\rt\t\"\"\\\\//")[simple + 1]);
      } else {
        return std::nullopt;
      }
    }
    if (pos_ >= text_.size()) return std::nullopt;
    ++pos_;
    return out;
  }

  std::optional<Value> parse_string_value() {
    auto text = parse_string();
    if (!text) return std::nullopt;
    return Value::of_string(*text);
  }

  std::optional<Value> parse_container(int depth, char close) {
    Value value;
    value.kind = close == '}' ? Value::Kind::object : Value::Kind::array;
    ++pos_;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == close) {
      ++pos_;
      return value;
    }
    while (true) {
      skip_space();
      std::string name;
      if (close == '}') {
        auto key = parse_string();
        if (!key) return std::nullopt;
        name = std::move(*key);
        skip_space();
        if (!literal(":")) return std::nullopt;
        skip_space();
      }
      auto item = parse_value(depth + 1);
      if (!item) return std::nullopt;
      value.items.emplace_back(std::move(name), std::move(*item));
      skip_space();
      if (literal(",")) continue;
      if (pos_ < text_.size() && text_[pos_] == close) {
        ++pos_;
        return value;
      }
      return std::nullopt;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

// cJSON escapes quote, backslash and control bytes only; every other byte goes out as is.
void print_string(std::string_view text, std::string& out) {
  out += '"';
  for (const char signed_c : text) {
    const auto c = static_cast<unsigned char>(signed_c);
    const auto named = std::string_view("\"\"\\\\\bb\ff\nn\rr\tt").find(signed_c);
    if (named != std::string_view::npos && named % 2 == 0) {
      out += '\\';
      out += std::string_view("\"\"\\\\\bb\ff\nn\rr\tt")[named + 1];
    } else if (c < 32) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += signed_c;
    }
  }
  out += '"';
}

// 15 significant digits when they give the number back, else 17 (as cJSON).
void print_number(double number, std::string& out) {
  if (std::isnan(number) || std::isinf(number)) {
    out += "null";
    return;
  }
  char digits[32];
  std::snprintf(digits, sizeof digits, "%1.15g", number);
  if (std::strtod(digits, nullptr) != number)
    std::snprintf(digits, sizeof digits, "%1.17g", number);
  out += digits;
}

void print_value(const Value& value, bool pretty, int depth, std::string& out) {
  switch (value.kind) {
    case Value::Kind::null:
      out += "null";
      return;
    case Value::Kind::boolean:
      out += value.boolean ? "true" : "false";
      return;
    case Value::Kind::number:
      print_number(value.number, out);
      return;
    case Value::Kind::string:
      print_string(value.text, out);
      return;
    case Value::Kind::array:
      out += '[';
      for (std::size_t i = 0; i < value.items.size(); ++i) {
        if (i > 0) out += pretty ? ", " : ",";
        print_value(value.items[i].value, pretty, depth + 1, out);
      }
      out += ']';
      return;
    case Value::Kind::object:
      out += pretty ? "{\n" : "{";
      for (std::size_t i = 0; i < value.items.size(); ++i) {
        if (pretty) out.append(static_cast<std::size_t>(depth + 1), '\t');
        print_string(value.items[i].name, out);
        out += pretty ? ":\t" : ":";
        print_value(value.items[i].value, pretty, depth + 1, out);
        if (i + 1 < value.items.size()) out += ',';
        if (pretty) out += '\n';
      }
      if (pretty) out.append(static_cast<std::size_t>(depth), '\t');
      out += '}';
      return;
  }
}

}  // namespace

Value Value::of_number(double value) {
  Value out;
  out.kind = Kind::number;
  out.number = value;
  return out;
}

Value Value::of_string(std::string_view value) {
  Value out;
  out.kind = Kind::string;
  out.text = std::string(value);
  return out;
}

Value Value::object() {
  Value out;
  out.kind = Kind::object;
  return out;
}

Value& Value::add(std::string name, Value value) {
  items.emplace_back(std::move(name), std::move(value));
  return items.back().value;
}

std::optional<Value> parse(std::string_view text) {
  return Parser(text).document();
}

std::string print(const Value& value, bool pretty) {
  std::string out;
  print_value(value, pretty, 0, out);
  return out;
}

}  // namespace portmqtt::tools::json
