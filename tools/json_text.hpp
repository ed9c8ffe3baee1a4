// The JSON that `portmqtt sub -F %j / %J` prints, laid out as mosquitto_sub lays it out (it
// prints with cJSON), and the parser that lets %J re-print a JSON payload the same way.
// Hand-written on purpose: Boost.JSON and nlohmann/json drop duplicate member names and print
// numbers and whitespace their own way, while scripts compare our output with mosquitto_sub's
// byte for byte.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portmqtt::tools::json {

struct Member;

/// A JSON value. Strings hold raw bytes (UTF-8 as received); objects keep member order and
/// duplicate names.
struct Value {
  enum class Kind { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool boolean = false;
  double number = 0.0;
  std::string text;
  /// Object members in order; array items with empty names. (A vector of a type declared
  /// later: std::vector allows an incomplete element type, std::pair does not.)
  std::vector<Member> items;

  static Value of_number(double value);
  static Value of_string(std::string_view value);
  static Value object();
  /// Appends a member to an object.
  Value& add(std::string name, Value value);
};

/// One object member or array item of a Value.
struct Member {
  Member(std::string member_name, Value member_value)
      : name(std::move(member_name)), value(std::move(member_value)) {}
  std::string name;
  Value value;
};

/// Parses a whole document (white space around it allowed) with the leniency of cJSON, which
/// mosquitto_sub uses: nothing when the text is not JSON.
std::optional<Value> parse(std::string_view text);

/// Prints compactly, or with `pretty` as cJSON_Print does (a tab per level, "name":<tab>value,
/// arrays on one line).
std::string print(const Value& value, bool pretty);

}  // namespace portmqtt::tools::json
