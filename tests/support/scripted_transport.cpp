#include "scripted_transport.hpp"

#include <algorithm>
#include <cerrno>
#include <deque>
#include <limits>
#include <optional>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace portmqtt::test {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using Milliseconds = std::chrono::milliseconds;

struct ScriptStep {
  enum class Kind : std::uint8_t { expect, deliver, read_error, write_error, stall_writes };
  Kind kind = Kind::deliver;
  Milliseconds delay{0};
  PacketMatcher matcher;
  Bytes bytes;
  std::error_code error;
};

struct ConnectionSpec {
  Milliseconds connect_delay{0};
  std::error_code connect_error;
  bool hang = false;
  std::size_t read_limit = 0;
  bool readability_waits = false;
  std::size_t write_limit = 0;
  Milliseconds write_pause{0};
  struct Failure {
    Op op;
    unsigned call;
    std::error_code error;
  };
  std::vector<Failure> failures;
  std::optional<Milliseconds> late_close;  // complete_after_close()
  Bytes late_read;
  std::vector<ScriptStep> steps;
  Milliseconds next_delay{0};  // set by after(), taken by the next step
};

std::error_code system_error(int value) {
  return {value, std::system_category()};
}

std::string hex(const Bytes& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : bytes) {
    if (!out.empty()) out += ' ';
    out += kDigits[b >> 4U];
    out += kDigits[b & 0xFU];
  }
  return out;
}

PacketMatcher exactly(Bytes packet, std::string name) {
  std::string description = name + " [" + hex(packet) + "]";
  return {[packet = std::move(packet)](const Bytes& got) { return got == packet; },
          std::move(description)};
}

PacketMatcher packet_of_type(std::uint8_t type, std::string name) {
  return {[type](const Bytes& got) { return !got.empty() && (got[0] >> 4U) == type; },
          std::move(name)};
}

// --- the transport --------------------------------------------------------------------------

namespace {

// The size of the whole packet at the front of `bytes`, or 0 while its header is incomplete.
std::size_t whole_packet_size(const Bytes& bytes) {
  std::size_t remaining = 0;
  unsigned shift = 0;
  for (std::size_t i = 1; i < bytes.size() && i <= 4; ++i) {
    remaining |= static_cast<std::size_t>(bytes[i] & 0x7FU) << shift;
    if ((bytes[i] & 0x80U) == 0) {
      const std::size_t size = 1 + i + remaining;
      return bytes.size() >= size ? size : 0;
    }
    shift += 7;
  }
  return 0;
}

const std::error_code kAborted{ECANCELED, std::system_category()};

}  // namespace

class ScriptedTransport final : public transport::Transport {
 public:
  ScriptedTransport(std::shared_ptr<Script> script, std::size_t index, ConnectionSpec spec,
                    asio::any_io_executor executor)
      : script_(std::move(script)),
        index_(index),
        spec_(std::move(spec)),
        executor_(executor),
        connect_timer_(executor),
        step_timer_(executor),
        write_timer_(executor),
        late_timer_(executor) {}

  void async_connect(const transport::Endpoint& endpoint,
                     transport::ConnectHandler handler) override {
    script_->change([&] { record().endpoint = endpoint; });
    connect_handler_ = std::move(handler);
    if (spec_.hang) return;
    if (spec_.connect_delay.count() == 0) return finish_connect();
    connect_timer_.expires_after(spec_.connect_delay);
    connect_timer_.async_wait([self = self()](boost::system::error_code ec) {
      if (!ec && !self->closed_) self->finish_connect();
    });
  }

  void async_read_some(transport::ByteSpan buffer, transport::IoHandler handler) override {
    ++read_calls_;
    if (closed_) return complete(std::move(handler), kAborted, 0);
    if (auto error = injected(Op::read, read_calls_)) return complete(std::move(handler), error, 0);
    read_buffer_ = buffer;
    read_handler_ = std::move(handler);
    serve_read();
  }

  bool async_wait_readable(transport::ConnectHandler handler) override {
    if (!spec_.readability_waits) return false;
    script_->change([&] { ++record().readable_waits; });
    if (closed_) {
      asio::post(executor_, [handler = std::move(handler), keep = self()] { handler(kAborted); });
      return true;
    }
    wait_handler_ = std::move(handler);
    serve_read();
    return true;
  }

