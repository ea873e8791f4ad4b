#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Attack respited's feed server on loopback, as a hostile network peer would.

usage: http-attack.py flood PORT PATH N
       http-attack.py idle PORT PATH N WAIT
       http-attack.py slowloris PORT PATH N ADDRESSES SECONDS
       http-attack.py smuggle PORT PATH

flood: opens N connections to 127.0.0.1:PORT (as many as connect within
  30 s; each from its own source address 127.2.x.y), holds them 1 s, closes
  them all at once, then GETs PATH until one answers 200.
idle: opens N connections that never send a byte (max_connections is
  reached), waits WAIT seconds (the server's connection_timeout closes
  them), then GETs PATH until one answers 200.
  Both print "recovered S" (seconds from the close, or from the end of WAIT,
  to the first 200; "recovered never" after 10 s) and "connected N".
slowloris: opens N connections from 127.0.0.1 .. 127.0.0.ADDRESSES, each
  sending the start of a request then one header byte a second, for SECONDS
  seconds; meanwhile GETs PATH from 127.0.0.200 every 0.25 s. Prints
  "connected N", "closed N" (the slow connections the server closed),
  "gets N" (answered 200), "failed N" and "slowest S" (the slowest GET).
smuggle: sends each smuggling request (a GET with a body and a second GET
  hidden after it) on its own connection and prints one line per case:
  NAME STATUS SERVED CLOSED (STATUS: of the first answer; SERVED: how many
  answers were 200, the hidden request's included; CLOSED: yes when the
  server closed the connection within 3 s).
