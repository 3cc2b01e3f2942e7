#!/usr/bin/env bash
# Waits up to SECONDS (default 560) for a training started detached in KEEP
# (`OUT=$KEEP tools/detach.sh $KEEP tools/train_demo.sh …`),
# printing its progress once a minute. When it has ended, copies its results into $OUT
# (default ./demo-out): demo-model.tar.gz, eval.json, curve.csv, train.log, samples.ppm and
# logs.tar.gz (console, build and probe logs).
#   tools/demo_wait.sh [SECONDS]           until it ends
#   tools/demo_wait.sh --fitted [SECONDS]  until its step count is fitted (step 50 logged), or
#                                          it ended: then other GPU work disturbs no timing
# Exit status: 0 done (a model was written; --fitted: fitted), 1 ended without a model,
# 2 no detached training, 3 still running after SECONDS (call again: on the GPU machine each
# call keeps the machine held).
set -uo pipefail
KEEP=${KEEP:-/tmp/wanattn-demo-keep}
OUT=${OUT:-$PWD/demo-out}
fitted=0
[ "${1:-}" = --fitted ] && fitted=1 && shift
max=${1:-560}
log=$KEEP/console.log
[ -f "$log" ] && [ -s "$KEEP/pid" ] || { echo "no detached training in $KEEP"; exit 2; }
progress() { grep -E "^(step|===|stopping|training|[0-9]+ ms per step|probe)" "$log" | tail -1; }
ended() { ! "$(dirname "$0")/detach.sh" --alive "$KEEP"; }
is_fitted() { grep -qE "steps fit|^step +([5-9][0-9]|[0-9]{3,})/" "$log"; }
start=$SECONDS
next=60
until ended; do
  if [ $fitted = 1 ] && is_fitted; then echo "fitted: $(progress)"; exit 0; fi
  if (( SECONDS - start >= max )); then
    echo "still running after $max s: $(progress)"
    exit 3
  fi
  if (( SECONDS - start >= next )); then echo "[$(( SECONDS - start )) s] $(progress)"; next=$(( next + 60 )); fi
  sleep 1
done
echo "ended (exit status $(cat "$KEEP/rc" 2>/dev/null || echo unknown)): $(progress)"
mkdir -p "$OUT"
files=(demo-model.tar.gz eval.json curve.csv train.log samples.ppm)
for f in "${files[@]}"; do rm -f "$OUT/$f"; [ -f "$KEEP/$f" ] && cp "$KEEP/$f" "$OUT/"; done
(cd "$KEEP" && tar -czf "$OUT/logs.tar.gz" console.log $(ls build.log probe* 2>/dev/null))
tail -25 "$log"
[ -f "$KEEP/demo-model.tar.gz" ]
