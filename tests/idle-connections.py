#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Hold idle TCP connections to a server, as a flooding or stalled client.

usage: idle-connections.py PORT N SOURCES READY DONE

Opens N connections to 127.0.0.1:PORT that never send a byte, from the
loopback source address SOURCES names: "one" (all from 127.0.0.5) or "many"
(each from its own address 127.1.x.y). Writes the number connected to the
file READY, then waits until the file DONE exists and writes to it how many
of them the server has closed by then. Exits after 60 s in any case.
"""

import os
import resource
import select
import socket
import sys
import time


def main():
    port, n, sources, ready, done = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    conns = []
    for i in range(n):
        s = socket.socket()
        s.bind(('127.0.0.5' if sources == 'one' else f'127.1.{i // 250}.{i % 250 + 1}', 0))
        try:
            s.connect(('127.0.0.1', port))
            conns.append(s)
        except OSError:
            s.close()
    with open(ready + '.tmp', 'w') as f:
        f.write(f'{len(conns)}\n')
    os.rename(ready + '.tmp', ready)
    deadline = time.monotonic() + 60
    while not os.path.exists(done) and time.monotonic() < deadline:
        time.sleep(0.05)
    closed = 0
    for s in conns:
        r, _, _ = select.select([s], [], [], 0)
        try:
            if r and s.recv(1) == b'':
                closed += 1
        except OSError:
            closed += 1
    with open(done, 'w') as f:
        f.write(f'{closed}\n')


if __name__ == '__main__':
    main()
