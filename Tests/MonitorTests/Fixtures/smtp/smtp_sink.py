#!/usr/bin/python3
"""A real SMTP server on 127.0.0.1 for the alerts' e-mail tests (Debian's python3-aiosmtpd).

Usage: smtp_sink.py FOLDER
Listens on a free port, prints "port N" on its first line, and writes each message it
receives to FOLDER/N.eml (the bytes as received) and FOLDER/N.json (the envelope).
Runs until it is sent SIGTERM.
"""
import json
import os
import signal
import socket
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            number = self.count
        with open(os.path.join(self.folder, f"{number}.eml"), "wb") as file:
            file.write(envelope.original_content or envelope.content)
        with open(os.path.join(self.folder, f"{number}.json"), "w") as file:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos}, file)
        return "250 Message accepted"


def main():
    folder = sys.argv[1]
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"port {port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
