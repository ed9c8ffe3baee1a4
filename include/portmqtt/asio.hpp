// Asio completion tokens for the C++ API (opt-in; needs Boost.Asio 1.81 or later).
//
// After #include "portmqtt/asio.hpp", publish(), enqueue(), subscribe(), unsubscribe(),
// disconnect() and drain() take every Boost.Asio completion token besides the plain callbacks
// and portmqtt's own tokens of completion.hpp:
//
//   co_await client.publish("t", "x", {.qos = QoS::at_least_once}, asio::use_awaitable);
//   client.publish("t", "x", opts, {}, asio::use_future).get();
//   auto op = client.drain(5s, asio::deferred);                  // launched later
//   client.subscribe("s/#", {}, {}, asio::bind_executor(strand, handler));
//   client.publish("t", "x", opts, {}, asio::detached);
//   also asio::experimental::use_promise, as_tuple(...), redirect_error(...), consign(...)
//
// Asio sees the signatures with boost::system::error_code in place of std::error_code:
// void(boost::system::error_code, PublishResult), (..., SubscribeResult),
// (..., UnsubscribeResult) and void(boost::system::error_code). The code keeps its category,
// so `std::error_code(ec) == portmqtt::delivery_errc::refused` holds as before. As everywhere in
// Asio, use_future and use_awaitable turn an error into a boost::system::system_error and drop
// the result; wrap the token in asio::as_tuple (or use redirect_error) to keep the broker's
// reason code and reason string of a refused message.
//
// How the completion runs
//  - The operation starts at the call, for every token: a deferred operation (asio::deferred,
//    use_promise, use_awaitable) only waits for its completion when it is launched or awaited;
//    not launching it does not take the message back. A publish that waits for room
//    (back-pressure) waits inside the call, on the calling thread, as without Asio; in a
//    coroutine on a busy io_context prefer enqueue(), which never waits.
//  - The handler runs through its associated executor (asio::get_associated_executor): a
//    strand of bind_executor, the io_context of a coroutine, or the system executor when it
//    has none (the client's loop thread, or an Asio system thread when the operation had
//    already ended). It is dispatched there when the operation ends and posted there when it
//    had already ended at launch (a call that failed at once), never run inside the call. The
//    operation counts as outstanding work of that executor meanwhile, so io_context::run()
//    does not return before it.
//  - Cancellation (the handler's associated cancellation slot): drain() supports every
//    cancellation type: the drain completes at once with asio::error::operation_aborted and
//    the client is not affected (the messages keep going). publish, subscribe, unsubscribe and
//    disconnect ignore cancellation: once accepted, a message cannot be taken back from the
//    connection or the broker, and its completion still reports how it ended.
#pragma once

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>

#include "portmqtt/completion.hpp"

namespace portmqtt {
namespace detail {

/// The signature Asio sees for one of ours: boost::system::error_code in place of
/// std::error_code, because Asio's tokens treat only that type as an error.
template <class Signature>
struct AsioSignature;
template <class... Rest>
struct AsioSignature<void(std::error_code, Rest...)> {
  using type = void(boost::system::error_code, Rest...);
};

template <class Token, class... Args>
concept AsioToken =
    !PlainCallback<Token, Args...> && !std::is_same_v<Token, use_future_t> &&
    !std::is_same_v<Token, use_awaitable_t> &&
    boost::asio::completion_token_for<Token, typename AsioSignature<void(Args...)>::type>;

template <class F>
struct is_cancellable_wait : std::false_type {};
template <class F>
struct is_cancellable_wait<CancellableWait<F>> : std::true_type {};

/// One operation between the client, which completes it (any thread, once), and the Asio
/// handler, attached when the token launches it (maybe later, maybe never). Whichever comes
/// second delivers; a cancellation delivers operation_aborted instead when it comes first.
template <class... Args>
class AsioOperation {
 public:
  using Result = std::tuple<boost::system::error_code, Args...>;
  /// Takes the result and whether it must be posted (the handler was attached after the end).
  using Deliver = Callback<void(Result, bool)>;

  void complete(std::error_code ec, Args... args) {
    Deliver deliver;
    {
      std::lock_guard lock(mutex_);
      if (delivered_) return;  // cancelled meanwhile
      if (!deliver_) {
        result_.emplace(boost::system::error_code(ec), std::move(args)...);
        return;
      }
      delivered_ = true;
      deliver = std::move(deliver_);
    }
    deliver(Result(boost::system::error_code(ec), std::move(args)...), false);
  }

