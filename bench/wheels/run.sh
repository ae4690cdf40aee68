#!/usr/bin/env bash
# Side-by-side wheel install benchmark: pinwheel's installer (package wheel,
# driven by bench/wheels/install) vs
#   python3 -m pip install --no-index --no-deps --find-links WHEELHOUSE --target DIR WHEELS…
# for the same wheel set: the pip and setuptools wheels bundled with the
# machine's python3 (ensurepip/_bundled), into a fresh directory every run.
# pip is timed twice: as it runs by default (it also byte-compiles .pyc) and
# with --no-compile (the same work pinwheel does). Prints the median wall
# time and mean CPU time of each, and the ratios.
#
#   bench/wheels/run.sh            # RUNS=10 by default
#   RUNS=20 bench/wheels/run.sh
#
# Needs hyperfine (Debian: apt-get install hyperfine).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
RUNS="${RUNS:-10}"
py="$(command -v python3)"
bundled="$("$py" -c 'import ensurepip,os;print(os.path.join(os.path.dirname(ensurepip.__file__),"_bundled"))')"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/house"
cp "$bundled"/*.whl "$work/house/"
(cd "$repo" && go build -o "$work/pinwheel-install" ./bench/wheels/install)

wheels=("$work"/house/*.whl)
names=()
for w in "${wheels[@]}"; do names+=("$(basename "$w" | cut -d- -f1)"); done

# measure NAME CMD: prints "NAME WALL_MS CPU_MS" (median wall, mean user+sys).
measure() {
	local name="$1"
	shift
	hyperfine -N --warmup 1 --runs "$RUNS" --prepare "rm -rf $work/t" --export-json "$work/$name.json" "$*" >/dev/null 2>&1
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%s %.1f %.1f" % (sys.argv[2], r["median"]*1000, (r["user"]+r["system"])*1000))' "$work/$name.json" "$name"
}

pip_cmd="$py -m pip install --quiet --disable-pip-version-check --no-index --no-deps --find-links $work/house --target $work/t ${names[*]}"
{
	measure pinwheel "$work/pinwheel-install --find-links $work/house --target $work/t --interpreter $py"
	measure pip-no-compile "$pip_cmd --no-compile"
	measure pip "$pip_cmd"
} >"$work/results"

echo "wheels: $(cd "$work/house" && ls *.whl | tr '\n' ' ')($(du -ch "$work"/house/*.whl | tail -1 | cut -f1)); runs: $RUNS"
printf '%-16s %12s %12s\n' tool median_ms cpu_ms
while read -r name wall cpu; do printf '%-16s %12s %12s\n' "$name" "$wall" "$cpu"; done <"$work/results"
python3 - "$work/results" <<'PY'
import sys
r = {l.split()[0]: (float(l.split()[1]), float(l.split()[2])) for l in open(sys.argv[1])}
pw = r["pinwheel"]
for peer in ("pip-no-compile", "pip"):
    print("%s / pinwheel: wall %.1fx, cpu %.1fx" % (peer, r[peer][0] / pw[0], r[peer][1] / pw[1]))
PY
