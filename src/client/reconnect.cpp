#include "client/reconnect.hpp"

#include <algorithm>
#include <cmath>

namespace portmqtt::detail {

std::chrono::milliseconds ReconnectBackoff::next_delay(const ReconnectConfig& config) {
  const unsigned failures = failures_;
  if (failures_ < 64) ++failures_;
  if (!config.exponential_backoff) return config.interval;
  double base = static_cast<double>(config.interval.count()) *
                std::pow(std::max(config.multiplier, 1.0), static_cast<double>(failures));
  double cap = static_cast<double>(std::max(config.max_interval, config.interval).count());
  base = std::min(base, cap);
  double jitter = std::clamp(config.jitter, 0.0, 1.0);
  std::uniform_real_distribution<double> spread(1.0 - jitter, 1.0 + jitter);
  double delay = std::min(base * spread(rng_), cap);
  return std::chrono::milliseconds{static_cast<std::int64_t>(delay)};
}

}  // namespace portmqtt::detail
