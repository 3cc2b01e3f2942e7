#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (CTest: Catch2 tests
# tagged [fast] [parity] [gui] [gpu], plus the Python and CLI checks). Extra arguments go
# to ctest, e.g. ./test.sh -R store
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
"$root/third_party/bootstrap.sh"
build_dir="${WANATTN_BUILD_DIR:-$root/build}"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" "$@"
