#!/usr/bin/env python3
"""Raw TCP client for the report listener (Python standard library only).

usage: rawreport.py HOST:PORT MODE [--source IP] [--file PATH] [--stall SECONDS]
MODE: send   send the bytes of --file (or stdin) and print the status line of the answer
      slow   send the first 20 bytes, stall --stall seconds, print what came back ("closed" if
             nothing), followed by " (during stall)" when the server answered before the stall ended
      cut    send the bytes, then close the write side early (truncated body); print the answer or "closed"
"""
import socket
import sys


def main():
    target, mode = sys.argv[1], sys.argv[2]
    opts = dict(zip(sys.argv[3::2], sys.argv[4::2]))
    host, port = target.rsplit(":", 1)
    data = open(opts["--file"], "rb").read() if "--file" in opts else sys.stdin.buffer.read()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(float(opts.get("--stall", "5")) + 10)
    if "--source" in opts:
        s.bind((opts["--source"], 0))
    s.connect((host, int(port)))
    early = False
    if mode == "send":
        s.sendall(data)
    elif mode == "slow":
        s.sendall(data[:20])
        import time
        time.sleep(float(opts.get("--stall", "3")))
        try:
            early = len(s.recv(4096, socket.MSG_PEEK | socket.MSG_DONTWAIT)) > 0
        except BlockingIOError:
            early = False
        except OSError:
            early = True
        try:
            s.sendall(data[20:])
        except OSError:
            pass
    elif mode == "cut":
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
    answer = b""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    line = answer.split(b"\r\n", 1)[0].decode("latin-1")
    suffix = " (during stall)" if mode == "slow" and early else ""
    print((line if line else "closed") + suffix)


if __name__ == "__main__":
    main()