  void attach(Deliver deliver) {
    Result result;
    {
      std::lock_guard lock(mutex_);
      if (!result_) {
        deliver_ = std::move(deliver);
        return;
      }
      delivered_ = true;
      result = std::move(*result_);
    }
    deliver(std::move(result), true);
  }

  void cancel() {
    Deliver deliver;
    {
      std::lock_guard lock(mutex_);
      if (delivered_ || !deliver_) return;
      delivered_ = true;
      deliver = std::move(deliver_);
    }
    // Posted: the cancellation handler runs inside the slot's emit(), where the slot must not
    // be cleared; the delivery clears it.
    deliver(Result(boost::asio::error::operation_aborted, Args{}...), true);
  }

 private:
  std::mutex mutex_;
  bool delivered_ = false;
  std::optional<Result> result_;
  Deliver deliver_;
};

/// The initiation Asio runs when the token launches the operation: attaches the handler.
template <class... Args>
struct AsioAttach {
  std::shared_ptr<AsioOperation<Args...>> operation;
  bool cancellable = false;

  template <class Handler>
  void operator()(Handler&& handler) {
    using Result = typename AsioOperation<Args...>::Result;
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    const bool watch = cancellable && slot.is_connected();
    // Outstanding work on the handler's executor until it has run.
    auto executor = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                        boost::asio::execution::outstanding_work.tracked);
    if (watch) {
      slot.assign([weak = std::weak_ptr(operation)](boost::asio::cancellation_type type) {
        if (type == boost::asio::cancellation_type::none) return;
        if (auto op = weak.lock()) op->cancel();
      });
    }
    operation->attach([d = Delivery<Handler, decltype(executor), decltype(slot)>{
                           std::move(executor), std::forward<Handler>(handler), slot,
                           watch}](Result result, bool post) mutable {
      auto run = [h = std::move(d.handler), slot = d.slot, watch = d.watch,
                  result = std::move(result)]() mutable {
        if (watch) slot.clear();
        std::apply(std::move(h), std::move(result));
      };
      if (post) {
        boost::asio::post(d.work, std::move(run));
      } else {
        boost::asio::dispatch(d.work, std::move(run));
      }
    });
  }

 private:
  /// What the delivery keeps until it has run. The members are destroyed in reverse order, so
  /// the (moved-from) handler and its executor go before the outstanding work: once the work
  /// ends, the application may destroy the io_context, and a strand copy left in the handler
  /// must not outlive it.
  template <class Handler, class Work, class Slot>
  struct Delivery {
    Work work;
    std::decay_t<Handler> handler;
    Slot slot;
    bool watch;
  };
};

template <class Token, class Signature>
struct AsioReturn;
template <class Token, class... Rest>
struct AsioReturn<Token, void(std::error_code, Rest...)> {
  using type =
      decltype(boost::asio::async_initiate<Token, void(boost::system::error_code, Rest...)>(
          std::declval<AsioAttach<Rest...>>(), std::declval<Token&>()));
};

}  // namespace detail

/// Every Asio completion token that is not a plain callback (those keep the path of
/// completion.hpp, which needs no Asio).
template <class Token, class... Args>
requires detail::AsioToken<std::decay_t<Token>, Args...>
struct async_result<Token, void(Args...)> {
  using AsioSignature = typename detail::AsioSignature<void(Args...)>::type;

  template <class Init, class T>
  static auto initiate(Init&& init, T&& token) {
    return start(std::forward<Init>(init), std::forward<T>(token),
                 static_cast<void (*)(Args...)>(nullptr));
  }

  /// What the call returns (the same for every operation with this signature).
  using return_type = typename detail::AsioReturn<std::decay_t<Token>, void(Args...)>::type;

 private:
  // Splits Args into the std::error_code and the rest.
  template <class Init, class T, class... Rest>
  static auto start(Init&& init, T&& token, void (*)(std::error_code, Rest...)) {
    constexpr bool cancellable = detail::is_cancellable_wait<std::decay_t<Init>>::value;
    auto operation = std::make_shared<detail::AsioOperation<Rest...>>();
    std::forward<Init>(init)(detail::Callback<void(std::error_code, Rest...)>(
        [operation](std::error_code ec, Rest... rest) {
          operation->complete(ec, std::move(rest)...);
        }));
    return boost::asio::async_initiate<T, AsioSignature>(
        detail::AsioAttach<Rest...>{std::move(operation), cancellable}, token);
  }
};

}  // namespace portmqtt
