// How a call of the C++ API reports that it finished: completions in the Asio style.
//
// publish(), subscribe(), unsubscribe(), disconnect() and drain() take a completion token as
// their last argument, and what the call returns depends on the token:
//
//   client.publish("t", "x", {.qos = QoS::at_least_once},
//                  [](std::error_code ec, PublishResult r) { ... });   // callback: returns void
//   std::future<PublishResult> f = client.publish("t", "x", opts, portmqtt::use_future);
//   PublishResult r = co_await client.publish("t", "x", opts, portmqtt::use_awaitable);
//
// The signatures are void(std::error_code, PublishResult), void(std::error_code,
// SubscribeResult), void(std::error_code, UnsubscribeResult) and void(std::error_code).
// An empty error_code means the broker acknowledged (PUBACK/PUBCOMP with a success code,
// SUBACK, UNSUBACK) or, for QoS 0, that the message was handed to the connection. Otherwise the
// code says how it ended: a portmqtt::delivery_errc (refused, expired, session_lost,
// outcome_unknown, not_deliverable, stopped, timed_out) or a portmqtt::errc for a call that
// failed at once (invalid_topic, not_connected, outbox_full, ...). The result carries the
// details either way (handle, packet id, reason code, reason string, properties).
//
// Every operation completes exactly once. A callback runs on the client's loop thread, except
// when the call fails at once: it then runs inside the call, on the calling thread. use_future
// and use_awaitable deliver an error as a DeliveryError exception (a std::system_error whose
// result() keeps the details). A coroutine awaiting use_awaitable resumes on the loop thread
// (or at once when the operation had already ended).
//
// Asio's own tokens (asio::use_future, use_awaitable, deferred, detached, bind_executor, ...)
// work after #include "portmqtt/asio.hpp", which needs Boost.Asio; nothing here includes it.
//
// Other tokens plug in by specialising portmqtt::async_result<Token, Signature> (the
// customization point): `return_type`, and `static return_type initiate(Init, Token)` that
// calls `init(handler)` with a move-only handler callable with the signature's arguments.
// Only the standard library is needed here; nothing is forced on users who take callbacks.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "portmqtt/message.hpp"
#include "portmqtt/properties.hpp"
#include "portmqtt/reason_code.hpp"

namespace portmqtt {

/// How an accepted operation ended when it did not end with an acknowledgement.
enum class delivery_errc {
  /// The broker answered with a failure reason code (PUBACK/PUBREC >= 0x80, or a SUBACK /
  /// UNSUBACK refusing a filter). The result holds the code and the Reason String.
  refused = 1,
  /// Older than OutboxConfig::expiry before it could be acknowledged.
  expired,
  /// The broker lost the session (or, for SUBSCRIBE/UNSUBSCRIBE, the connection was lost
  /// before the ack) and the message was dropped (OutboxConfig::resend_after_lost_session).
  session_lost,
  /// QoS 2: the broker had received the message (PUBREC) when it lost the session; whether it
  /// reached subscribers cannot be known.
  outcome_unknown,
  /// The broker of a later connection cannot take the message (above its Maximum QoS or
  /// Maximum Packet Size, or the protocol version changed in a way it cannot survive).
  not_deliverable,
  /// stop() (or the destructor) ended the client before the operation finished.
  stopped,
  /// drain() or a stop that drains: not everything ended within the time given.
  timed_out,
};

const std::error_category& delivery_category() noexcept;
std::error_code make_error_code(delivery_errc e) noexcept;

/// Identifies one accepted publish for the life of its client: increasing, never reused.
/// 0 for a QoS 0 message written at once.
using MessageHandle = std::uint64_t;

/// What publish() reports when the message ended.
struct PublishResult {
  MessageHandle handle = 0;
  /// The packet id of its last flight; 0 for QoS 0 and for a message that never went out.
  PacketId packet_id = 0;
  QoS qos = QoS::at_most_once;
  /// The broker's reason code (PUBACK, PUBREC or PUBCOMP; MQTT 3.x: success). success for
  /// QoS 0 and for a message that ended without an answer.
  ReasonCode reason = ReasonCode::success;
  std::string reason_string;  ///< MQTT 5 Reason String of that answer, if any
  Properties properties;      ///< all MQTT 5 properties of that answer
};

/// What subscribe() reports: the SUBACK.
struct SubscribeResult {
  PacketId packet_id = 0;
  /// One per filter in request order: granted_qos_0..2, or a failure code (>= 0x80; the
  /// error is then delivery_errc::refused).
  std::vector<ReasonCode> reasons;
  std::string reason_string;
  Properties properties;
};

/// What unsubscribe() reports: the UNSUBACK.
struct UnsubscribeResult {
  PacketId packet_id = 0;
  std::vector<ReasonCode> reasons;  ///< MQTT 5; empty on 3.x
  std::string reason_string;
  Properties properties;
};

/// The exception use_future and use_awaitable deliver for an error; result() keeps what the
/// operation reported (for void operations: an empty PublishResult).
template <class T>
class BasicDeliveryError : public std::system_error {
 public:
  BasicDeliveryError(std::error_code ec, T result)
      : std::system_error(ec), result_(std::move(result)) {}
  const T& result() const noexcept { return result_; }

