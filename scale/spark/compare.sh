#!/usr/bin/env bash
# Runs the single-machine job and the Spark path (Spark local mode) on one corpus and compares
# them: the stories byte for byte, the skip reports line for line. Also what docs/scale.md
# calibrates with: wall time and peak memory of each side (WORK/*.time), each Spark stage's
# time (WORK/spark/stages.json), the shards' Parquet bytes (WORK/sizes.txt).
#
#   scale/spark/compare.sh CORPUS WORK [SHARDS] [MASTER]
#
# CORPUS: a folder of site folders (as examples/gen_corpus writes); its subfolders are dealt
# round robin to SHARDS shards (default 3), each fingerprinted by its own `newsdedup
# fingerprint` run, as separate machines would. MASTER defaults to local[2].
# Needs .venv-spark (scale/spark/setup.sh) and the release build (NEWSDEDUP_BIN, else
# target/release/newsdedup). Exits 0 when the two sides agree, 1 when they do not.
set -euo pipefail
corpus=${1:?usage: compare.sh CORPUS WORK [SHARDS] [MASTER]}
work=${2:?usage: compare.sh CORPUS WORK [SHARDS] [MASTER]}
shards=${3:-3}
master=${4:-local[2]}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${NEWSDEDUP_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/newsdedup}
venv=${NEWSDEDUP_SPARK_VENV:-$root/.venv-spark}
[[ -x $bin ]] || { echo "compare.sh: no binary at $bin (cargo build --release)" >&2; exit 2; }
[[ -x $venv/bin/spark-submit ]] || { echo "compare.sh: no PySpark in $venv (scale/spark/setup.sh)" >&2; exit 2; }
timed() { # timed NAME CMD...: wall seconds and peak RSS (KiB) of CMD into WORK/NAME.time
    local name=$1; shift
    /usr/bin/time -f "%e s %M KiB" -o "$work/$name.time" "$@"
}
rm -rf "$work"
mkdir -p "$work/lists"

# The corpus's subfolders, all given to the single run and dealt round robin to the shards
# (files directly in CORPUS, such as gen_corpus's gold.tsv, are in neither).
subs=()
while IFS= read -r -d '' sub; do subs+=("$sub"); done \
    < <(find "$corpus" -mindepth 1 -maxdepth 1 -type d -not -name '.*' -print0 | LC_ALL=C sort -z)
timed single "$bin" "${subs[@]}" --jsonl -q -o "$work/single.jsonl" 2> "$work/single.stderr"
grep '^newsdedup: skipped' "$work/single.stderr" | LC_ALL=C sort > "$work/single.skips" || true

for i in "${!subs[@]}"; do
    printf '%s\n' "${subs[$i]}" >> "$work/lists/$((i % shards))"
done
start=$(date +%s.%N)
for list in "$work"/lists/*; do
    n=$(basename "$list")
    mapfile -t dirs < "$list"
    timed "fingerprint-$n" "$bin" fingerprint -q --out-dir "$work/fp" --shard "part-$n" \
        "${dirs[@]}" 2> "$work/fingerprint-$n.stderr"
done
end=$(date +%s.%N)
echo "fingerprint (all shards, one after another) $(echo "$end - $start" | bc) s" > "$work/fingerprint.total"
cat "$work"/fingerprint-*.stderr | grep '^newsdedup: skipped' | LC_ALL=C sort > "$work/fingerprint.skips" || true

PYSPARK_PYTHON=$venv/bin/python timed spark "$venv/bin/spark-submit" --master "$master" \
    --driver-memory "${SPARK_DRIVER_MEMORY:-2g}" \
    --conf spark.sql.shuffle.partitions="${SPARK_SHUFFLE_PARTITIONS:-8}" \
    --conf spark.ui.enabled=false \
    --conf spark.driver.extraJavaOptions=-Dlog4j2.level=warn \
    "$root/scale/spark/dedup.py" "$work/fp" --out "$work/spark" --bin "$bin" \
    > "$work/spark.stdout" 2> "$work/spark.stderr"
# spark-submit passes the Python driver's stderr on to its own stdout.
cat "$work/spark.stdout" "$work/spark.stderr" | grep '^newsdedup: skipped' | LC_ALL=C sort \
    > "$work/spark.skips" || true

articles=$(grep -c . "$work/single.jsonl" || true)
{
    echo "shards $shards"
    echo "parquet_bytes $(cat "$work"/fp/shards/*.parquet | wc -c)"
    echo "corpus_bytes $(du -sb "$corpus" | cut -f1)"
} > "$work/sizes.txt"
status=0
if cmp -s "$work/single.jsonl" "$work/spark/stories.jsonl"; then
    echo "compare.sh: stories identical ($articles stories, $(cat "$work/single.time") single; $(cat "$work/spark.time") Spark $master)"
else
    echo "compare.sh: STORIES DIFFER: diff $work/single.jsonl $work/spark/stories.jsonl" >&2
    status=1
fi
if cmp -s "$work/single.skips" "$work/spark.skips" && cmp -s "$work/single.skips" "$work/fingerprint.skips"; then
    echo "compare.sh: skip reports identical ($(grep -c . "$work/single.skips" || true) skipped)"
else
    echo "compare.sh: SKIP REPORTS DIFFER: diff $work/single.skips $work/spark.skips" >&2
    status=1
fi
exit $status
