#!/usr/bin/env bash
# Side-by-side vulnerability scan benchmark: `pinwheel scan` vs osv-scanner
# v2.6.0, offline, on the same database and the same locks.
#
#   bench/scan/run.sh ADVISORY_DB          # a checkout of PyPA's advisory-database
#   RUNS=5 LOCKS="req-20.txt" bench/scan/run.sh ADVISORY_DB
#
# ADVISORY_DB is a working tree (with vulns/) or a bare git repository of
# github.com/pypa/advisory-database. bench/scan/mkinput turns its YAML
# records into one JSON zip in osv-scanner's local-db layout
# (DB/osv-scalibr/PyPI/all.zip) — both tools read that same file — and
# writes requirements.txt locks with hashes: 20 packages, every package the
# records list (≈640, each pinned to a version a record lists as affected),
# and 3,000 (those plus clean names).
#
# For each lock it checks that the finding sets agree (compare.py: equal,
# apart from findings osv-scanner misses by two known defects, each checked
# against its record) and prints the median wall time and mean CPU time of
# each tool over RUNS runs, and the ratios. pinwheel is timed warm (its
# index of the zip, kept in --cache-dir, built by the warm-up run) and cold
# (the cache emptied before every run: it reads and indexes the whole zip).
# Exit 1 when a comparison fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
src="${1:?usage: bench/scan/run.sh ADVISORY_DB (a checkout of pypa/advisory-database)}"
RUNS="${RUNS:-5}"
BENCH_CACHE="${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinwheel-bench}"
export BENCH_CACHE

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

vulns="$src/vulns"
if [ ! -d "$vulns" ]; then # a bare repository
	mkdir -p "$work/advisories"
	git -C "$src" archive HEAD vulns | tar -x -C "$work/advisories"
	vulns="$work/advisories/vulns"
fi
echo "building pinwheel and osv-scanner…" >&2
(cd "$repo" && go build -o "$work/pinwheel" ./cmd/pinwheel)
osv="$("$here/build-osv-scanner.sh")"
(cd "$repo" && go run ./bench/scan/mkinput "$vulns" "$work/in")
cd "$work/in"
LOCKS="${LOCKS:-$(ls req-*.txt | sort -t- -k2 -n | tr '\n' ' ')}"
records="$(unzip -l db/osv-scalibr/PyPI/all.zip | tail -1 | awk '{print $2}')"

# measure CMD...: "WALL_MS CPU_MS" — median wall, mean user+system CPU over
# RUNS runs (exit 1, "vulnerabilities found", is a normal outcome here).
measure() {
	python3 - "$RUNS" "$@" <<-'PY'
		import resource, statistics, subprocess, sys, time
		runs, cmd = int(sys.argv[1]), sys.argv[2:]
		def once():
		    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
		    if r.returncode not in (0, 1):
		        sys.exit("%s exited %d" % (cmd[0], r.returncode))
		once()
		ts = []
		before = resource.getrusage(resource.RUSAGE_CHILDREN)
		for _ in range(runs):
		    t = time.perf_counter(); once(); ts.append(time.perf_counter() - t)
		after = resource.getrusage(resource.RUSAGE_CHILDREN)
		cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / runs
		print("%.0f %.0f" % (statistics.median(ts) * 1000, cpu * 1000))
	PY
}

echo "database: $records PyPA records (one JSON zip, osv-scanner's local-db layout); $RUNS runs each; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-13s %8s | %11s %11s %11s | %11s %11s %11s | %7s %7s %7s\n' lock packages \
	pw_wall_ms pw_cpu_ms osv_wall_ms cold_wall cold_cpu osv_cpu_ms wall_x cpu_x cold_x
status=0
for lock in $LOCKS; do
	pw=("$work/pinwheel" scan "$lock" --db db -o json --cache-dir "$work/cache")
	cold=(sh -c 'rm -rf "$1"; exec "$2" scan "$3" --db db -o json --cache-dir "$1"' cold "$work/cold" "$work/pinwheel" "$lock")
	os=("$osv" scan source --offline --local-db-path db -L "requirements.txt:$lock" --format json)
	"${pw[@]}" >"pw.json" 2>/dev/null || [ $? -eq 1 ]
	"${os[@]}" >"osv.json" 2>/dev/null || [ $? -eq 1 ]
	if ! python3 "$here/compare.py" pw.json osv.json db/osv-scalibr/PyPI/all.zip >"cmp.txt"; then
		status=1
	fi
	read -r pw_wall pw_cpu < <(measure "${pw[@]}")
	read -r cold_wall cold_cpu < <(measure "${cold[@]}")
	read -r os_wall os_cpu < <(measure "${os[@]}")
	pkgs=$(grep -c '==' "$lock")
	ratio() { python3 -c "print('%.1f' % ($1/max($2,1)))"; }
	printf '%-13s %8s | %11s %11s %11s | %11s %11s %11s | %7s %7s %7s\n' "$lock" "$pkgs" \
		"$pw_wall" "$pw_cpu" "$os_wall" "$cold_wall" "$cold_cpu" "$os_cpu" \
		"$(ratio "$os_wall" "$pw_wall")" "$(ratio "$os_cpu" "$pw_cpu")" "$(ratio "$os_cpu" "$cold_cpu")"
	sed 's/^/    /' cmp.txt
done
exit $status
