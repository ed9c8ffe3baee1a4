#!/usr/bin/env python3
"""Writes the seed corpus for fuzz_decode: one valid packet (or a short stream) per file.

Run from anywhere: python3 tests/fuzz/make_corpus.py. The bytes are written out by hand, one
field per line, so each seed is a known-good packet the fuzzer mutates from.
"""
import pathlib


def s(text):
    """A length-prefixed UTF-8 string or binary field."""
    data = text.encode() if isinstance(text, str) else bytes(text)
    return [len(data) >> 8, len(data) & 0xFF, *data]


SEEDS = {
    # --- MQTT 3.1 -------------------------------------------------------------------------
    "v31_connect": [
        0x10, 0x10,              # CONNECT, remaining length 16
        *s("MQIsdp"), 0x03,      # protocol name, level 3
        0x02, 0x00, 0x0A,        # flags: clean session; keep alive 10
        *s("c1"),                # client id
    ],
    "v31_connack": [0x20, 0x02, 0x00, 0x00],  # CONNACK, accepted
    # --- MQTT 3.1.1 -----------------------------------------------------------------------
    "v311_connect_full": [
        0x10, 0x21,              # CONNECT, remaining length 33
        *s("MQTT"), 0x04,        # protocol name, level 4
        0xEE, 0x00, 0x3C,        # flags: user, password, will retain/QoS 1, will, clean; keep alive 60
        *s("cid"),               # client id
        *s("w/t"), *s("by"),     # will topic, will payload
        *s("us"), *s([0x70, 0x00, 0x77]),  # user name, password
    ],
    "v311_connack_session": [0x20, 0x02, 0x01, 0x00],  # CONNACK, session present, accepted
    "v311_publish_qos0": [0x30, 0x0A, *s("a/b"), *b"hello"],
    "v311_publish_qos1": [0x3B, 0x09, *s("a/b"), 0x12, 0x34, 0x00, 0xFF],  # DUP, QoS 1, RETAIN
    "v311_publish_qos2": [0x34, 0x05, *s("t"), 0x00, 0x01],
    "v311_puback": [0x40, 0x02, 0x12, 0x34],
    "v311_pubrec": [0x50, 0x02, 0x12, 0x34],
    "v311_pubrel": [0x62, 0x02, 0x12, 0x34],
    "v311_pubcomp": [0x70, 0x02, 0x12, 0x34],
    "v311_subscribe": [0x82, 0x0C, 0x00, 0x0A, *s("a/+"), 0x01, *s("#"), 0x02],
    "v311_suback": [0x90, 0x04, 0x00, 0x0A, 0x01, 0x80],
    "v311_unsubscribe": [0xA2, 0x0A, 0x00, 0x0C, *s("a/#"), *s("b")],
    "v311_unsuback": [0xB0, 0x02, 0x00, 0x0C],
    "v311_pingreq": [0xC0, 0x00],
    "v311_pingresp": [0xD0, 0x00],
    "v311_disconnect": [0xE0, 0x00],
    # --- MQTT 5 ---------------------------------------------------------------------------
    "v5_connect": [
        0x10, 0x22,              # CONNECT, remaining length 34
        *s("MQTT"), 0x05,        # protocol name, level 5
        0xC6, 0x00, 0x1E,        # flags: user, password, will, clean start; keep alive 30
        0x05, 0x11, 0x00, 0x00, 0x00, 0x78,  # properties: Session Expiry Interval 120
        *s("c"),                 # client id
        0x02, 0x01, 0x01,        # will properties: Payload Format Indicator 1
        *s("t"), *s("x"),        # will topic, will payload
        *s("u"), *s("p"),        # user name, password
    ],
    "v5_connack": [
        0x20, 0x0A, 0x01, 0x00,  # CONNACK, session present, success
        0x07,                    # property length 7
        0x21, 0x00, 0x0A,        # Receive Maximum 10
        0x24, 0x01,              # Maximum QoS 1
        0x25, 0x00,              # Retain Available 0
    ],
    "v5_publish_props": [
        0x32, 0x12, *s("t"), 0x00, 0x07,  # PUBLISH QoS 1, topic "t", packet id 7
        0x0A,                    # property length 10
        0x01, 0x01,              # Payload Format Indicator 1
        0x23, 0x00, 0x05,        # Topic Alias 5
        0x0B, 0x02,              # Subscription Identifier 2
        0x0B, 0x81, 0x01,        # Subscription Identifier 129
        *b"hi",                  # payload
    ],
    "v5_publish_alias": [0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, *b"x"],
    "v5_puback_short": [0x40, 0x02, 0x00, 0x09],
    "v5_puback_reason": [0x40, 0x03, 0x00, 0x09, 0x10],
    "v5_pubrec_props": [0x50, 0x04, 0x00, 0x09, 0x80, 0x00],
    "v5_pubrel_reason_string": [0x62, 0x09, 0x00, 0x09, 0x92, 0x05, 0x1F, *s("nf")],
    "v5_pubcomp_user_property": [0x70, 0x0B, 0x00, 0x09, 0x00, 0x07, 0x26, *s("k"), *s("v")],
    "v5_subscribe": [
        0x82, 0x16, 0x00, 0x0B,  # SUBSCRIBE, remaining length 22, packet id 11
        0x02, 0x0B, 0x05,        # properties: Subscription Identifier 5
        *s("$share/g/x"), 0x2A,  # shared filter, retain handling 2, RAP, QoS 2
        *s("t"), 0x05,           # filter "t", no local, QoS 1
    ],
    "v5_suback": [0x90, 0x09, 0x00, 0x0A, 0x00, 0x00, 0x01, 0x02, 0x80, 0x87, 0x9E],
    "v5_unsubscribe": [0xA2, 0x0F, 0x00, 0x0C, 0x07, 0x26, *s("k"), *s("v"), *s("a/#")],
    "v5_unsuback": [0xB0, 0x05, 0x00, 0x0C, 0x00, 0x00, 0x11],
    "v5_disconnect_props": [0xE0, 0x07, 0x8B, 0x05, 0x1F, *s("by")],
    "v5_disconnect_reason": [0xE0, 0x01, 0x04],
    "v5_auth": [0xF0, 0x0E, 0x18, 0x0C, 0x15, *s("SCRM"), 0x16, *s([0x01, 0x02])],
    "v5_auth_short": [0xF0, 0x00],
}

# Streams of several packets, as a socket would deliver them.
SEEDS["v311_stream"] = SEEDS["v311_connack_session"] + SEEDS["v311_publish_qos1"] + SEEDS["v311_pingresp"]
SEEDS["v5_stream"] = SEEDS["v5_connack"] + SEEDS["v5_publish_props"] + SEEDS["v5_puback_short"]


def main():
    out = pathlib.Path(__file__).resolve().parent / "corpus" / "decode"
    out.mkdir(parents=True, exist_ok=True)
    for name, data in SEEDS.items():
        (out / f"{name}.bin").write_bytes(bytes(data))
    print(f"wrote {len(SEEDS)} seeds to {out}")


if __name__ == "__main__":
    main()
