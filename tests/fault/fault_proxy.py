"""A TCP proxy for fault tests: forwards loopback connections to a broker and, on command,
black-holes the link, resets it, or resumes it.

  proxy = FaultProxy(broker_port)    # listens on proxy.port, forwarding at once
  proxy.blackhole()   # stop forwarding both ways; the sockets stay open and nothing is read,
                      # so the peers' windows close and their data goes unacknowledged
  proxy.resume()      # forward again, what was held included (a black hole delays, TCP
                      # retransmits: nothing is lost on the wire)
  proxy.reset()       # RST both sides of every connection (SO_LINGER 0, then close)
  proxy.close()

One thread runs a select() loop; commands reach it through a socketpair, so they take effect
between two passes and never while a buffer is half forwarded. The receive buffers are small
(4 KiB) so that a black hole closes the client's window after little data, as a dead link
stops acknowledging at once.
"""
import select
import socket
import struct
import threading

BUFFER = 4 * 1024
CHUNK = 64 * 1024


class _Pair:
    def __init__(self, client, upstream):
        self.client, self.upstream = client, upstream
        self.pending = {client: bytearray(), upstream: bytearray()}  # bytes to write to it
        self.eof = set()

    def other(self, s):
        return self.upstream if s is self.client else self.client

    def sockets(self):
        return (self.client, self.upstream)


def _small_buffers(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, BUFFER)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, BUFFER)


def _rst_close(s):
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    s.close()


class FaultProxy:
    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        _small_buffers(self.listener)  # inherited by accepted sockets, before the handshake
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.pairs = []
        self.forwarding = True
        self.accepted = 0
        self._commands = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._wake_r, self._wake_w = socket.socketpair()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    # --- commands (any thread) ----------------------------------------------------------
    def blackhole(self):
        self._command("blackhole")

    def resume(self):
        self._command("resume")

    def reset(self):
        self._command("reset")

    def close(self):
        self._command("close")
        self._thread.join(5)

    def _command(self, name):
        done = threading.Event()
        with self._lock:
            self._commands.append((name, done))
        self._wake_w.send(b"x")
        done.wait(5)

    # --- the loop -------------------------------------------------------------------------
    def _apply(self, name):
        if name == "blackhole":
            self.forwarding = False
        elif name == "resume":
            self.forwarding = True
        elif name == "reset":
            for pair in self.pairs:
                for s in pair.sockets():
                    _rst_close(s)
            self.pairs = []
        elif name == "close":
            for pair in self.pairs:
                for s in pair.sockets():
                    s.close()
            self.pairs = []
            self.listener.close()
            self._stopped = True

    def _accept(self):
        try:
            client, _ = self.listener.accept()
        except OSError:
            return
        upstream = socket.socket()
        _small_buffers(upstream)
        try:
            upstream.connect(self.target)
        except OSError:
            _rst_close(client)  # the broker is down: the client sees a reset, as it would
            upstream.close()
            return
        client.setblocking(False)
        upstream.setblocking(False)
        for s in (client, upstream):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.pairs.append(_Pair(client, upstream))
        self.accepted += 1

    def _drop(self, pair, reset):
        for s in pair.sockets():
            _rst_close(s) if reset else s.close()
        self.pairs.remove(pair)

    def _run(self):
        while not self._stopped:
            readers, writers = [self._wake_r], []
            if self.forwarding:
                readers.append(self.listener)  # a black hole answers no new connection either
                for pair in self.pairs:
                    for s in pair.sockets():
                        if s not in pair.eof and len(pair.pending[pair.other(s)]) < CHUNK:
                            readers.append(s)
                        if pair.pending[s]:
                            writers.append(s)
            readable, writable, _ = select.select(readers, writers, [], 0.5)
            if self._wake_r in readable:
                self._wake_r.recv(1024)
                with self._lock:
                    commands, self._commands = self._commands, []
                for name, done in commands:
                    self._apply(name)
                    done.set()
                continue  # the sets were made before the commands
            if self.listener in readable:
                self._accept()
            for pair in list(self.pairs):
                self._pump(pair, readable, writable)

    def _pump(self, pair, readable, writable):
        for s in pair.sockets():
            if s in writable and pair.pending[s]:
                try:
                    n = s.send(pair.pending[s])
                    del pair.pending[s][:n]
                except OSError:
                    return self._drop(pair, reset=True)
            if s in readable:
                try:
                    data = s.recv(CHUNK)
                except OSError:  # reset by the peer: pass the reset on
                    return self._drop(pair, reset=True)
                if data:
                    pair.pending[pair.other(s)] += data
                else:
                    pair.eof.add(s)
        # A side that ended: pass its end on once what it sent has been forwarded.
        for s in pair.sockets():
            if s in pair.eof and not pair.pending[pair.other(s)]:
                return self._drop(pair, reset=False)
