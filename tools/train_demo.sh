#!/usr/bin/env bash
# Trains wanattn's built-in demo model on the GPU machine, in one go (docs/demo-model.md):
# configure + build the training program (GPU-only configuration, nothing else), train
# (tokenizer, data rendered on the fly, DiT + UMT5 + VAE decoder), check the result through
# the pipeline, and leave in $OUT (default ./demo-out):
#   demo-model.tar.gz   the model folder (unpack into resources/: it becomes resources/demo/)
#   train.log  curve.csv  eval.json  samples.ppm  build.log
# Extra arguments go to wanattn-train-demo (e.g. --steps 3000). Run from the repository root.
# PROBE=1 first checks the --graph update and times steps (probe*.log, probe.txt in $OUT);
# GRAPH=auto (default) then trains with --graph when it is right and faster, GRAPH=no never;
# PROBE_BATCHES (default "64 256") are the batch sizes timed (256 decides).
# BUDGET_S (default 540) bounds the whole script: what the build leaves, less a reserve for
# the evaluation and packing, is the training's --max-minutes (the steps that fit are
# chosen from the speed of the first steps, so the schedule completes).
# To outlast the 10-minute limit of a command on the GPU machine, start it detached and wait
# for it: OUT=DIR tools/detach.sh DIR tools/train_demo.sh …, then KEEP=DIR tools/demo_wait.sh.
set -euo pipefail
OUT=${OUT:-$PWD/demo-out}
DEVICE=${DEVICE:-cuda}  # cpu: a dry run of this script with a tiny model (PROBE_ARGS: the probes' sizes)
B=${B:-$PWD/build-demo}
WORK=${WORK:-/tmp/wanattn-demo-train}
mkdir -p "$OUT"
t0=$(date +%s)
say() { echo "=== $* ($(( $(date +%s) - t0 )) s)"; }

TP=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
# UNITY=1 (default): unity batches of four sources, so the torch headers are parsed a quarter
# as often on the cold machine every session starts with; if that build fails, a plain one.
build() {
  say "configure (unity $1)"
  cmake -S . -B "$B" -G Ninja -DWANATTN_GPU_ONLY=ON -DWANATTN_BUILD_TESTS=OFF -DWANATTN_NO_CUDA_KERNELS=ON \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$TP" -DCMAKE_POLICY_VERSION_MINIMUM=3.5 \
    -DCMAKE_UNITY_BUILD="$1" -DCMAKE_UNITY_BUILD_BATCH_SIZE=4 >>"$OUT/build.log" 2>&1 || { tail -40 "$OUT/build.log"; return 1; }
  say build
  cmake --build "$B" --target wanattn-train-demo -j"$(nproc)" >>"$OUT/build.log" 2>&1 \
    || { grep -B2 -A12 -E "error|FAILED" "$OUT/build.log" | head -80; return 1; }
}
: >"$OUT/build.log"
if [ "${UNITY:-1}" = 1 ]; then build ON || build OFF || exit 1; else build OFF || exit 1; fi

# Deterministic cuBLAS (torch's deterministic mode asks for it on CUDA >= 10.2).
export CUBLAS_WORKSPACE_CONFIG=:4096:8
EXTRA=()
if [ "${PROBE:-0}" = 1 ]; then
  # Before training: is the CUDA-graph update right (replay = eager, bit for bit), and what
  # does a step cost at batch 64 and 256, eager and graphed (steady rate: steps 40 to 120)?
  # With GRAPH=auto (the default) the training then uses --graph if it is right and faster.
  say probe
  graph_ok=0
  if cmake -DTRAINER="$B/app/wanattn-train-demo" -DDIR=/tmp/wanattn-graph-check -P tests/model/demo_train_graph_check.cmake \
       >"$OUT/probe-graph-check.log" 2>&1; then graph_ok=1; fi
  tail -1 "$OUT/probe-graph-check.log"
  : >"$OUT/probe.txt"
  rate() { awk '/^step +40\//{a=$3} /^step +120\//{b=$3} END{if (a && b) printf "%.1f", (b - a) / 80 * 1000; else print "nan"}' "$1"; }
  for batch in ${PROBE_BATCHES:-64 256}; do
    for mode in eager graph; do
      flag=(); [ $mode = graph ] && flag=(--graph)
      "$B/app/wanattn-train-demo" --out /tmp/wanattn-probe --device "$DEVICE" --steps 120 --log-every 40 --no-eval --batch $batch \
        --vae-every 4 "${flag[@]}" ${PROBE_ARGS:-} >"$OUT/probe-$mode-b$batch.log" 2>&1 || true
      printf -v "ms_${mode}_$batch" %s "$(rate "$OUT/probe-$mode-b$batch.log")"
      ms="ms_${mode}_$batch"
      echo "probe batch $batch $mode: ${!ms} ms/step" | tee -a "$OUT/probe.txt"
    done
  done
  if [ "${GRAPH:-auto}" = auto ] && [ $graph_ok = 1 ] && \
     python3 -c "import sys; sys.exit(0 if float('${ms_graph_256:-nan}') < 0.95 * float('${ms_eager_256:-nan}') else 1)"; then
    EXTRA=(--graph)
    echo "training with --graph"
  fi
fi

say train
rm -rf "$WORK"
MINUTES=$(python3 -c "print(round(max(1.0, (${BUDGET_S:-540} - $(( $(date +%s) - t0 )) - ${RESERVE_S:-80}) / 60), 2))")
echo "training for at most $MINUTES minutes"
"$B/app/wanattn-train-demo" --out "$WORK" --device "$DEVICE" --max-minutes "$MINUTES" "${EXTRA[@]}" "$@"

say pack
cp "$WORK/train.log" "$WORK/curve.csv" "$WORK/eval.json" "$OUT/"
[ -f "$WORK/samples.ppm" ] && cp "$WORK/samples.ppm" "$OUT/"
rm -rf "$WORK/demo" && cp -r "$WORK/model" "$WORK/demo"
tar -czf "$OUT/demo-model.tar.gz" -C "$WORK" demo
# A copy next to the build, which outlives this call while the machine stays warm: the next
# stage can start with --init-from "$B/latest/demo" without a round trip.
rm -rf "$B/latest" && mkdir -p "$B/latest" && cp -r "$WORK/demo" "$B/latest/"
ls -l "$OUT"
du -sh "$WORK/demo"
say done
