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
    # The same publisher with a completion callback per message (scripts/bench puts the two
    # side by side).
    ("portmqtt_cpp_done", "portmqtt_cpp_done"),
    ("portmqtt_esp", "portmqtt_esp"),
]

# Durable outboxes, compared by scripts/bench --store (run_matrix.py --clients ...): Paho C's file
# persistence against portmqtt's SQLite store with group commit and with a commit per message.
STORE_CLIENTS = [
    ("paho_c_file", "paho_c --persist file"),
    ("portmqtt_cpp_store_group", "portmqtt_cpp --persist group"),
    ("portmqtt_cpp_store_per_message", "portmqtt_cpp --persist per_message"),
    # Without fsync: survives a crash of the process, not of the machine.
    ("portmqtt_cpp_store_per_message_nosync", "portmqtt_cpp --persist per_message_nosync"),
]

# Ratios in the tables are relative to this client.
REFERENCE = "mosq_loop"

# Publish-to-delivery latency through mosquitto (bench/scripts/latency.py): one program per
# client library that publishes timestamped messages to itself (bench/peers/latency_common.hpp).
LATENCY_CLIENTS = [
    ("portmqtt_cpp", "lat_portmqtt_cpp"),
    ("portmqtt_esp", "lat_portmqtt_esp"),
    ("mosq_thread", "lat_mosq"),
    # libmosquitto with MOSQ_OPT_TCP_NODELAY, as a latency-minded application would set it.
    ("mosq_thread_nodelay", "lat_mosq --tcp-nodelay"),
    ("paho_c", "lat_paho_c"),
]
