#!/usr/bin/env python3
"""Proxy for member titles that are a site's name, on spotsigs-dev.

Counts members whose printed title shares under 2 words (of 3+ letters or digits, lower-cased)
with their story's canonical text, split in two halves by the CRC32 of the page's gold story
label (mod 2), so a change can be read on each half.

    newsdedup -q ../shared/corpora/spotsigs-dev/pages -o out.json
    python3 bench/site_title_proxy.py out.json [../shared/corpora/spotsigs-dev/labels.tsv]
"""
import json
import re
import sys
import zlib


def words(s):
    return set(re.findall(r"[a-z0-9]{3,}", (s or "").lower()))


def main():
    out = sys.argv[1]
    labels = sys.argv[2] if len(sys.argv) > 2 else "../shared/corpora/spotsigs-dev/labels.tsv"
    gold = {}
    for line in open(labels, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 2:
            gold[f[0].split("/")[-1]] = f[1]
    site_like, members = [0, 0], [0, 0]
    for story in json.load(open(out, encoding="utf-8")):
        text = words(story.get("text"))
        for m in story["members"]:
            half = zlib.crc32(gold.get(m["path"].split("/")[-1], "?").encode()) % 2
            members[half] += 1
            title = m.get("title")
            if title and len(words(title) & text) < 2:
                site_like[half] += 1
    for h in (0, 1):
        print(f"half {h}: {site_like[h]} site-like titles of {members[h]} members")
    print(f"all: {sum(site_like)} of {sum(members)}")


if __name__ == "__main__":
    main()
