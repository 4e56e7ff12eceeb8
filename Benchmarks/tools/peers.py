#!/usr/bin/env python3
"""The peer figure for scoring: a multi-pattern matcher from PyPI over the corpus.

    peers.py CORPUSDIR ahocorasick_rs|pyahocorasick [MAX_POSTS]

Patterns: every lexicon term, project name, alias and contractor (deduplicated).
Every post is scanned for all overlapping matches; nothing else is done, so the
figure is matching alone, against which wagewatch's full scoring is compared.
Prints one line: peer, patterns, posts, MB, build seconds, scan seconds, MB/s, matches.
"""
import os
import sys
import time


def patterns(corpus):
    found = set()
    with open(os.path.join(corpus, "lexicon.txt"), encoding="utf-8") as lexicon:
        found.update(line.strip() for line in lexicon if line.strip())
    with open(os.path.join(corpus, "gazetteer.tsv"), encoding="utf-8") as gazetteer:
        for line in gazetteer:
            _, name, aliases, contractor = line.rstrip("\n").split("\t")
            found.add(name)
            found.add(contractor)
            found.update(alias for alias in aliases.split(";") if alias)
    return sorted(found)


def posts(corpus, limit):
    with open(os.path.join(corpus, "posts.txt"), encoding="utf-8") as source:
        return [line.rstrip("\n") for _, line in zip(range(limit), source)]


def matcher(which, words):
    """A function counting the overlapping matches in one text."""
    if which == "ahocorasick_rs":
        import ahocorasick_rs
        automaton = ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MatchKind.Standard)
        return lambda text: len(automaton.find_matches_as_indexes(text, overlapping=True))
    if which == "pyahocorasick":
        import ahocorasick
        automaton = ahocorasick.Automaton()
        for index, word in enumerate(words):
            automaton.add_word(word, index)
        automaton.make_automaton()
        return lambda text: sum(1 for _ in automaton.iter(text))
    sys.exit(f"unknown peer {which}: ahocorasick_rs or pyahocorasick")


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: peers.py CORPUSDIR ahocorasick_rs|pyahocorasick [MAX_POSTS]")
    corpus, which = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) == 4 else sys.maxsize
    words, texts = patterns(corpus), posts(corpus, limit)
    megabytes = sum(len(text.encode()) for text in texts) / 1e6
    started = time.perf_counter()
    count = matcher(which, words)
    built = time.perf_counter()
    matches = sum(count(text) for text in texts)
    scanned = time.perf_counter() - built
    print(f"{which}\tpatterns={len(words)}\tposts={len(texts)}\tMB={megabytes:.1f}\tbuild_s={built - started:.2f}"
          f"\tscan_s={scanned:.2f}\tMB/s={megabytes / scanned:.1f}\tmatches={matches}")


if __name__ == "__main__":
    main()