  void async_write(std::span<const transport::ConstByteSpan> buffers,
                   transport::IoHandler handler) override {
    ++write_calls_;
    if (closed_) return complete(std::move(handler), kAborted, 0);
    std::error_code error = injected(Op::write, write_calls_);
    if (!error && next_write_error_) error = *std::exchange(next_write_error_, std::nullopt);
    if (error) return complete(std::move(handler), error, 0);
    // The spans are read part by part, as a socket would: the runtime must keep them valid.
    write_buffers_.assign(buffers.begin(), buffers.end());
    if (writes_stall_) {
      write_handler_ = std::move(handler);  // until close()
      return;
    }
    write_index_ = 0;
    write_offset_ = 0;
    write_total_ = 0;
    write_handler_ = std::move(handler);
    write_part();
  }

  void close() override {
    script_->change([&] { ++record().closes; });
    if (closed_) return;
    closed_ = true;
    connect_timer_.cancel();
    step_timer_.cancel();
    write_timer_.cancel();
    if (spec_.late_close) {
      late_timer_.expires_after(*spec_.late_close);
      late_timer_.async_wait([self = self()](boost::system::error_code) { self->complete_late(); });
      return;
    }
    if (connect_handler_) post_connect(kAborted);
    if (read_handler_) complete(std::exchange(read_handler_, nullptr), kAborted, 0);
    if (wait_handler_) {
      asio::post(executor_, [handler = std::exchange(wait_handler_, nullptr), keep = self()] {
        handler(kAborted);
      });
    }
    if (write_handler_) complete(std::exchange(write_handler_, nullptr), kAborted, 0);
  }

 private:
  std::shared_ptr<ScriptedTransport> self() {
    return std::static_pointer_cast<ScriptedTransport>(shared_from_this());
  }

  ConnectionRecord& record() { return script_->records_[index_]; }  // under the script's lock

  std::error_code injected(Op op, unsigned call) const {
    for (const auto& f : spec_.failures)
      if (f.op == op && f.call == call) return f.error;
    return {};
  }

  // complete_after_close(): what close() left pending completes without an error, each handler
  // counted once it has returned.
  void complete_late() {
    auto counted = [self = self()] {
      self->script_->change([&] { ++self->record().late_completions; });
    };
    if (connect_handler_) {
      asio::post(executor_, [handler = std::exchange(connect_handler_, nullptr), counted] {
        handler(std::error_code{});
        counted();
      });
    }
    if (wait_handler_) {
      asio::post(executor_, [handler = std::exchange(wait_handler_, nullptr), counted] {
        handler(std::error_code{});
        counted();
      });
    }
    if (read_handler_) {
      const std::size_t n = std::min(read_buffer_.size(), spec_.late_read.size());
      std::copy_n(spec_.late_read.begin(), n, read_buffer_.begin());
      asio::post(executor_, [handler = std::exchange(read_handler_, nullptr), n, counted] {
        handler(std::error_code{}, n);
        counted();
      });
    }
    if (write_handler_) {
      std::size_t n = 0;
      for (const transport::ConstByteSpan b : write_buffers_)
        n += b.size();
      asio::post(executor_, [handler = std::exchange(write_handler_, nullptr), n, counted] {
        handler(std::error_code{}, n);
        counted();
      });
    }
  }

  void complete(transport::IoHandler handler, std::error_code ec, std::size_t n) {
    asio::post(executor_, [handler = std::move(handler), ec, n, keep = self()] { handler(ec, n); });
  }

  void post_connect(std::error_code ec) {
    asio::post(executor_, [handler = std::exchange(connect_handler_, nullptr), ec, keep = self()] {
      handler(ec);
    });
  }

  void finish_connect() {
    std::error_code ec = spec_.connect_error;
    if (!ec) ec = injected(Op::connect, 1);
    connected_ = !ec;
    script_->change([&] { record().connected = connected_; });
    post_connect(ec);
    if (connected_) run_steps();
  }

  // --- reading ------------------------------------------------------------------------------

  struct Chunk {
    Bytes bytes;
    std::size_t offset = 0;
    std::error_code error;
  };

