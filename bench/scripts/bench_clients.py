"""The client programs the benchmark scripts compare.

Each entry is (name, command). The command is split like a shell line; a first word without
a slash is looked up by file name in the build directory. Every program takes the common
options (--host --port --count --size --qos --window --version --topic, and --recv) and
prints one JSON line; see bench/peers/peer_common.hpp.

To add a client, add one line, e.g. ("my_client", "my_client_pub").
"""

CLIENTS = [
    ("mosq_loop", "mosq_loop"),
    ("mosq_thread", "mosq_thread"),
    ("paho_c", "paho_c"),
    ("paho_cpp", "paho_cpp"),
    ("raw_batch", "raw_batch"),
    ("portmqtt_cpp", "portmqtt_cpp"),
    ("portmqtt_esp", "portmqtt_esp"),
]

# Ratios in the tables are relative to this client.
REFERENCE = "mosq_loop"
