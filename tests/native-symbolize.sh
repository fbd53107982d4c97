#!/bin/sh
# native-symbolize.sh: prepare copies of the test library (full, stripped,
# split debug info, rebuilt) and a foreign process's maps, then run
# tests/native-symbolize on them.
set -u
: "${TOP_BUILDDIR:=.}"
lib="$TOP_BUILDDIR/tests/native-symtest.so"
other="$TOP_BUILDDIR/tests/native-symtest-other.so"
python=/usr/bin/python3

command -v objcopy >/dev/null 2>&1 || { echo "no objcopy"; exit 77; }
[ -x "$python" ] || { echo "no $python"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

cp "$lib" "$tmp/full.so" &&
objcopy --strip-debug "$lib" "$tmp/stripped.so" &&
objcopy --only-keep-debug "$lib" "$tmp/linked.so.debug" &&
objcopy --strip-debug --add-gnu-debuglink="$tmp/linked.so.debug" \
	"$lib" "$tmp/linked.so" &&
cp "$lib" "$tmp/changing.so" &&
cp "$other" "$tmp/other.so" || exit 99

# Addresses as another process sees them: libc's malloc and the
# interpreter's eval loop, with that process's maps.
"$python" -c '
import ctypes
def addr(f):
    return ctypes.cast(f, ctypes.c_void_p).value
print("malloc", hex(addr(ctypes.CDLL("libc.so.6").malloc)))
print("_PyEval_EvalFrameDefault",
      hex(addr(ctypes.pythonapi._PyEval_EvalFrameDefault)))
print(open("/proc/self/maps").read(), end="")
' > "$tmp/foreign.txt" || exit 99

timeout 120 "$TOP_BUILDDIR/tests/native-symbolize" "$tmp" "$tmp/foreign.txt" \
	> "$tmp/out.txt"
rc=$?
cat "$tmp/out.txt"
[ $rc -eq 0 ] || exit $rc

# With python3.11-dbg installed, the interpreter has lines too.
exe=$(readlink -f "$python")
id=$(LC_ALL=C readelf -n "$exe" 2>/dev/null | sed -n 's/.*Build ID: //p')
if [ -n "$id" ] && [ -f "/usr/lib/debug/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug" ]; then
	grep -q '^_PyEval_EvalFrameDefault at .*ceval\.c:[1-9]' "$tmp/out.txt" || {
		echo "FAIL: $exe has debug info but no ceval.c line"
		exit 1
	}
fi
exit 0
