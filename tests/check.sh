#!/bin/sh
# check.sh: install what is missing, build, run the whole test suite, and
# end with the line "N passed, N failed[, N skipped]".
set -u
top="$(cd "$(dirname "$0")/.." && pwd)"
"$top/tests/setup-debian.sh" || exit 1
"$top/tests/build.sh" || exit 1
cd "$top"
make -j2 -k check >check.out 2>&1
rc=$?
cat check.out
pass=0 fail=0 skip=0
if [ -f test-suite.log ]; then
	pass=$(sed -n 's/^# PASS: *//p' test-suite.log)
	skip=$(sed -n 's/^# SKIP: *//p' test-suite.log)
	fail=$(sed -n 's/^# \(FAIL\|ERROR\|XPASS\): *//p' test-suite.log |
		awk '{ s += $1 } END { print s + 0 }')
	# Show what failed, so the log says why without another run.
	[ "$fail" -gt 0 ] && cat test-suite.log
fi
[ $rc -ne 0 ] && [ "$fail" -eq 0 ] && fail=1	# the build itself failed
if [ "${skip:-0}" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
