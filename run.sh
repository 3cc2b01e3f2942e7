#!/usr/bin/env bash
# Installs what is missing, builds, and starts wanattn (the studio once it exists, else
# the CLI's help). Arguments are passed on.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
"$root/third_party/bootstrap.sh"
build_dir="${WANATTN_BUILD_DIR:-$root/build}"
if [ -x "$build_dir/app/wanattn-studio" ]; then
  exec "$build_dir/app/wanattn-studio" "$@"
fi
exec "$build_dir/app/wanattn" "${@:---help}"
