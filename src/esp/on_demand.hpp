// A value held on the heap only while it differs from its default: a client that never sets
// it (most ESP clients use neither TLS nor MQTT 5 properties) holds one pointer instead of the
// whole struct. Copies are deep, so a struct holding these copies like one holding the values.
#pragma once

#include <memory>

namespace portmqtt::esp {

template <class T>
class OnDemand {
 public:
  OnDemand() = default;
  OnDemand(const OnDemand& other)
      : value_(other.value_ ? std::make_unique<T>(*other.value_) : nullptr) {}
  OnDemand(OnDemand&&) noexcept = default;
  OnDemand& operator=(const OnDemand& other) {
    if (this != &other) value_ = other.value_ ? std::make_unique<T>(*other.value_) : nullptr;
    return *this;
  }
  OnDemand& operator=(OnDemand&&) noexcept = default;
  ~OnDemand() = default;

  /// Whether a value is held (on the heap).
  bool held() const { return value_ != nullptr; }
  /// The value, or a default-made T when none is held.
  const T& get() const {
    static const T kDefault{};
    return value_ ? *value_ : kDefault;
  }
  /// The value to change: made (from its default) on first use.
  T& edit() {
    if (!value_) value_ = std::make_unique<T>();
    return *value_;
  }
  /// Holds `value`, or nothing when `is_default` says it is the default.
  template <class IsDefault>
  void assign(T value, IsDefault is_default) {
    if (is_default(value))
      value_.reset();
    else if (value_)
      *value_ = std::move(value);
    else
      value_ = std::make_unique<T>(std::move(value));
  }

 private:
  std::unique_ptr<T> value_;
};

}  // namespace portmqtt::esp
