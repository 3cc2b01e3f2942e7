#!/usr/bin/env bash
# Set-up shared by ./run.sh and ./test.sh: installs what is missing (apt packages, the
# project venv with the pinned torch wheel), then configures and builds. Idempotent and
# quick when nothing changed: each step checks first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build_dir="${WANATTN_BUILD_DIR:-$root/build}"

log() { printf '\033[1mwanattn:\033[0m %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Debian packages (only the missing ones; apt-get update only if something is missing).
mapfile -t pkgs < <(grep -v '^\s*#' third_party/apt-packages.txt | sed '/^\s*$/d')
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${#missing[@]} Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. The project venv with the pinned wheels (re-installed only when requirements change).
py="${WANATTN_PYTHON_BOOTSTRAP:-python3}"
if [ ! -x .venv/bin/python ]; then
  if ! "$py" -m venv --help >/dev/null 2>&1; then as_root apt-get install -y -q python3-venv >/dev/null; fi
  log "creating the Python venv in .venv"
  "$py" -m venv .venv
fi
stamp=.venv/.wanattn-requirements
if ! cmp -s third_party/requirements.txt "$stamp"; then
  log "installing Python wheels (torch 2.11: a few GB on first run)"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r third_party/requirements.txt
  cp third_party/requirements.txt "$stamp"
fi

# 3. Configure once, then build incrementally.
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  log "configuring $build_dir"
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWANATTN_PYTHON="$root/.venv/bin/python" >/dev/null
fi
jobs=$(nproc)
log "building ($jobs jobs)"
cmake --build "$build_dir" -j "$jobs"
