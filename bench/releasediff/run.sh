#!/usr/bin/env bash
# pinwheel diff RELEASE_A RELEASE_B on two releases with 500-package lock
# snapshots (goal < 50 ms), as a whole process (ledger open, two reads,
# compare, render), next to the in-process Go benchmark.
# Usage: bench/releasediff/run.sh [RUNS]   (from the repository root)
set -euo pipefail
runs=${1:-30}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/pinwheel" ./cmd/pinwheel
PINWHEEL_BENCH_LEDGER="$tmp/ledger.db" go test -count=1 -run '^TestWriteBenchLedger$' ./internal/deploy >/dev/null
"$tmp/pinwheel" diff shop-1 shop-2 --ledger "$tmp/ledger.db" | head -3
python3 - "$tmp/pinwheel" "$tmp/ledger.db" "$runs" <<'PY'
import statistics, subprocess, sys, time
exe, ledger, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run([exe, "diff", "shop-1", "shop-2", "--ledger", ledger], check=True, stdout=subprocess.DEVNULL)
    times.append((time.perf_counter() - t) * 1000)
print(f"pinwheel diff (process, 500-package locks): median {statistics.median(times):.1f} ms, "
      f"p90 {sorted(times)[int(len(times) * 0.9) - 1]:.1f} ms over {runs} runs")
PY
go test -run '^$' -bench 'ReleaseDiff' -benchtime 100x ./internal/deploy | grep Benchmark