  void serve_read() {
    if (wait_handler_ && !inbound_.empty()) {
      // Readable: bytes or an error wait. The read that follows takes them.
      asio::post(executor_, [handler = std::exchange(wait_handler_, nullptr), keep = self()] {
        handler(std::error_code{});
      });
    }
    if (!read_handler_ || inbound_.empty()) return;
    Chunk& chunk = inbound_.front();
    if (chunk.error) {
      const std::error_code ec = chunk.error;
      inbound_.pop_front();
      return complete(std::exchange(read_handler_, nullptr), ec, 0);
    }
    std::size_t n = std::min(read_buffer_.size(), chunk.bytes.size() - chunk.offset);
    if (spec_.read_limit != 0) n = std::min(n, spec_.read_limit);
    std::copy_n(chunk.bytes.begin() + static_cast<std::ptrdiff_t>(chunk.offset), n,
                read_buffer_.begin());
    chunk.offset += n;
    if (chunk.offset == chunk.bytes.size()) inbound_.pop_front();
    script_->change([&] { record().reads.push_back(n); });
    complete(std::exchange(read_handler_, nullptr), {}, n);
  }

  // --- writing ------------------------------------------------------------------------------

  void write_part() {
    std::size_t budget =
        spec_.write_limit != 0 ? spec_.write_limit : std::numeric_limits<std::size_t>::max();
    Bytes part;
    while (budget != 0 && write_index_ < write_buffers_.size()) {
      const transport::ConstByteSpan buffer = write_buffers_[write_index_];
      const std::size_t n = std::min(budget, buffer.size() - write_offset_);
      part.insert(part.end(), buffer.begin() + static_cast<std::ptrdiff_t>(write_offset_),
                  buffer.begin() + static_cast<std::ptrdiff_t>(write_offset_ + n));
      budget -= n;
      write_offset_ += n;
      if (write_offset_ == buffer.size()) {
        ++write_index_;
        write_offset_ = 0;
      }
    }
    write_total_ += part.size();
    const bool done = write_index_ == write_buffers_.size();
    take_written(part, done);
    if (done) {
      complete(std::exchange(write_handler_, nullptr), {}, write_total_);
    } else if (spec_.write_pause.count() > 0) {
      write_timer_.expires_after(spec_.write_pause);
      write_timer_.async_wait([self = self()](boost::system::error_code ec) {
        if (!ec && !self->closed_) self->write_part();
      });
    } else {
      asio::post(executor_, [self = self()] {
        if (!self->closed_) self->write_part();
      });
    }
    run_steps();
  }

  // Records the part and cuts what has arrived into whole packets.
  void take_written(const Bytes& part, bool write_done) {
    unparsed_.insert(unparsed_.end(), part.begin(), part.end());
    std::vector<Bytes> packets;
    while (std::size_t size = whole_packet_size(unparsed_)) {
      packets.emplace_back(unparsed_.begin(),
                           unparsed_.begin() + static_cast<std::ptrdiff_t>(size));
      unparsed_.erase(unparsed_.begin(), unparsed_.begin() + static_cast<std::ptrdiff_t>(size));
    }
    script_->change([&] {
      ConnectionRecord& r = record();
      r.written.insert(r.written.end(), part.begin(), part.end());
      r.parts.push_back(part.size());
      if (write_done) r.writes.push_back(write_total_);
      r.packets.insert(r.packets.end(), packets.begin(), packets.end());
    });
    for (Bytes& p : packets)
      unmatched_.push_back(std::move(p));
  }

  // --- the steps ----------------------------------------------------------------------------

