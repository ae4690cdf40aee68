#!/usr/bin/env bash
# The go test run of `make test`: every package, each package's result as
# it finishes (with the output of what failed), then the skipped tests, the
# ten slowest tests and the wall time (test/report). The raw `go test
# -json` stream is kept in bin/test.json. Extra arguments go to go test.
#
# Packages run two at a time (go test's default -p on 2 cores); each test
# binary is bounded by -timeout.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mkdir -p bin
go build -o bin/test-report ./test/report || exit 2
start=$(date +%s)
go test -json -count=1 -timeout 20m "$@" ./... 2>&1 | bin/test-report stream -o bin/test.json
status=("${PIPESTATUS[@]}")
echo "== make test: go test took $(($(date +%s) - start))s (exit ${status[0]})"
if [ "${status[0]}" != 0 ]; then
	exit "${status[0]}"
fi
exit "${status[1]}"
