// The delivery error category and the bookkeeping of completions still owed.
#include "client/completions.hpp"

#include <string>

#include "common/error_category.hpp"

namespace portmqtt {
namespace {

std::string describe(delivery_errc e) {
  switch (e) {
    case delivery_errc::refused:
      return "refused by the broker";
    case delivery_errc::expired:
      return "expired in the outbox before it was acknowledged";
    case delivery_errc::session_lost:
      return "dropped: the broker lost the session or the connection ended";
    case delivery_errc::outcome_unknown:
      return "outcome unknown: the broker had the message when it lost the session";
    case delivery_errc::not_deliverable:
      return "the broker cannot take the message";
    case delivery_errc::stopped:
      return "the client stopped before the operation ended";
    case delivery_errc::timed_out:
      return "not everything ended within the time given";
  }
  return "unknown delivery error";
}

}  // namespace

const std::error_category& delivery_category() noexcept {
  static const detail::EnumCategory<delivery_errc> category{"portmqtt.delivery", describe};
  return category;
}

std::error_code make_error_code(delivery_errc e) noexcept {
  return {static_cast<int>(e), delivery_category()};
}

namespace detail {

std::error_code error_of(session::DropReason why) {
  switch (why) {
    case session::DropReason::expired:
      return make_error_code(delivery_errc::expired);
    case session::DropReason::session_lost:
    case session::DropReason::connection_lost:
      return make_error_code(delivery_errc::session_lost);
    case session::DropReason::not_deliverable:
      return make_error_code(delivery_errc::not_deliverable);
    case session::DropReason::outcome_unknown:
      return make_error_code(delivery_errc::outcome_unknown);
  }
  return make_error_code(delivery_errc::session_lost);
}

void Completions::fail_all(std::error_code error, std::vector<Ready>& ready) {
  publishes.take_all([&](std::uint64_t handle, PublishDone done) {
    ready.emplace_back(std::move(done), error, handle, PacketId{0}, QoS::at_most_once,
                       ReasonCode::success);
  });
  if (!rare_) return;
  auto& [subscribes, unsubscribes, drains, disconnects, next_drain_id, reauthentications] = *rare_;
  (void)next_drain_id;
  for (auto& [id, done] : subscribes) {
    ready.emplace_back([done = std::move(done), error, id = id]() mutable {
      done(error, SubscribeResult{.packet_id = id});
    });
  }
  subscribes.clear();
  for (auto& [id, done] : unsubscribes) {
    ready.emplace_back([done = std::move(done), error, id = id]() mutable {
      done(error, UnsubscribeResult{.packet_id = id});
    });
  }
  unsubscribes.clear();
  for (DrainWaiter& drain : drains) {
    if (drain.timer) drain.timer->cancel();
    ready.emplace_back([done = std::move(drain.done), error]() mutable { done(error); });
  }
  drains.clear();
  for (VoidDone& done : disconnects) {
    ready.emplace_back([done = std::move(done), error]() mutable { done(error); });
  }
  disconnects.clear();
  for (VoidDone& done : reauthentications) {
    ready.emplace_back([done = std::move(done), error]() mutable { done(error); });
  }
  reauthentications.clear();
}

}  // namespace detail
}  // namespace portmqtt
