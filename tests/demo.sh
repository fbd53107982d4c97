#!/bin/sh
# demo.sh: the main job on a bundled example: attach to a running Python
# program for a few seconds, then show where the capture is and its summary.
set -eu
top="$(cd "$(dirname "$0")/.." && pwd)"
memattach="$top/memattach"
out="${1:-$top/demo-capture.bin}"

/usr/bin/python3 "$top/tests/workloads/seed.py" --wait >/dev/null &
target=$!
trap 'kill $target 2>/dev/null; wait $target 2>/dev/null' EXIT INT TERM
sleep 1
echo "demo: attaching to the example (pid $target) for 3 seconds"
"$memattach" "$target" --duration 3 -f -o "$out"
echo
"$memattach" report summary -n 10 "$out"
kill -0 $target && echo "demo: the example (pid $target) is still running"
