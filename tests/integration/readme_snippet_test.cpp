// The README's C++ snippet (built from README.md by CMake) starts, publishes one QoS 2 message
// and returns from main: the message must reach an independent subscriber (python3 paho).
#include <gtest/gtest.h>

#include <thread>

#include "mosquitto.hpp"
#include "process.hpp"

namespace portmqtt::test {
namespace {

using namespace std::chrono_literals;

// Subscribes at QoS 2, prints "ready" after the SUBACK, then "<topic> <qos> <payload>" for the
// first message, and exits.
constexpr const char* kSubscriber = R"PY(
import sys
import paho.mqtt.client as mqtt
port = int(sys.argv[1])
def on_connect(c, u, f, rc):
    c.subscribe("sensors/#", qos=2)
def on_subscribe(c, u, mid, granted):
    print("ready", flush=True)
def on_message(c, u, m):
    print(m.topic, m.qos, m.payload.decode(), flush=True)
    c.disconnect()
c = mqtt.Client(client_id="readme-sub")
c.on_connect = on_connect
c.on_subscribe = on_subscribe
c.on_message = on_message
c.connect("127.0.0.1", port)
c.loop_forever()
)PY";

bool wait_for_text(const std::filesystem::path& file, const std::string& needle,
                   std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (read_file(file).find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

TEST(ReadmeSnippet, DeliversItsQos2MessageBeforeExiting) {
  Mosquitto broker;
  TempDir dir;
  write_file(dir.path() / "sub.py", kSubscriber);
  Process sub({"/usr/bin/python3", (dir.path() / "sub.py").string(), std::to_string(broker.port())},
              dir.path() / "sub.out", dir.path() / "sub.err");
  ASSERT_TRUE(wait_for_text(dir.path() / "sub.out", "ready", 20s))
      << read_file(dir.path() / "sub.err");
  Process snippet({PORTMQTT_README_SNIPPET, broker.uri()}, dir.path() / "snippet.out",
                  dir.path() / "snippet.err");
  EXPECT_EQ(snippet.wait(20s), 0) << read_file(dir.path() / "snippet.err");
  EXPECT_EQ(sub.wait(20s), 0) << read_file(dir.path() / "sub.err");
  EXPECT_EQ(read_file(dir.path() / "sub.out"), "ready\nsensors/7 2 21.5\n");
}

}  // namespace
}  // namespace portmqtt::test
