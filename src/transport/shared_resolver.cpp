#include "transport/shared_resolver.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace portmqtt::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// The resolver thread holds no copy of the connection's executor, which may be a strand:
// destroying a strand copy touches its io_context, which may be gone by the time this thread
// lets go of it. It holds work on the io_context's plain executor (trivial to destroy), and
// the strand travels inside the posted function, which the loop runs (or destroys with the
// io_context).
struct Lookup {
  std::string host;
  std::uint16_t port = 0;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  asio::any_io_executor executor;  // where `handler` runs
  ResolveHandler handler;
  std::shared_ptr<const std::atomic<bool>> abandoned;
};

class ResolverThread {
 public:
  void submit(Lookup lookup) {
    std::unique_lock lock(mutex_);
    if (!started_) {
      try {
        std::thread([this] { run(); }).detach();
        started_ = true;
      } catch (const std::system_error&) {
        lock.unlock();
        return fail(std::move(lookup), asio::error::no_memory);
      }
    }
    queue_.push_back(std::move(lookup));
    ready_.notify_one();
  }

 private:
  static void deliver(Lookup lookup, boost::system::error_code ec, tcp::resolver::results_type r) {
    asio::post(lookup.work.get_executor(), [executor = std::move(lookup.executor),
                                            handler = std::move(lookup.handler), ec,
                                            r = std::move(r)]() mutable {
      asio::dispatch(executor, [handler = std::move(handler), ec, r = std::move(r)]() mutable {
        handler(ec, std::move(r));
      });
    });
    // After the post, which holds work of its own: until then the io_context cannot end.
    lookup.work.reset();
  }

  static void fail(Lookup lookup, boost::system::error_code ec) {
    deliver(std::move(lookup), ec, {});
  }

  [[noreturn]] void run() {
    // A synchronous resolve calls getaddrinfo on this thread; its io_context only carries it.
    asio::io_context context;
    tcp::resolver resolver{context};
    for (;;) {
      std::optional<Lookup> lookup;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return !queue_.empty(); });
        lookup.emplace(std::move(queue_.front()));
        queue_.pop_front();
      }
      // One lookup at a time: one that its connection gave up on (deadline, close) while it
      // waited must not hold up the others, nor keep its connection's loop running.
      if (lookup->abandoned && lookup->abandoned->load()) {
        fail(std::move(*lookup), asio::error::operation_aborted);
        continue;
      }
      boost::system::error_code ec;
      auto results = resolver.resolve(lookup->host, std::to_string(lookup->port),
                                      tcp::resolver::numeric_service, ec);
      deliver(std::move(*lookup), ec, std::move(results));
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Lookup> queue_;
  bool started_ = false;
};

ResolverThread& resolver_thread() {
  // Never destroyed: at exit the thread may be inside getaddrinfo.
  static auto* const instance = new ResolverThread;
  return *instance;
}

}  // namespace

void resolve_on_shared_thread(std::string host, std::uint16_t port, asio::any_io_executor executor,
                              ResolveHandler handler,
                              std::shared_ptr<const std::atomic<bool>> abandoned) {
  // execution_context has no virtual functions to check the cast with; every connection runs
  // on an io_context of the runtime (LoopCore), as the header demands.
  auto& context = static_cast<asio::io_context&>(asio::query(executor, asio::execution::context));
  resolver_thread().submit(Lookup{std::move(host), port, asio::make_work_guard(context),
                                  std::move(executor), std::move(handler), std::move(abandoned)});
}

}  // namespace portmqtt::transport