  void run_steps() {
    if (!connected_ || delaying_) return;
    while (!closed_ && step_ < spec_.steps.size()) {
      const ScriptStep& step = spec_.steps[step_];
      if (step.delay.count() > 0 && !delay_elapsed_) {
        delaying_ = true;
        step_timer_.expires_after(step.delay);
        step_timer_.async_wait([self = self()](boost::system::error_code ec) {
          if (ec || self->closed_) return;
          self->delaying_ = false;
          self->delay_elapsed_ = true;
          self->run_steps();
        });
        return;
      }
      switch (step.kind) {
        case ScriptStep::Kind::expect: {
          if (unmatched_.empty()) return;
          Bytes got = std::move(unmatched_.front());
          unmatched_.pop_front();
          if (!step.matcher.matches(got)) {
            script_->change([&] {
              script_->mismatches_.push_back("connection " + std::to_string(index_) + " step " +
                                             std::to_string(step_) + ": expected " +
                                             step.matcher.description + ", got [" + hex(got) + "]");
            });
          }
          break;
        }
        case ScriptStep::Kind::deliver:
          inbound_.push_back({step.bytes, 0, {}});
          serve_read();
          break;
        case ScriptStep::Kind::read_error:
          inbound_.push_back({{}, 0, step.error});
          serve_read();
          break;
        case ScriptStep::Kind::write_error:
          next_write_error_ = step.error;
          break;
        case ScriptStep::Kind::stall_writes:
          writes_stall_ = true;
          break;
      }
      ++step_;
      delay_elapsed_ = false;
    }
    if (step_ == spec_.steps.size() && !steps_done_) {
      steps_done_ = true;
      script_->change([&] { record().steps_done = true; });
    }
  }

  std::shared_ptr<Script> script_;
  const std::size_t index_;
  const ConnectionSpec spec_;
  asio::any_io_executor executor_;
  asio::steady_timer connect_timer_;
  asio::steady_timer step_timer_;
  asio::steady_timer write_timer_;
  asio::steady_timer late_timer_;  // complete_after_close()

  bool connected_ = false;
  bool closed_ = false;
  transport::ConnectHandler connect_handler_;
  unsigned read_calls_ = 0;
  unsigned write_calls_ = 0;

  std::deque<Chunk> inbound_;
  transport::ByteSpan read_buffer_;
  transport::IoHandler read_handler_;
  transport::ConnectHandler wait_handler_;  // async_wait_readable(), until bytes are there

  std::vector<transport::ConstByteSpan> write_buffers_;
  std::size_t write_index_ = 0;
  std::size_t write_offset_ = 0;
  std::size_t write_total_ = 0;
  transport::IoHandler write_handler_;
  std::optional<std::error_code> next_write_error_;
  bool writes_stall_ = false;
  Bytes unparsed_;
  std::deque<Bytes> unmatched_;

  std::size_t step_ = 0;
  bool delaying_ = false;
  bool delay_elapsed_ = false;
  bool steps_done_ = false;
};

// --- the script -----------------------------------------------------------------------------

Script::Script() = default;
Script::~Script() = default;

ConnectionScript Script::connection() {
  change([&] { specs_.push_back(std::make_unique<ConnectionSpec>()); });
  std::lock_guard lock(mutex_);
  return ConnectionScript(*this, specs_.size() - 1);
}

transport::TransportFactoryScope Script::install() {
  return transport::TransportFactoryScope([weak = weak_from_this()](
                                              transport::Scheme, asio::any_io_executor executor,
                                              const transport::Options&,
                                              std::shared_ptr<transport::Transport>& out,
                                              transport::TlsDiagnostics*) -> std::error_code {
    auto self = weak.lock();
    if (!self) return std::make_error_code(std::errc::connection_refused);
    ConnectionSpec spec;
    std::size_t index = 0;
    self->change([&] {
      index = self->records_.size();
      self->records_.push_back({});
      self->records_.back().made = Clock::now();
      if (index < self->specs_.size()) {
        spec = *self->specs_[index];
      } else {
        spec.connect_error = system_error(ECONNREFUSED);  // nobody listens
      }
    });
    out = std::make_shared<ScriptedTransport>(self, index, std::move(spec), std::move(executor));
    return {};
  });
}

std::size_t Script::attempts() const {
  std::lock_guard lock(mutex_);
  return records_.size();
}

ConnectionRecord Script::record(std::size_t index) const {
  std::lock_guard lock(mutex_);
  return index < records_.size() ? records_[index] : ConnectionRecord{};
}

std::vector<std::string> Script::mismatches() const {
  std::lock_guard lock(mutex_);
  return mismatches_;
}

bool Script::wait(const std::function<bool()>& done, std::chrono::milliseconds timeout) const {
  const auto until = Clock::now() + timeout;
  for (;;) {
    std::uint64_t seen;
    {
      std::lock_guard lock(mutex_);
      seen = version_;
    }
    if (done()) return true;
    std::unique_lock lock(mutex_);
    if (!changed_.wait_until(lock, until, [&] { return version_ != seen; })) {
      lock.unlock();  // `done` takes the lock itself
      return done();
    }
  }
}

