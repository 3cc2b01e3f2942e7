#!/usr/bin/env bash
# Waits up to SECONDS (default 560) for a training started with `DETACH=1 tools/train_demo.sh`,
# printing its progress once a minute. When it has ended, copies its results into $OUT
# (default ./demo-out): demo-model.tar.gz, eval.json, curve.csv, train.log, samples.ppm and
# logs.tar.gz (console, build and probe logs). Exit status: 0 done, 1 ended without a model,
# 3 still running (call again: on the GPU machine each call keeps the machine held).
#   tools/demo_wait.sh [SECONDS]
set -uo pipefail
KEEP=${KEEP:-/tmp/wanattn-demo-keep}
OUT=${OUT:-$PWD/demo-out}
max=${1:-560}
log=$KEEP/console.log
[ -f "$log" ] && [ -f "$KEEP/pid" ] || { echo "no detached training in $KEEP"; exit 2; }
pid=$(cat "$KEEP/pid")
progress() { grep -E "^(step|===|stopping|training|[0-9]+ ms per step|probe)" "$log" | tail -1; }
start=$SECONDS
next=60
while kill -0 "$pid" 2>/dev/null; do
  if (( SECONDS - start >= max )); then
    echo "still running after $max s: $(progress)"
    exit 3
  fi
  if (( SECONDS - start >= next )); then echo "[$(( SECONDS - start )) s] $(progress)"; next=$(( next + 60 )); fi
  sleep 1
done
echo "ended: $(progress)"
mkdir -p "$OUT"
for f in demo-model.tar.gz eval.json curve.csv train.log samples.ppm; do [ -f "$KEEP/$f" ] && cp "$KEEP/$f" "$OUT/"; done
(cd "$KEEP" && tar -czf "$OUT/logs.tar.gz" console.log $(ls build.log probe* 2>/dev/null))
tail -25 "$log"
[ -f "$OUT/demo-model.tar.gz" ]
