#!/usr/bin/env bash
# Side-by-side benchmark: `pinwheel check` vs dockerfilelint (the npm
# Dockerfile linter) on the same projects: the rich fixture project
# (internal/check/testdata/projects/rich) and a generated project whose
# Dockerfile has BLOCKS blocks of RUN/COPY/ENV (6 lines each). Prints the
# median wall time of RUNS runs per tool, the ratio, and how many findings
# each reported.
#
#   bench/check/run.sh
#   RUNS=21 BLOCKS=2000 bench/check/run.sh
#
# pinwheel check does more than dockerfilelint (lockfile, manifest,
# requirements, entrypoint scripts, build context secrets, SARIF), so the
# ratio is an upper bound on what the Dockerfile part costs.
# dockerfilelint is installed with npm into BENCH_CACHE, never into the repo.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
RUNS="${RUNS:-11}"
BLOCKS="${BLOCKS:-1000}"
PEER_VERSION="${PEER_VERSION:-1.8.0}"
BENCH_CACHE="${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinwheel-bench}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "building pinwheel, installing dockerfilelint@$PEER_VERSION…" >&2
(cd "$repo" && go build -o "$work/pinwheel" ./cmd/pinwheel)
peer_dir="$BENCH_CACHE/dockerfilelint-$PEER_VERSION"
peer="$peer_dir/node_modules/.bin/dockerfilelint"
if [[ ! -x "$peer" ]]; then
	mkdir -p "$peer_dir"
	npm install --prefix "$peer_dir" --no-audit --no-fund --silent "dockerfilelint@$PEER_VERSION" >&2
fi

# The generated project: a hash-locked requirements.txt and a big Dockerfile.
big="$work/big"
mkdir -p "$big"
cp "$repo/internal/check/testdata/projects/clean/requirements.txt" "$big/"
python3 - "$BLOCKS" >"$big/Dockerfile" <<'PY'
import sys
n = int(sys.argv[1])
print("FROM python:3.11-slim AS build")
for i in range(n):
    print(f"RUN apt-get update \\\n    && apt-get install -y --no-install-recommends pkg{i}=1.{i} \\\n    && rm -rf /var/lib/apt/lists/*")
    print(f"COPY src/mod{i} /app/mod{i}\nENV MOD{i}_HOME=/app/mod{i}")
    print(f"RUN curl -fsSL https://example.com/{i}.sh | sh && pip install --no-deps /wheels/m{i}.whl")
print("FROM gcr.io/distroless/python3@sha256:00\nCOPY --from=build /app /app\nCMD [\"app\"]")
PY

# median_ms CMD…: runs CMD RUNS times (output discarded), prints the median
# wall time in milliseconds.
median_ms() {
	local times=() i start end
	for ((i = 0; i < RUNS; i++)); do
		start=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		end=$(date +%s%N)
		times+=($(((end - start) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

printf '%-22s %8s %10s %12s %10s %10s\n' project lines "pinwheel" dockerfilelint ratio "findings"
for name in rich big; do
	if [[ $name == rich ]]; then dir="$repo/internal/check/testdata/projects/rich"; else dir="$big"; fi
	lines=$(wc -l <"$dir/Dockerfile")
	pw=$(median_ms "$work/pinwheel" check "$dir")
	pe=$(median_ms "$peer" "$dir/Dockerfile")
	pw_n=$({ "$work/pinwheel" check -o json "$dir" 2>/dev/null || true; } | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["total"])')
	pe_n=$({ "$peer" -o json "$dir/Dockerfile" 2>/dev/null || true; } | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(f["issues_count"] for f in d["files"]))' || echo "?")
	ratio=$(awk -v a="$pw" -v b="$pe" 'BEGIN {printf "%.2fx", a/b}')
	printf '%-22s %8s %8sms %10sms %10s %5s/%-5s\n' "$name" "$lines" "$pw" "$pe" "$ratio" "$pw_n" "$pe_n"
done
echo "(median of $RUNS runs; ratio = pinwheel/dockerfilelint wall time, lower is faster; findings = pinwheel/dockerfilelint)"
