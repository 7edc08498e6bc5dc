"""Shared parts of the MinHash-LSH baselines that bench/compare.sh runs beside newsdedup.

A plain "MinHash script": read each file, drop <script>/<style> blocks, strip tags with a
regex, decode HTML entities, lowercase, 5-word shingles; then MinHash signatures, LSH
candidates and connected components as stories. The per-file stage runs on all cores
(multiprocessing); LSH and clustering run in the main process. The prediction file has
newsdedup's output shape (a JSON array of {"members": [{"path": ...}]}), paths given the
same way (the argument joined with the file's path below it), so both score alike.
"""

import argparse
import html
import json
import multiprocessing as mp
import os
import re
import sys
import time

EXTS = {"txt", "text", "htm", "html", "xhtml", "shtml", ""}
SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
TAG = re.compile(r"<[^>]*>")
WORD = re.compile(r"\w+")


def list_files(args):
    """Files named directly, and files below folders in sorted order (hidden entries and
    other extensions skipped), like newsdedup's defaults."""
    out = []
    for arg in args:
        if os.path.isfile(arg):
            out.append(arg)
            continue
        for dirpath, dirnames, filenames in os.walk(arg):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                ext = name.rsplit(".", 1)[1].lower() if "." in name else ""
                if ext in EXTS:
                    out.append(os.path.join(dirpath, name))
    return sorted(out)


def read_text(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def shingles(text, k):
    text = SCRIPT_STYLE.sub(" ", text)
    text = TAG.sub(" ", text)
    text = html.unescape(text)
    words = WORD.findall(text.lower())
    if not words:
        return []
    return list({" ".join(words[i : i + k]) for i in range(max(1, len(words) - k + 1))})


def parse_args(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("paths", nargs="+", help="files or folders")
    p.add_argument("--out", required=True, help="prediction JSON to write")
    p.add_argument("--threshold", type=float, default=0.5)
    p.add_argument("--num-perm", type=int, default=128)
    p.add_argument("--shingle-size", type=int, default=5)
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    return p.parse_args()


def signatures(paths, worker, workers, chunksize=64):
    """worker(path) for every path, in order, on `workers` processes."""
    if workers <= 1:
        return [worker(p) for p in paths]
    with mp.get_context("fork").Pool(workers) as pool:
        return list(pool.imap(worker, paths, chunksize=chunksize))


def components(n, candidate_lists):
    """Connected components of documents 0..n-1; candidate_lists[i] are i's neighbours."""
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, neighbours in enumerate(candidate_lists):
        for j in neighbours:
            a, b = find(i), find(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def write_prediction(out, paths, groups):
    stories = sorted(sorted(paths[i] for i in g) for g in groups)
    with open(out, "w", encoding="utf-8") as f:
        f.write("[\n")
        f.write(
            ",\n".join(
                json.dumps({"members": [{"path": p} for p in members]}, ensure_ascii=False)
                for members in stories
            )
        )
        f.write("\n]\n")
    return len(stories)


def log(msg, start):
    print(f"{os.path.basename(sys.argv[0])}: {msg} ({time.time() - start:.1f}s)", file=sys.stderr)
