#!/usr/bin/env python3
"""Writes the seed corpus for fuzz_session into tests/fuzz/corpus/session/.

Run from anywhere: python3 tests/fuzz/make_session_corpus.py. Each seed is a script in the
fuzz target's input language (see fuzz_session.cpp): a config byte, a keep-alive byte, for
MQTT 5 a limits byte, a CONNACK byte, then operations. The seeds walk complete QoS 1/2 flows
in both directions, subscriptions, aliases and reconnects, so the fuzzer starts from deep states.
"""
import pathlib


def recv(packet):
    """Operation 0: feed these bytes as one read."""
    return [0, len(packet), *packet]


def publish(bits, payload=b"x"):
    """Operation 3: bits = topic index | QoS << 3 | retain 0x20 | alias 0x40 | store 0x80."""
    return [3, bits, len(payload), *payload]


def tick(steps):
    """Operation 2: advance the clock by steps x 50 ms and run the timers."""
    return [2, steps]


def reconnect(with_connack=1, connack_bits=1):
    """Operation 6: lose the connection, open a new one, maybe accept it (bit 0: present)."""
    return [6, with_connack, connack_bits]


SEEDS = {
    "v311_flows": [
        0x09, 0x03, 0x00,  # 3.1.1, retransmit on, keep-alive 3 s; CONNACK without session
        *publish(0x08), *recv([0x40, 0x02, 0x00, 0x01]),              # QoS 1 + PUBACK
        *publish(0x10),                                               # QoS 2 id 2
        *recv([0x50, 0x02, 0x00, 0x02]), *recv([0x70, 0x02, 0x00, 0x02]),  # PUBREC, PUBCOMP
        *recv([0x34, 0x07, 0x00, 0x01, ord("a"), 0x00, 0x05, ord("h"), ord("i")]),  # in QoS 2
        *recv([0x62, 0x02, 0x00, 0x05]),                              # PUBREL
        *publish(0x10), *tick(20), *reconnect(1, 1),                  # resend after reconnect
        *recv([0x50, 0x02, 0x00, 0x03]),
        4, 0x01, *recv([0x90, 0x04, 0x00, 0x04, 0x00, 0x01]),         # SUBSCRIBE + SUBACK
        5, 0x00, *recv([0xB0, 0x02, 0x00, 0x05]),                     # UNSUBSCRIBE + UNSUBACK
        *tick(200), *recv([0xD0, 0x00]),                              # ping, PINGRESP
    ],
    "v5_flows": [
        0x12, 0x02, 0x05, 0x0A,  # MQTT 5, expiry on; limits byte; CONNACK receive max 2 ...
        *publish(0x48), 0x01,    # QoS 1 with topic alias 1
        *recv([0x40, 0x02, 0x00, 0x01]),
        *publish(0x10), *recv([0x50, 0x03, 0x00, 0x02, 0x80]),        # PUBREC refused
        *recv([0x34, 0x08, 0x00, 0x01, ord("a"), 0x00, 0x05, 0x00, ord("h"), ord("i")]),
        *recv([0x62, 0x02, 0x00, 0x05]),
        *recv([0x30, 0x08, 0x00, 0x01, ord("a"), 0x03, 0x23, 0x00, 0x01, ord("h")]),  # alias
        *recv([0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, ord("h")]),
        *publish(0x08), *publish(0x08), *publish(0x08), *reconnect(1, 1), *tick(100),
        *recv([0xE0, 0x01, 0x8B]), 7, 3, *reconnect(1, 0), *recv([0xF0, 0x00]),
    ],
    "v31_offline": [
        0x30, 0x01, 0x00,  # MQTT 3.1, expiry on, message limit on
        *reconnect(0), *publish(0x88), *publish(0x08), *tick(255), *tick(255), *reconnect(1, 0),
    ],
}

out = pathlib.Path(__file__).resolve().parent / "corpus" / "session"
out.mkdir(parents=True, exist_ok=True)
for name, data in SEEDS.items():
    (out / f"{name}.bin").write_bytes(bytes(data))
print(f"wrote {len(SEEDS)} seeds to {out}")
