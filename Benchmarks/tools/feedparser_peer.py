#!/usr/bin/env python3
"""The peer figure for feed parsing: the Universal Feed Parser (PyPI `feedparser`).

    feedparser_peer.py FEED.xml

Prints one line: entries, MB, seconds, MB/s.
"""
import os
import sys
import time

import feedparser


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: feedparser_peer.py FEED.xml")
    path = sys.argv[1]
    started = time.perf_counter()
    parsed = feedparser.parse(path)
    seconds = time.perf_counter() - started
    megabytes = os.path.getsize(path) / 1e6
    print(f"feedparser\tentries={len(parsed.entries)}\tMB={megabytes:.1f}\tseconds={seconds:.2f}\tMB/s={megabytes / seconds:.2f}")


if __name__ == "__main__":
    main()