 private:
  T result_;
};
using DeliveryError = BasicDeliveryError<PublishResult>;

namespace detail {

/// A move-only std::function (C++20 has none): holds promises and coroutine handles. A
/// callable of up to InlineBytes that moves without throwing is kept inside (most completions
/// capture a pointer or two: no allocation per operation); a larger one on the heap.
template <class Signature, std::size_t InlineBytes = 4 * sizeof(void*)>
class Callback;
template <class R, class... Args, std::size_t InlineBytes>
class Callback<R(Args...), InlineBytes> {
 public:
  Callback() = default;
  template <class F>
  requires(!std::is_same_v<std::decay_t<F>, Callback> && std::is_invocable_v<F&, Args...>)
      Callback(F&& f)  // NOLINT(google-explicit-constructor)
  {
    using D = std::decay_t<F>;
    if constexpr (kInline<D>) {
      ::new (static_cast<void*>(storage_)) D(std::forward<F>(f));
      ops_ = &kInlineOps<D>;
    } else {
      ::new (static_cast<void*>(storage_)) D*(new D(std::forward<F>(f)));
      ops_ = &kHeapOps<D>;
    }
  }
  Callback(Callback&& other) noexcept { take(other); }
  Callback& operator=(Callback&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  Callback(const Callback&) = delete;
  Callback& operator=(const Callback&) = delete;
  ~Callback() { reset(); }

  explicit operator bool() const noexcept { return ops_ != nullptr; }
  R operator()(Args... args) { return ops_->call(storage_, std::forward<Args>(args)...); }

 private:
  struct Ops {
    R (*call)(void* storage, Args&&... args);
    void (*relocate)(void* from, void* to) noexcept;  // move into `to`, end the one in `from`
    void (*destroy)(void* storage) noexcept;
  };
  template <class D>
  static constexpr bool kInline =
      sizeof(D) <= InlineBytes &&
      alignof(D) <= alignof(std::max_align_t) && std::is_nothrow_move_constructible_v<D>;
  template <class D>
  static D& inline_object(void* storage) noexcept {
    return *std::launder(static_cast<D*>(storage));
  }
  template <class D>
  static D*& heap_pointer(void* storage) noexcept {
    return *std::launder(static_cast<D**>(storage));
  }
  template <class D>
  static constexpr Ops kInlineOps{[](void* storage, Args&&... args) -> R {
                                    return inline_object<D>(storage)(std::forward<Args>(args)...);
                                  },
                                  [](void* from, void* to) noexcept {
                                    D& object = inline_object<D>(from);
                                    ::new (to) D(std::move(object));
                                    object.~D();
                                  },
                                  [](void* storage) noexcept { inline_object<D>(storage).~D(); }};
  template <class D>
  static constexpr Ops kHeapOps{
      [](void* storage, Args&&... args) -> R {
        return (*heap_pointer<D>(storage))(std::forward<Args>(args)...);
      },
      [](void* from, void* to) noexcept { ::new (to) D*(heap_pointer<D>(from)); },
      [](void* storage) noexcept { delete heap_pointer<D>(storage); }};

  void take(Callback& other) noexcept {
    if (!other.ops_) return;
    other.ops_->relocate(other.storage_, storage_);
    ops_ = std::exchange(other.ops_, nullptr);
  }
  void reset() noexcept {
    if (ops_) std::exchange(ops_, nullptr)->destroy(storage_);
  }

  alignas(std::max_align_t) unsigned char storage_[InlineBytes < sizeof(void*) ? sizeof(void*)
                                                                               : InlineBytes];
  const Ops* ops_ = nullptr;
};

/// A callable that a token takes as a plain callback: it returns void. A callable that names an
/// executor or a cancellation slot (an Asio handler bound with bind_executor or
/// bind_cancellation_slot) is not one: its bindings would be ignored, so it needs
/// portmqtt/asio.hpp; neither are Asio's callable tokens (asio::use_future, asio::deferred),
/// whose call returns something.
template <class F, class... Args>
concept PlainCallback = std::is_invocable_v<F&, Args...> &&
    std::is_void_v<std::invoke_result_t<F&, Args...>> && !requires {
  typename F::executor_type;
}
&&!requires {
  typename F::cancellation_slot_type;
};

/// Marks the initiation of an operation that is only a wait (drain): giving up its completion
/// changes nothing in the client, so a token that can cancel (portmqtt/asio.hpp) may do so.
template <class F>
struct CancellableWait {
  F start;
  template <class Handler>
  void operator()(Handler&& handler) {
    start(std::forward<Handler>(handler));
  }
};
template <class F>
CancellableWait(F) -> CancellableWait<F>;

template <class T>
std::exception_ptr delivery_exception(std::error_code ec, T&& result) {
  return std::make_exception_ptr(BasicDeliveryError<std::decay_t<T>>(ec, std::forward<T>(result)));
}

}  // namespace detail

/// Token: the call returns a std::future of the result (std::future<void> for disconnect and
/// drain). Good for simple programs: `client.publish(..., use_future).get()`. Do not wait on
/// the future inside a handler of the same client: the loop that completes it is the one
/// waiting.
struct use_future_t {};
inline constexpr use_future_t use_future{};

/// Token: the call returns an Awaitable for C++20 coroutines (`co_await`). The operation
/// starts at the call, not at the co_await.
struct use_awaitable_t {};
inline constexpr use_awaitable_t use_awaitable{};

/// The customization point: how a token turns a started operation into a return value.
/// The primary template takes any callable with the signature's arguments (a callback).
template <class Token, class Signature>
struct async_result;

template <class Token, class... Args>
requires detail::PlainCallback<std::decay_t<Token>, Args...>
struct async_result<Token, void(Args...)> {
  using return_type = void;
  template <class Init, class T>
  static void initiate(Init&& init, T&& token) {
    std::forward<Init>(init)(detail::Callback<void(Args...)>(std::forward<T>(token)));
  }
};

template <class T>
struct async_result<use_future_t, void(std::error_code, T)> {
  using return_type = std::future<T>;
  template <class Init>
  static return_type initiate(Init&& init, use_future_t) {
    std::promise<T> promise;
    std::future<T> future = promise.get_future();
    std::forward<Init>(init)(detail::Callback<void(std::error_code, T)>(
        [p = std::move(promise)](std::error_code ec, T result) mutable {
          if (ec) {
            p.set_exception(detail::delivery_exception(ec, std::move(result)));
          } else {
            p.set_value(std::move(result));
          }
        }));
    return future;
  }
};

template <>
struct async_result<use_future_t, void(std::error_code)> {
  using return_type = std::future<void>;
  template <class Init>
  static return_type initiate(Init&& init, use_future_t) {
    std::promise<void> promise;
    std::future<void> future = promise.get_future();
    std::forward<Init>(init)(detail::Callback<void(std::error_code)>(
        [p = std::move(promise)](std::error_code ec) mutable {
          if (ec) {
            p.set_exception(detail::delivery_exception(ec, PublishResult{}));
          } else {
            p.set_value();
          }
        }));
    return future;
  }
};

/// What use_awaitable returns: `co_await` it once, in any C++20 coroutine. T is the result
/// type, or void. An error arrives as a BasicDeliveryError<T> (DeliveryError for void).
template <class T>
class Awaitable {
  using Value = std::conditional_t<std::is_void_v<T>, PublishResult, T>;

