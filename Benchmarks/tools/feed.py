#!/usr/bin/env python3
"""One large RSSHub-style RSS 2.0 feed made of a corpus's posts, for the parsing benchmark.

    feed.py CORPUSDIR OUT.xml [N_ITEMS]

Each item: the post's first 40 characters as title, the post as HTML in a CDATA
description with a link and a hashtag, a date, a guid, a link and an author, as
RSSHub writes a Weibo timeline. 20,000 items (the default) make about 23 MB.
"""
import sys

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>微博 - 测试</title>'
        '<link>https://weibo.com/1</link><description>x - Powered by RSSHub</description>')


def item(number, post):
    link = f"https://weibo.com/1/{number}"
    return (f'<item><title>{post[:40]}</title>'
            f'<description><![CDATA[<p>{post}</p><br><a href="https://weibo.com/t/{number}">#讨薪#</a>]]></description>'
            f'<pubDate>Mon, 06 Jan 2025 0{number % 10}:12:00 GMT</pubDate>'
            f'<guid isPermaLink="false">{link}</guid><link>{link}</link><author>用户{number % 97}</author></item>')


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: feed.py CORPUSDIR OUT.xml [N_ITEMS]")
    corpus, target = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) == 4 else 20000
    with open(f"{corpus}/posts.txt", encoding="utf-8") as source:
        posts = source.read().split("\n")[:count]
    with open(target, "w", encoding="utf-8") as out:
        out.write(HEAD)
        for number, post in enumerate(posts):
            out.write(item(number, post))
        out.write("</channel></rss>")


if __name__ == "__main__":
    main()