bool Script::wait_attempts(std::size_t count, std::chrono::milliseconds timeout) const {
  return wait([&] { return attempts() >= count; }, timeout);
}

bool Script::wait_steps_done(std::size_t index, std::chrono::milliseconds timeout) const {
  return wait([&] { return record(index).steps_done; }, timeout);
}

bool Script::wait_packets(std::size_t index, std::size_t count,
                          std::chrono::milliseconds timeout) const {
  return wait([&] { return record(index).packets.size() >= count; }, timeout);
}

// --- building a connection's script ---------------------------------------------------------

template <class F>
ConnectionScript& ConnectionScript::edit(F&& change) {
  std::lock_guard lock(script_.mutex_);
  change(*script_.specs_[index_]);
  return *this;
}

ConnectionScript& ConnectionScript::add(ScriptStep step) {
  return edit([&](ConnectionSpec& spec) {
    step.delay = std::exchange(spec.next_delay, Milliseconds{0});
    spec.steps.push_back(std::move(step));
  });
}

ConnectionScript& ConnectionScript::connect_after(std::chrono::milliseconds delay) {
  return edit([&](ConnectionSpec& spec) { spec.connect_delay = delay; });
}

ConnectionScript& ConnectionScript::refuse(std::error_code error) {
  return edit([&](ConnectionSpec& spec) { spec.connect_error = error; });
}

ConnectionScript& ConnectionScript::hang() {
  return edit([&](ConnectionSpec& spec) { spec.hang = true; });
}

ConnectionScript& ConnectionScript::read_limit(std::size_t n) {
  return edit([&](ConnectionSpec& spec) { spec.read_limit = n; });
}

ConnectionScript& ConnectionScript::readability_waits() {
  return edit([&](ConnectionSpec& spec) { spec.readability_waits = true; });
}

ConnectionScript& ConnectionScript::write_limit(std::size_t n, std::chrono::milliseconds pause) {
  return edit([&](ConnectionSpec& spec) {
    spec.write_limit = n;
    spec.write_pause = pause;
  });
}

ConnectionScript& ConnectionScript::fail_call(Op op, unsigned k, std::error_code error) {
  return edit([&](ConnectionSpec& spec) { spec.failures.push_back({op, k, error}); });
}

ConnectionScript& ConnectionScript::complete_after_close(std::chrono::milliseconds delay,
                                                         Bytes read_bytes) {
  return edit([&](ConnectionSpec& spec) {
    spec.late_close = delay;
    spec.late_read = std::move(read_bytes);
  });
}

ConnectionScript& ConnectionScript::after(std::chrono::milliseconds delay) {
  return edit([&](ConnectionSpec& spec) { spec.next_delay = delay; });
}

ConnectionScript& ConnectionScript::expect(Bytes packet, std::string name) {
  return expect(exactly(std::move(packet), std::move(name)));
}

ConnectionScript& ConnectionScript::expect(PacketMatcher matcher) {
  return add({.kind = ScriptStep::Kind::expect, .matcher = std::move(matcher)});
}

ConnectionScript& ConnectionScript::deliver(Bytes bytes) {
  return add({.kind = ScriptStep::Kind::deliver, .bytes = std::move(bytes)});
}

ConnectionScript& ConnectionScript::deliver_split(const Bytes& bytes,
                                                  const std::vector<std::size_t>& cuts) {
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    cut = std::clamp(cut, from, bytes.size());
    deliver(Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(from),
                  bytes.begin() + static_cast<std::ptrdiff_t>(cut)));
    from = cut;
  }
  return deliver(Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(from), bytes.end()));
}

ConnectionScript& ConnectionScript::read_error(std::error_code error) {
  return add({.kind = ScriptStep::Kind::read_error, .error = error});
}

ConnectionScript& ConnectionScript::write_error(std::error_code error) {
  return add({.kind = ScriptStep::Kind::write_error, .error = error});
}

ConnectionScript& ConnectionScript::stall_writes() {
  return add({.kind = ScriptStep::Kind::stall_writes});
}

}  // namespace portmqtt::test