Bounded: every step has a deadline, the whole run well under a minute.
"""

import errno
import resource
import selectors
import socket
import sys
import time


def raise_nofile():
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))


def get(port, path, source='127.0.0.200', timeout=3.0):
    """One GET on a new connection: (status or None, seconds)."""
    start = time.monotonic()
    s = socket.socket()
    s.settimeout(timeout)
    try:
        s.bind((source, 0))
        s.connect(('127.0.0.1', port))
        s.sendall(f'GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'.encode())
        data = b''
        while b'\r\n' not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        status = int(data.split(b' ', 2)[1]) if data.startswith(b'HTTP/1.1 ') else None
    except (OSError, ValueError, IndexError):
        status = None
    finally:
        s.close()
    return status, time.monotonic() - start


def recover(port, path, start):
    """GETs until one answers 200: seconds from start, or None after 10 s."""
    while time.monotonic() - start < 10:
        status, _ = get(port, path, timeout=1.0)
        if status == 200:
            return time.monotonic() - start
        time.sleep(0.02)
    return None


def connect_many(port, n, source_of, deadline):
    conns = []
    for i in range(n):
        if time.monotonic() > deadline:
            break
        s = socket.socket()
        s.setblocking(False)
        try:
            s.bind((source_of(i), 0))
            s.connect_ex(('127.0.0.1', port))
            conns.append(s)
        except OSError:
            s.close()
            if len(conns) == 0:
                raise
    # wait for the handshakes (the kernel completes them into the backlog)
    sel = selectors.DefaultSelector()
    for s in conns:
        sel.register(s, selectors.EVENT_WRITE)
    pending = len(conns)
    connected = []
    while pending and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            sel.unregister(s)
            pending -= 1
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                connected.append(s)
            else:
                s.close()
    for s in conns:
        if s not in connected:
            try:
                sel.unregister(s)
            except (KeyError, ValueError):
                pass
            s.close()
    sel.close()
    return connected


def many_sources(i):
    return f'127.2.{i // 250}.{i % 250 + 1}'


def flood(port, path, n):
    conns = connect_many(port, n, many_sources, time.monotonic() + 30)
    print(f'connected {len(conns)}')
    time.sleep(1)
    for s in conns:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b'\x01\x00\x00\x00\x00\x00\x00\x00')
        s.close()
    t = recover(port, path, time.monotonic())
    print('recovered ' + (f'{t:.3f}' if t is not None else 'never'))


def idle(port, path, n, wait):
    conns = connect_many(port, n, many_sources, time.monotonic() + 30)
    print(f'connected {len(conns)}')
    time.sleep(wait)
    t = recover(port, path, time.monotonic())
    print('recovered ' + (f'{t:.3f}' if t is not None else 'never'))
    for s in conns:
        s.close()


def slowloris(port, path, n, addresses, seconds):
    conns = connect_many(port, n, lambda i: f'127.0.0.{i % addresses + 1}', time.monotonic() + 20)
    print(f'connected {len(conns)}')
    open_conns = []
    for s in conns:
        try:
            s.send(f'GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '.encode())
            open_conns.append(s)
        except OSError:
            s.close()
    closed = len(conns) - len(open_conns)
    gets = failed = 0
    slowest = 0.0
    end = time.monotonic() + seconds
    next_byte = time.monotonic() + 1
    while time.monotonic() < end:
        if time.monotonic() >= next_byte:
            still = []
            for s in open_conns:
                try:
                    if s.send(b'a') == 1:
                        still.append(s)
                        continue
                except OSError:
                    pass
                closed += 1
                s.close()
            open_conns = still
            next_byte += 1
        status, t = get(port, path, timeout=5.0)
        if status == 200:
            gets += 1
            slowest = max(slowest, t)
        else:
            failed += 1
        time.sleep(0.25)
    # a connection the server closed reads as EOF (or a reset)
    for s in open_conns:
        try:
            if s.recv(4096) == b'':
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        s.close()
    print(f'closed {closed}')
    print(f'gets {gets}')
    print(f'failed {failed}')
    print(f'slowest {slowest:.3f}')


def smuggle_cases(path):
    hidden = f'GET {path}?smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
    head = f'GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n'
    return [
        # A proxy that reads one length and a server that reads the other
        # disagree where the next request begins (RFC 9112 §6.3, §11.2).
        ('cl-te', head + 'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' + hidden),
        ('te-cl', head + 'Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n' + hidden),
        ('two-cl', head + 'Content-Length: 0\r\nContent-Length: ' + str(len(hidden)) + '\r\n\r\n' + hidden),
        ('cl-list', head + 'Content-Length: 0, ' + str(len(hidden)) + '\r\n\r\n' + hidden),
        ('te-space', head + 'Transfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n' + hidden),
        ('te-space-alone', head + 'Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n' + hidden),
        ('te-identity', head + 'Transfer-Encoding: identity\r\nContent-Length: 5\r\n\r\n0\r\n\r\n' + hidden),
    ]


def smuggle(port, path):
    for name, request in smuggle_cases(path):
        try:
            s = socket.create_connection(('127.0.0.1', port), timeout=3)
            s.sendall(request.encode())
        except OSError:
            print(f'{name} none 0 refused')
            continue
        data = b''
        closed = 'no'
        deadline = time.monotonic() + 3
        try:
            while time.monotonic() < deadline:
                s.settimeout(max(deadline - time.monotonic(), 0.01))
                chunk = s.recv(65536)
                if not chunk:
                    closed = 'yes'
                    break
                data += chunk
        except socket.timeout:
            pass
        except OSError as e:
            if e.errno in (errno.ECONNRESET, errno.EPIPE):
                closed = 'yes'
        s.close()
        served = data.count(b'HTTP/1.1 200 ') + data.count(b'HTTP/1.0 200 ')
        status = data.split(b' ', 2)[1].decode() if data.startswith(b'HTTP/1.') else 'none'
        print(f'{name} {status} {served} {closed}')


def main():
    raise_nofile()
    cmd, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if cmd == 'flood':
        flood(port, path, int(sys.argv[4]))
    elif cmd == 'idle':
        idle(port, path, int(sys.argv[4]), float(sys.argv[5]))
    elif cmd == 'slowloris':
        slowloris(port, path, int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]))
    elif cmd == 'smuggle':
        smuggle(port, path)
    else:
        sys.exit(f'http-attack.py: unknown command {cmd!r}')
    sys.stdout.flush()


if __name__ == '__main__':
    main()
