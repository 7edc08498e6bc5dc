"""Counts what drives the Spark job's candidates stage, from `newsdedup fingerprint` shards only.

    .venv-spark/bin/python scale/spark/count_pairs.py FP_DIR [--modulus 8] [--max-posting 256]

The candidates stage (scale/spark/dedup.py) samples each article's shingles (hash ≡ 0 mod 8),
keeps the posting lists of 2 to 256 articles and self-joins them: its work is the sum over
those lists of n·(n−1)/2 rows ("join rows"), which grows faster than the corpus until the lists
reach the cap. This script computes that sum, the sampled entries and the list-size
histogram, without Spark, so the cost model in docs/scale.md can be evaluated at a corpus size
before the job is run on it. It reads the shards' shingles as written, before template
paragraphs are stripped (the job samples after the strip), so it counts somewhat more than the
job: compare it with the job's own counts (stages.json) at a size where both exist.

Prints one JSON object: articles, sampled_entries, lists_kept, join_rows, and the largest list.
Needs pyarrow and numpy (installed into the venv on first use when missing).
"""
import argparse
import glob
import json
import os
import subprocess
import sys


def ensure(mods):
    missing = []
    for m in mods:
        try:
            __import__(m)
        except ImportError:
            missing.append(m)
    if missing:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", *missing])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("fp_dir", help="--out-dir of newsdedup fingerprint (holds shards/*.parquet)")
    ap.add_argument("--modulus", type=int, default=8)
    ap.add_argument("--max-posting", type=int, default=256)
    args = ap.parse_args()
    ensure(["numpy", "pyarrow"])
    import numpy as np
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    files = sorted(glob.glob(os.path.join(args.fp_dir, "shards", "*.parquet")))
    if not files:
        sys.exit(f"count_pairs.py: no shards under {args.fp_dir}/shards")
    hashes, articles = [], 0
    for f in files:
        pf = pq.ParquetFile(f)
        for batch in pf.iter_batches(columns=["shingles"], batch_size=8192):
            col = batch.column(0)
            articles += len(col)
            flat = pc.list_flatten(col).to_numpy(zero_copy_only=False).astype(np.uint32)
            keep = flat[(flat % args.modulus) == 0]
            hashes.append(keep)
    h = np.concatenate(hashes) if hashes else np.zeros(0, np.uint32)
    # Each article's shingle set holds a hash once, so a hash's count is its list's length.
    _, counts = np.unique(h, return_counts=True)
    kept = counts[(counts >= 2) & (counts <= args.max_posting)]
    n = kept.astype(np.int64)
    out = {
        "shards": len(files),
        "articles": articles,
        "sampled_entries": int(len(h)),
        "lists_kept": int(len(kept)),
        "entries_in_kept_lists": int(n.sum()),
        "join_rows": int((n * (n - 1) // 2).sum()),
        "largest_kept_list": int(n.max()) if len(n) else 0,
        "lists_over_cap": int((counts > args.max_posting).sum()),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
