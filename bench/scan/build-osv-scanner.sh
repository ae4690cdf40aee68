#!/usr/bin/env bash
# Builds osv-scanner v2.6.0 from the Go module proxy into BENCH_CACHE (never
# into pinwheel's go.mod) and prints the binary's path. It needs Go 1.27
# (GOTOOLCHAIN fetches it from the proxy); ~3.5 CPU-minutes the first time.
set -euo pipefail
BENCH_CACHE="${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinwheel-bench}"
dir="$BENCH_CACHE/osv-scanner-v2.6.0"
if [ ! -x "$dir/osv-scanner" ]; then
	mkdir -p "$dir"
	echo "building osv-scanner v2.6.0 into $dir…" >&2
	GOTOOLCHAIN=go1.27.3 GOBIN="$dir" GOFLAGS=-mod=mod \
		go install github.com/google/osv-scanner/v2/cmd/osv-scanner@v2.6.0 >&2
fi
echo "$dir/osv-scanner"
