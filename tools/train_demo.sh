#!/usr/bin/env bash
# Trains wanattn's built-in demo model on the GPU machine, in one go (docs/demo-model.md):
# configure + build the training program (GPU-only configuration, nothing else), train
# (tokenizer, data rendered on the fly, DiT + UMT5 + VAE decoder), check the result through
# the pipeline, and leave in $OUT (default ./demo-out):
#   demo-model.tar.gz   the model folder (unpack into resources/: it becomes resources/demo/)
#   train.log  curve.csv  eval.json  samples.ppm  build.log
# Extra arguments go to wanattn-train-demo (e.g. --steps 3000). Run from the repository root.
# BUDGET_S (default 540) bounds the whole script: what the build leaves, less a reserve for
# the evaluation and packing, is the training's --max-minutes (the steps that fit are
# chosen from the speed of the first steps, so the schedule completes).
set -euo pipefail
OUT=${OUT:-$PWD/demo-out}
B=${B:-$PWD/build-demo}
WORK=${WORK:-/tmp/wanattn-demo-train}
mkdir -p "$OUT"
t0=$(date +%s)
say() { echo "=== $* ($(( $(date +%s) - t0 )) s)"; }

say configure
TP=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
cmake -S . -B "$B" -G Ninja -DWANATTN_GPU_ONLY=ON -DWANATTN_BUILD_TESTS=OFF -DWANATTN_NO_CUDA_KERNELS=ON \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$TP" -DCMAKE_POLICY_VERSION_MINIMUM=3.5 >"$OUT/build.log" 2>&1 \
  || { tail -40 "$OUT/build.log"; exit 1; }
say build
cmake --build "$B" --target wanattn-train-demo -j"$(nproc)" >>"$OUT/build.log" 2>&1 \
  || { grep -B2 -A12 -E "error|FAILED" "$OUT/build.log" | head -80; exit 1; }

say train
# Deterministic cuBLAS (torch's deterministic mode asks for it on CUDA >= 10.2).
export CUBLAS_WORKSPACE_CONFIG=:4096:8
rm -rf "$WORK"
MINUTES=$(python3 -c "print(round(max(1.0, (${BUDGET_S:-540} - $(( $(date +%s) - t0 )) - ${RESERVE_S:-80}) / 60), 2))")
echo "training for at most $MINUTES minutes"
"$B/app/wanattn-train-demo" --out "$WORK" --device cuda --max-minutes "$MINUTES" "$@"

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
