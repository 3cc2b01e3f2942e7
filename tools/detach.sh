#!/usr/bin/env bash
# Runs a command in a process session of its own, so it outlives the shell that started it
# (on the GPU machine a command's processes end when it returns, except such ones: a
# training can then outlast the 10-minute limit of a command). DIR (emptied first) receives
# console.log (its output), pid, and rc (its exit status, once it has ended).
#   tools/detach.sh DIR COMMAND [ARGS...]   start; refused while a command still runs in DIR
#   tools/detach.sh --alive DIR             exit status 0 while the command in DIR runs
set -uo pipefail
# Running: no exit status yet (a zombie would still answer kill -0) and the process is there.
alive() { [ -s "$1/pid" ] && [ ! -e "$1/rc" ] && kill -0 "$(cat "$1/pid")" 2>/dev/null; }
if [ "${1:-}" = --alive ]; then alive "${2:?usage: detach.sh --alive DIR}"; exit; fi
[ $# -ge 2 ] || { echo "usage: tools/detach.sh DIR COMMAND [ARGS...]" >&2; exit 2; }
dir=$1
shift
case $dir in "" | / | "$HOME") echo "detach.sh: refusing to empty '$dir'" >&2; exit 2 ;; esac
if alive "$dir"; then
  echo "detach.sh: a command still runs in $dir (pid $(cat "$dir/pid"))" >&2
  exit 1
fi
rm -rf "$dir" && mkdir -p "$dir" || exit 1
# The detached shell writes its own pid: under job control setsid forks, and $! would be the
# parent that exits at once.
setsid nohup bash -c 'echo $$ >"$0/pid"; "$@"; echo $? >"$0/rc"' "$dir" "$@" >"$dir/console.log" 2>&1 </dev/null &
for _ in $(seq 50); do [ -s "$dir/pid" ] && break; sleep 0.1; done
if [ ! -s "$dir/pid" ]; then
  echo "detach.sh: the command did not start:" >&2
  cat "$dir/console.log" >&2
  exit 1
fi
echo "detached (pid $(cat "$dir/pid")): $*; output in $dir/console.log"
