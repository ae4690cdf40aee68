#!/usr/bin/env bash
# Side-by-side SBOM benchmark: `pinwheel sbom` vs `syft scan dir:` on
# synthetic lockfiles of 50, 500 and 2,000 packages in every format both
# tools read (poetry.lock, Pipfile.lock, requirements.txt with hashes,
# uv.lock, pdm.lock). Prints median wall time and mean CPU time per tool,
# the ratios, and whether the two SBOMs list the same name@version set.
#
#   bench/sbom/run.sh                     # all sizes and formats
#   SIZES="500" FORMATS="uv poetry" RUNS=5 bench/sbom/run.sh
#
# syft is built from the Go module proxy by build-syft.sh into BENCH_CACHE
# (never into pinwheel's go.mod). hyperfine is used when installed
# (Debian: apt-get install hyperfine), else a plain timing loop.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
SIZES="${SIZES:-50 500 2000}"
FORMATS="${FORMATS:-poetry pipfile requirements uv pdm}"
RUNS="${RUNS:-10}"
BENCH_CACHE="${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinwheel-bench}"
export BENCH_CACHE
export SYFT_CHECK_FOR_APP_UPDATE=false # no network from syft

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "building pinwheel and syft…" >&2
(cd "$repo" && go build -o "$work/pinwheel" ./cmd/pinwheel)
syft="$("$here/build-syft.sh")"
pinwheel="$work/pinwheel"
# shellcheck disable=SC2086
python3 "$here/genlocks.py" "$work/locks" $SIZES

# measure CMD...: prints "WALL_MS CPU_MS": the median wall time and the mean
# user+system CPU time of CMD over RUNS runs. CPU time is the steadier figure
# on a shared machine; wall time is what a user waits.
measure() {
	if command -v hyperfine >/dev/null; then
		hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$work/h.json" "$*" >/dev/null 2>&1
		python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f %.1f" % (r["median"]*1000, (r["user"]+r["system"])*1000))' "$work/h.json"
	else
		python3 - "$RUNS" "$@" <<-'EOF'
			import resource, statistics, subprocess, sys, time
			runs, cmd = int(sys.argv[1]), sys.argv[2:]
			subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
			ts = []
			before = resource.getrusage(resource.RUSAGE_CHILDREN)
			for _ in range(runs):
			    t = time.perf_counter()
			    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
			    ts.append(time.perf_counter() - t)
			after = resource.getrusage(resource.RUSAGE_CHILDREN)
			cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / runs
			print("%.1f %.1f" % (statistics.median(ts) * 1000, cpu * 1000))
		EOF
	fi
}

# agree PINWHEEL_JSON SYFT_JSON: compares the pypi name@version sets
# (syft lists the project itself as a component; pinwheel makes it the root).
agree() {
	python3 - "$1" "$2" <<-'EOF'
		import json, sys
		pw, sy = (json.load(open(p)) for p in sys.argv[1:3])
		root = pw["metadata"]["component"]["name"]
		a = {f'{c["name"]}@{c.get("version", "")}' for c in pw.get("components", [])}
		b = {f'{c["name"].lower()}@{c.get("version", "")}' for c in sy.get("components", [])
		     if c.get("purl", "").startswith("pkg:pypi/") and c["name"].lower() != root}
		if a == b:
		    print(f"yes ({len(a)})")
		else:
		    print(f"NO: only pinwheel {sorted(a - b)[:3]} only syft {sorted(b - a)[:3]}")
	EOF
}

echo "syft: $syft (github.com/anchore/syft ${SYFT_VERSION:-v1.57.0}); runs per cell: $RUNS; timer: $(command -v hyperfine >/dev/null && hyperfine --version || echo python loop)"
printf '%-6s %-13s %14s %14s %11s %11s %9s %9s  %s\n' N format pinwheel_wall syft_wall pinwheel_cpu syft_cpu wall_x cpu_x "same name@version set"
for n in $SIZES; do
	for f in $FORMATS; do
		dir="$work/locks/$n/$f"
		if ! "$pinwheel" sbom "$dir" -o cyclonedx --output-file "$work/pw.json" 2>"$work/pw.err"; then
			printf '%-6s %-13s pinwheel cannot read it: %s\n' "$n" "$f" "$(head -c 120 "$work/pw.err")"
			continue
		fi
		"$syft" scan "dir:$dir" -o cyclonedx-json --select-catalogers python -q >"$work/syft.json"
		read -r pw_wall pw_cpu < <(measure "$pinwheel" sbom "$dir" -o cyclonedx)
		read -r sy_wall sy_cpu < <(measure "$syft" scan "dir:$dir" -o cyclonedx-json --select-catalogers python -q)
		read -r wall_x cpu_x < <(python3 -c "print('%.1fx %.1fx' % ($sy_wall / $pw_wall, $sy_cpu / $pw_cpu))")
		printf '%-6s %-13s %12sms %12sms %9sms %9sms %9s %9s  %s\n' "$n" "$f" "$pw_wall" "$sy_wall" "$pw_cpu" "$sy_cpu" "$wall_x" "$cpu_x" \
			"$(agree "$work/pw.json" "$work/syft.json")"
	done
done
