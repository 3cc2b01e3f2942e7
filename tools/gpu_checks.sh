#!/usr/bin/env bash
# The GPU-machine checks behind docs/benchmarks.md: GPU-only build, the test suite, the
# full-size parity runs and the benchmarks. Run from the repository root on a CUDA machine
# (torch 2.11 in its python3). Logs go to $OUT (default ./gpu-logs).
#   tools/gpu_checks.sh build test dit61 dit81 sdpa vae umt5 umt5load generate bend
#   tools/gpu_checks.sh cli umt5      (the CLI alone, e.g. beside a detached demo training)
# Optional: reference wheels (diffusers and its needs) in .whl/ are installed to /tmp/site.
set -uo pipefail
OUT=${OUT:-$PWD/gpu-logs}
B=${B:-$PWD/build-gpu}
mkdir -p "$OUT"
if ls .whl/*.whl >/dev/null 2>&1; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
    && export PYTHONPATH=/tmp/site
fi
TP=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
W=$B/app/wanattn
T=/tmp/wanattn-gpu
mkdir -p $T
configure() {
  cmake -S . -B "$B" -G Ninja -DWANATTN_GPU_ONLY=ON -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$TP" \
    -DCMAKE_POLICY_VERSION_MINIMUM=3.5 -DWANATTN_PYTHON="$(command -v python3)" >"$OUT/configure.log" 2>&1 \
    || { tail -50 "$OUT/configure.log"; return 1; }
}
for stage in "$@"; do
  echo "=== $stage ($(date -u +%H:%M:%S))"
  case $stage in
    build)
      configure || exit 1
      # -k 0: a test that does not compile must not keep the benchmarks from running.
      cmake --build "$B" -j16 -- -k 0 >"$OUT/build.log" 2>&1 || grep -A12 -E "error|FAILED" "$OUT/build.log" | head -80 ;;
    cli)
      # The command-line program alone (what the parity and bench stages run), at low
      # priority and JOBS (default 6) jobs: it can build beside a training run.
      configure || exit 1
      nice -n 19 cmake --build "$B" --target wanattn -j"${JOBS:-6}" >"$OUT/build.log" 2>&1 \
        || { grep -A12 -E "error|FAILED" "$OUT/build.log" | head -80; exit 1; } ;;
    test)
      ctest --test-dir "$B" -j8 --output-on-failure 2>&1 | tee "$OUT/ctest.log" | tail -25 ;;
    dit61)
      $W bench dit --frames 61 --runs 20 --warmup 3 --breakdown --save-weights $T/wan13b_random.safetensors --out $T/dit61_io.safetensors \
        2>&1 | tee "$OUT/bench_dit61.log"
      python3 tests/reference/dit_bench.py $T/wan13b_random.safetensors $T/dit61_io.safetensors --runs 10 --warmup 3 \
        2>&1 | tee "$OUT/ref_dit61.log" ;;
    dit81)
      $W bench dit --frames 81 --runs 10 --warmup 3 --breakdown --out $T/dit81_io.safetensors 2>&1 | tee "$OUT/bench_dit81.log"
      python3 tests/reference/dit_bench.py $T/wan13b_random.safetensors $T/dit81_io.safetensors --runs 5 --warmup 2 \
        2>&1 | tee "$OUT/ref_dit81.log" ;;
    sdpa)
      nvidia-smi --query-gpu=clocks.sm,clocks.max.sm,power.draw,power.limit,temperature.gpu --format=csv
      for s in auto flash cudnn; do
        $W bench dit --frames 61 --runs 5 --warmup 2 --no-capture --sdpa $s 2>&1 | tail -2 | sed "s/^/sdpa $s: /"
      done | tee "$OUT/bench_sdpa.log" ;;
    vae)
      $W bench vae --runs 3 --warmup 1 --save-weights $T/vae_random.safetensors --out $T/vae_io.safetensors 2>&1 | tee "$OUT/bench_vae.log"
      python3 tests/reference/vae_bench.py $T/vae_random.safetensors $T/vae_io.safetensors --runs 3 2>&1 | tee "$OUT/ref_vae.log" ;;
    umt5)
      $W bench umt5 --runs 20 --warmup 3 --out $T/umt5_cpp.safetensors 2>&1 | tee "$OUT/bench_umt5.log"
      python3 tests/reference/umt5_bench.py $T/umt5_cpp.safetensors --runs 20 --warmup 3 2>&1 | tee "$OUT/ref_umt5.log"
      # The fp32 residual stream (an option, not the references' numerics), for the row beside
      # it: 2.4e-2 from the references' bf16 output at full size, hence the looser bound.
      $W bench umt5 --runs 5 --warmup 2 --residual fp32 --out $T/umt5_cpp_fp32res.safetensors 2>&1 | tee "$OUT/bench_umt5_fp32res.log"
      python3 tests/reference/umt5_bench.py $T/umt5_cpp_fp32res.safetensors --runs 5 --warmup 2 --bound 3e-2 2>&1 | tee "$OUT/ref_umt5_fp32res.log" ;;
    umt5load)
      $W bench umt5 --runs 3 --save $T/umt5_xxl_random.safetensors --load $T/umt5_xxl_random.safetensors --load-rounds 3 \
        2>&1 | tee "$OUT/bench_umt5_load.log" ;;
    generate)
      $W bench generate --runs 1 2>&1 | tee "$OUT/bench_generate.log"
      $W bench generate --runs 1 --vae-dtype bf16 --capture none --dir $T/gen-nocap 2>&1 | tail -7 | tee -a "$OUT/bench_generate.log"
      python3 tests/reference/generate_bench.py 2>&1 | tee "$OUT/ref_generate.log" ;;
    bend)
      # Network bending (docs/bending.md): the [gpu] test, the cost per forward of each kind
      # of bend on 3 blocks (preview size, then the paper's 61 frames), and the live loop.
      ctest --test-dir "$B" -R "bend|Bend" --output-on-failure 2>&1 | tail -15 | tee "$OUT/bend_tests.log"
      $W bench bend --runs 20 --warmup 3 2>&1 | tee "$OUT/bench_bend.log"
      $W bench bend --frames 61 --runs 10 --warmup 2 2>&1 | tail -8 | tee -a "$OUT/bench_bend.log"
      $W bench bend --runs 3 --warmup 1 --live --live-steps 10 --live-runs 3 2>&1 | tail -5 | tee -a "$OUT/bench_bend.log" ;;
    *) echo "unknown stage $stage"; exit 2 ;;
  esac
done
