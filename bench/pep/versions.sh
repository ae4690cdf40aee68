#!/usr/bin/env bash
# Parse and sort 2,000 PEP 440 versions (the work of diffing two lock files
# of that size): pinwheel's internal/pep against the "packaging" library pip
# vendors (the reference implementation), on the same inputs. Prints the
# median of 5 runs for each and the ratio.
set -euo pipefail
cd "$(dirname "$0")/../.."

go_ns=$(go test ./internal/pep -run '^$' -bench '^BenchmarkParseAndSort2000$' -count 5 \
  | awk '/^BenchmarkParseAndSort2000/ {print $3}' | sort -n | sed -n 3p)

wheel=$(python3 -c 'import ensurepip,os,glob;print(glob.glob(os.path.join(os.path.dirname(ensurepip.__file__),"_bundled","pip-*.whl"))[0])')
py_ns=$(python3 - "$wheel" <<'PY'
import sys, timeit, statistics
sys.path.insert(0, sys.argv[1])
from pip._vendor.packaging.version import Version
suffixes = ["", "", "", ".post1", "rc1", "a2", ".dev3", "+cpu", "b1", ""]
vs = ["%d.%d.%d%s" % (i % 7, (i * 31) % 23, (i * 17) % 101, suffixes[i % len(suffixes)]) for i in range(2000)]
runs = timeit.repeat(lambda: sorted(Version(s) for s in vs), number=20, repeat=5)
print(int(statistics.median(runs) / 20 * 1e9))
PY
)
echo "parse+sort 2000 versions, median of 5:"
echo "  pinwheel internal/pep   $((go_ns / 1000)) µs"
echo "  packaging (pip vendor)  $((py_ns / 1000)) µs"
awk -v g="$go_ns" -v p="$py_ns" 'BEGIN { printf "  ratio packaging/pinwheel %.1fx\n", p / g }'
