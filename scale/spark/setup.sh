#!/usr/bin/env bash
# Creates .venv-spark (ignored by git) with PySpark from PyPI, for the Spark path
# (scale/spark/dedup.py) and its local-mode test (scale/spark/test_local.sh).
# Needs python3 with venv and a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless).
# Prints "ready: …" and exits 0 when both are there; exits 1 with one line saying what is
# missing otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${NEWSDEDUP_SPARK_VENV:-.venv-spark}
PYSPARK_VERSION=4.3.0
if ! command -v java >/dev/null 2>&1; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        (apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless) >/dev/null 2>&1 || true
    fi
fi
if ! command -v java >/dev/null 2>&1; then
    echo "setup.sh: no Java runtime (java not on PATH; Debian: apt-get install openjdk-17-jre-headless)" >&2
    exit 1
fi
if [[ ! -x $VENV/bin/python ]]; then
    python3 -m venv "$VENV" >/dev/null 2>&1 || {
        echo "setup.sh: python3 -m venv failed (Debian: apt-get install python3-venv)" >&2
        exit 1
    }
fi
if ! "$VENV/bin/python" -c "import pyspark" >/dev/null 2>&1; then
    "$VENV/bin/pip" install -q "pyspark==$PYSPARK_VERSION" >"$VENV/pip.log" 2>&1 || {
        echo "setup.sh: pip install pyspark==$PYSPARK_VERSION failed (see $VENV/pip.log)" >&2
        exit 1
    }
fi
echo "ready: $("$VENV/bin/python" -c 'import pyspark; print("pyspark", pyspark.__version__)'), $(java -version 2>&1 | head -1)"
