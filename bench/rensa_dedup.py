#!/usr/bin/env python3
"""Baseline: rensa RMinHash + RMinHashLSH + connected components over the LSH candidates.
rensa needs num_perm divisible by the band count, so it uses datasketch's banding for
threshold 0.5 and 128 permutations (25 bands x 5 rows = 125 values). See dedup_common.py."""

import time

from rensa import RMinHash, RMinHashLSH

import dedup_common as common

ARGS = None
BANDS, ROWS = 25, 5


def signature(path):
    m = RMinHash(num_perm=BANDS * ROWS, seed=42)
    sh = common.shingles(common.read_text(path), ARGS.shingle_size)
    if sh:
        m.update(sh)
    return m


def main():
    global ARGS
    ARGS = common.parse_args(__doc__)
    start = time.time()
    paths = common.list_files(ARGS.paths)
    common.log(f"{len(paths)} files", start)
    sigs = common.signatures(paths, signature, ARGS.workers)
    common.log("signatures done", start)
    lsh = RMinHashLSH(threshold=ARGS.threshold, num_perm=BANDS * ROWS, num_bands=BANDS)
    for i, m in enumerate(sigs):
        lsh.insert(i, m)
    neighbours = [lsh.query(m) for m in sigs]
    common.log(f"LSH done (b={BANDS}, r={ROWS})", start)
    n = common.write_prediction(ARGS.out, paths, common.components(len(paths), neighbours))
    common.log(f"{n} stories", start)


if __name__ == "__main__":
    main()
