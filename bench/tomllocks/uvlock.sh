#!/usr/bin/env bash
# Read a 2,000-package uv.lock (3.7 MB, an sdist and four wheels per package):
# pinwheel's lock.Parse (TOML decode, header positions, sources, artifacts,
# hash validation, edge resolution, group walk, derived markers) against
# Python's tomllib.loads plus a walk collecting each package's name, version
# and artifact hashes — the least a Python tool reading uv.lock must do.
# Same file for both. Prints the median of 5 runs each and the ratio.
set -euo pipefail
cd "$(dirname "$0")/../.."

lock=$(mktemp --suffix=.uv.lock)
trap 'rm -f "$lock"' EXIT
PINWHEEL_SYNTHETIC_UVLOCK="$lock" go test ./internal/lock -run '^TestWriteSyntheticUVLock$' -count 1 >/dev/null

go_ns=$(go test ./internal/lock -run '^$' -bench '^BenchmarkParseUV2000$' -count 5 \
  | awk '/^BenchmarkParseUV2000/ {print $3}' | sort -n | sed -n 3p)

py_ns=$(python3 - "$lock" <<'PY'
import sys, timeit, statistics, tomllib
data = open(sys.argv[1], encoding="utf-8").read()
def read():
    out = []
    for p in tomllib.loads(data)["package"]:
        arts = [p["sdist"]] if "sdist" in p else []
        arts += p.get("wheels", [])
        out.append((p["name"], p.get("version"), [a.get("hash") for a in arts]))
    return out
runs = timeit.repeat(read, number=3, repeat=5)
print(int(statistics.median(runs) / 3 * 1e9))
PY
)
echo "read a 2,000-package uv.lock ($(( $(stat -c %s "$lock") / 1024 )) KiB), median of 5:"
echo "  pinwheel lock.Parse            $((go_ns / 1000000)) ms"
echo "  python3 tomllib + package walk $((py_ns / 1000000)) ms"
awk -v g="$go_ns" -v p="$py_ns" 'BEGIN { printf "  ratio tomllib/pinwheel %.1fx\n", p / g }'
