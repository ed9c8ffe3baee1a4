#!/usr/bin/python3
"""An independent MQTT 5 peer (Debian's paho-mqtt 1.6) for the ESP facade tests.

  paho_v5_peer.py sub PORT CLIENT_ID TOPIC COUNT
      Subscribes (QoS 1) and prints each message's topic, payload and properties, one
      "name=value" line each, followed by an empty line; exits 0 after COUNT messages.
  paho_v5_peer.py pub PORT CLIENT_ID TOPIC PAYLOAD
      Publishes one QoS 1 message with a fixed set of properties (see below) and exits 0.
"""
import sys
import threading

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

TIMEOUT_S = 20


def connect(port, client_id):
    client = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv5)
    connected = threading.Event()
    client.on_connect = lambda c, u, f, rc, p=None: connected.set()
    client.connect("127.0.0.1", port)
    client.loop_start()
    if not connected.wait(TIMEOUT_S):
        sys.exit("no CONNACK")
    return client


def describe(message):
    lines = [f"topic={message.topic}", f"payload={message.payload.decode('latin-1')}"]
    props = message.properties
    for name in ("PayloadFormatIndicator", "ResponseTopic", "ContentType"):
        if hasattr(props, name):
            lines.append(f"{name}={getattr(props, name)}")
    if hasattr(props, "CorrelationData"):
        lines.append(f"CorrelationData={props.CorrelationData.hex()}")
    for key, value in getattr(props, "UserProperty", []):
        lines.append(f"UserProperty={key}:{value}")
    return "\n".join(lines) + "\n\n"


def subscribe(port, client_id, topic, count):
    client = connect(port, client_id)
    received = []
    done = threading.Event()

    def on_message(c, userdata, message):
        received.append(describe(message))
        if len(received) >= count:
            done.set()

    client.on_message = on_message
    client.subscribe(topic, qos=1)
    ok = done.wait(TIMEOUT_S)
    sys.stdout.write("".join(received))
    client.disconnect()
    client.loop_stop()
    return 0 if ok else 1


def publish(port, client_id, topic, payload):
    client = connect(port, client_id)
    props = Properties(PacketTypes.PUBLISH)
    props.ResponseTopic = "reply/here"
    props.CorrelationData = b"\x01\x02corr"
    props.ContentType = "text/plain"
    props.PayloadFormatIndicator = 1
    props.UserProperty = ("origin", "paho")
    props.UserProperty = ("lang", "python")
    info = client.publish(topic, payload.encode(), qos=1, properties=props)
    info.wait_for_publish(TIMEOUT_S)
    client.disconnect()
    client.loop_stop()
    return 0 if info.is_published() else 1


if __name__ == "__main__":
    mode, port, client_id, topic, last = sys.argv[1:6]
    if mode == "sub":
        sys.exit(subscribe(int(port), client_id, topic, int(last)))
    sys.exit(publish(int(port), client_id, topic, last))
