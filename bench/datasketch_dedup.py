#!/usr/bin/env python3
"""Baseline: datasketch MinHash (num_perm 128) + MinHashLSH (threshold 0.5) + connected
components over the LSH candidates. See dedup_common.py for reading and shingling."""

import time

from datasketch import LeanMinHash, MinHash, MinHashLSH

import dedup_common as common

ARGS = None


def signature(path):
    m = MinHash(num_perm=ARGS.num_perm)
    sh = common.shingles(common.read_text(path), ARGS.shingle_size)
    if sh:
        m.update_batch([s.encode("utf-8") for s in sh])
    # LeanMinHash: the values and seed only, cheap to send back from a worker process.
    return LeanMinHash(m)


def main():
    global ARGS
    ARGS = common.parse_args(__doc__)
    start = time.time()
    paths = common.list_files(ARGS.paths)
    common.log(f"{len(paths)} files", start)
    sigs = common.signatures(paths, signature, ARGS.workers)
    common.log("signatures done", start)
    lsh = MinHashLSH(threshold=ARGS.threshold, num_perm=ARGS.num_perm)
    with lsh.insertion_session() as session:
        for i, m in enumerate(sigs):
            session.insert(i, m, check_duplication=False)
    neighbours = [lsh.query(m) for m in sigs]
    common.log(f"LSH done (b={lsh.b}, r={lsh.r})", start)
    n = common.write_prediction(ARGS.out, paths, common.components(len(paths), neighbours))
    common.log(f"{n} stories", start)


if __name__ == "__main__":
    main()
