#!/usr/bin/env bash
# The story index against plain runs (issue 17). Splits a generated corpus into A (99%) and
# B (every 100th file, 1%), then measures with /usr/bin/time -v:
#   plain run over A ∪ B; plain run over A; first --index run over A (the build);
#   --index run adding B to the index of A (on a copy of it, so it can be repeated).
# Usage: bench/index.sh CORPUS [WORKDIR]   (e.g. bench/index.sh bench/out/gen100k /tmp/ixbench)
# Needs a release build: cargo build --release (CARGO_TARGET_DIR respected), or the binary in
# $NEWSDEDUP.
set -euo pipefail
corpus=${1:?usage: bench/index.sh CORPUS [WORKDIR]}
work=${2:-$(mktemp -d)}
bin=${NEWSDEDUP:-${CARGO_TARGET_DIR:-target}/release/newsdedup}
mkdir -p "$work"
find "$corpus" -type f \( -name '*.txt' -o -name '*.html' \) | sort > "$work/all.list"
awk 'NR % 100 != 0' "$work/all.list" > "$work/a.list"
awk 'NR % 100 == 0' "$work/all.list" > "$work/b.list"
echo "corpus $corpus: $(wc -l < "$work/all.list") files, A $(wc -l < "$work/a.list"), B $(wc -l < "$work/b.list")"

measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -v "$@" 2> "$work/$name.time" > /dev/null || { cat "$work/$name.time"; exit 1; }
  local wall rss
  wall=$(grep 'Elapsed (wall' "$work/$name.time" | awk '{print $NF}')
  rss=$(grep 'Maximum resident' "$work/$name.time" | awk '{print $NF}')
  printf '%-12s wall %8s  peak RSS %6d MB\n' "$name" "$wall" $((rss / 1024))
}

rm -rf "$work/ix" "$work/ix-add"
measure plain-all "$bin" -q --files-from "$work/all.list" -o "$work/plain-all.json"
measure plain-A "$bin" -q --files-from "$work/a.list" -o "$work/plain-a.json"
measure index-A "$bin" -q --index "$work/ix" --files-from "$work/a.list" -o "$work/index-a.json"
cp -r "$work/ix" "$work/ix-add"
measure add-B "$bin" -q --index "$work/ix-add" --files-from "$work/b.list" --changed -o "$work/add-b.json"
size=$(stat -c %s "$work/ix/stories.idx")
n=$(wc -l < "$work/a.list")
echo "index of A: $size bytes, $((size / n)) bytes per article"
# The index's stories must be those of a plain run over the same files (ids aside).
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
def recs(f):
    out = []
    for s in json.load(open(f)):
        for k in ("story_id", "added", "old_ids"):
            s.pop(k, None)
        out.append(json.dumps(s, sort_keys=True))
    return sorted(out)
assert recs(f"{w}/plain-a.json") == recs(f"{w}/index-a.json"), "index-A differs from plain-A"
print("index-A stories equal plain-A stories (ids aside)")
PY
