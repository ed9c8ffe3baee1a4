// The one definition of a portmqtt std::error_category. Each layer's error enum gets its
// category as an instance of EnumCategory: a name, a function that says each value in words,
// and optionally the portable std::error_condition a value is equivalent to. Header-only, so
// every layer (the I/O-free core included) can use it without linking anything.
#pragma once

#include <string>
#include <system_error>

namespace portmqtt::detail {

template <typename Enum>
class EnumCategory final : public std::error_category {
 public:
  using Describe = std::string (*)(Enum value);
  /// A value's portable condition; an empty condition (value 0) means "the default".
  using Condition = std::error_condition (*)(Enum value) noexcept;

  constexpr EnumCategory(const char* category_name, Describe describe_value,
                         Condition condition_of = nullptr) noexcept
      : name_(category_name), describe_(describe_value), condition_of_(condition_of) {}

  const char* name() const noexcept override { return name_; }
  std::string message(int value) const override { return describe_(static_cast<Enum>(value)); }
  std::error_condition default_error_condition(int value) const noexcept override {
    if (condition_of_ != nullptr)
      if (std::error_condition condition = condition_of_(static_cast<Enum>(value)))
        return condition;
    return std::error_category::default_error_condition(value);
  }

 private:
  const char* name_;
  Describe describe_;
  Condition condition_of_;
};

}  // namespace portmqtt::detail
