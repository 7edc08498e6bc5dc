#!/usr/bin/env bash
# The Spark path's equivalence test, run by .ci/run: a generated corpus of 10,000 articles (plus
# two inputs that must be skipped) through `newsdedup fingerprint` in 3 shards and
# scale/spark/dedup.py in Spark local mode (local[2]) gives byte for byte the stories of
# `newsdedup --jsonl`, and the same skip report (scale/spark/compare.sh).
#
# When Java or PySpark cannot be installed (scale/spark/setup.sh says why), prints one line
# starting "NOT RUN" and exits 0. NEWSDEDUP_SPARK_ARTICLES and NEWSDEDUP_SPARK_SEED change the
# corpus.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
articles=${NEWSDEDUP_SPARK_ARTICLES:-10000}
seed=${NEWSDEDUP_SPARK_SEED:-11}
if ! setup=$(bash scale/spark/setup.sh 2>&1); then
    echo "NOT RUN: Spark local-mode equivalence test: ${setup##*$'\n'}"
    exit 0
fi
echo "scale/spark/test_local.sh: $setup"
target=${CARGO_TARGET_DIR:-$root/target}
cargo build --release --locked --quiet
gen=$target/release/examples/gen_corpus
[[ -x $gen ]] || cargo build --release --locked --quiet --example gen_corpus
work=$(mktemp -d "${TMPDIR:-/tmp}/newsdedup-spark.XXXXXX")
# Kept when the test fails, for the diff compare.sh names.
trap 'rm -rf "$work"' EXIT
"$gen" --articles "$articles" --seed "$seed" --out "$work/corpus" 2> "$work/gen.log"
# Two inputs that are not articles: the skip report must survive the Spark path.
: > "$work/corpus/daily-meridian/zz-empty.txt"
printf 'not\0text' > "$work/corpus/daily-meridian/zz-binary.txt"
start=$(date +%s)
if ! NEWSDEDUP_BIN=$target/release/newsdedup bash scale/spark/compare.sh "$work/corpus" "$work/run" 3 'local[2]'; then
    trap - EXIT
    echo "scale/spark/test_local.sh: FAILED; the run is kept in $work" >&2
    exit 1
fi
echo "scale/spark/test_local.sh: passed in $(( $(date +%s) - start )) s ($articles articles, seed $seed, 3 shards, local[2])"