 public:
  struct State {
    std::mutex mutex;
    bool done = false;
    std::error_code error;
    Value value{};
    std::coroutine_handle<> waiter;

    void complete(std::error_code ec, Value v) {
      std::coroutine_handle<> resume;
      {
        std::lock_guard lock(mutex);
        error = ec;
        value = std::move(v);
        done = true;
        resume = std::exchange(waiter, {});
      }
      if (resume) resume.resume();
    }
  };

  explicit Awaitable(std::shared_ptr<State> state) : state_(std::move(state)) {}

  bool await_ready() const noexcept {
    std::lock_guard lock(state_->mutex);
    return state_->done;
  }
  bool await_suspend(std::coroutine_handle<> handle) {
    std::lock_guard lock(state_->mutex);
    if (state_->done) return false;  // ended meanwhile: go on at once
    state_->waiter = handle;
    return true;
  }
  T await_resume() {
    std::lock_guard lock(state_->mutex);
    if (state_->error) {
      throw BasicDeliveryError<Value>(state_->error, std::move(state_->value));
    }
    if constexpr (!std::is_void_v<T>) return std::move(state_->value);
  }

 private:
  std::shared_ptr<State> state_;
};

template <class T>
struct async_result<use_awaitable_t, void(std::error_code, T)> {
  using return_type = Awaitable<T>;
  template <class Init>
  static return_type initiate(Init&& init, use_awaitable_t) {
    auto state = std::make_shared<typename Awaitable<T>::State>();
    std::forward<Init>(init)(detail::Callback<void(std::error_code, T)>(
        [state](std::error_code ec, T result) { state->complete(ec, std::move(result)); }));
    return Awaitable<T>{std::move(state)};
  }
};

template <>
struct async_result<use_awaitable_t, void(std::error_code)> {
  using return_type = Awaitable<void>;
  template <class Init>
  static return_type initiate(Init&& init, use_awaitable_t) {
    auto state = std::make_shared<Awaitable<void>::State>();
    std::forward<Init>(init)(detail::Callback<void(std::error_code)>(
        [state](std::error_code ec) { state->complete(ec, PublishResult{}); }));
    return Awaitable<void>{std::move(state)};
  }
};

/// Starts an operation with `token`: what the async calls of Client use.
template <class Signature, class Token, class Init>
auto async_initiate(Init&& init, Token&& token) {
  return async_result<std::decay_t<Token>, Signature>::initiate(std::forward<Init>(init),
                                                                std::forward<Token>(token));
}

}  // namespace portmqtt

template <>
struct std::is_error_code_enum<portmqtt::delivery_errc> : std::true_type {};
