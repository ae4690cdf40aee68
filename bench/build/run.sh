#!/usr/bin/env bash
# Side-by-side benchmark: `pinwheel build` vs what a Dockerfile does for the
# same wheel set — `python3 -m pip install --no-index --find-links WHEELHOUSE
# --target DIR -r requirements.txt` plus `tar czf` of the result — on a
# generated service of N packages (N-2 synthetic wheels built from source by
# pinwheel's wheelsrc, plus the machine's bundled pip and setuptools wheels).
#
#   bench/build/run.sh
#   RUNS=7 N=50 bench/build/run.sh
#
# Scenarios (median of RUNS, wall and CPU = user+sys seconds):
#   pip+tar            pip install from the wheelhouse, then tar czf
#   pinwheel cold      empty cache: wheels copied into the cache, installed,
#                      layer written, OCI layout written
#   pinwheel warm      wheel cache warm, layer cache dropped: install + layer
#   pinwheel app-only  one app file changed, everything else cached
# pinwheel's outputs include the provenance and SBOM; pip's do not.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
RUNS="${RUNS:-5}"
N="${N:-50}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$repo" && go build -o "$work/pinwheel" ./cmd/pinwheel && go run ./bench/build/mkservice -n "$N" -out "$work/gen" >&2)
svc="$work/gen/svc"

# measure NAME SETUP CMD: run SETUP (untimed) then CMD, RUNS times; record "wall cpu".
measure() {
	local name="$1" setup="$2" cmd="$3"
	: >"$work/$name.times"
	for _ in $(seq "$RUNS"); do
		bash -c "$setup"
		/usr/bin/time -f "%e %U %S" -o "$work/t" bash -c "$cmd" >/dev/null 2>&1
		awk '{printf "%s %.2f\n", $1, $2+$3}' "$work/t" >>"$work/$name.times"
	done
}
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }

measure pip "rm -rf $work/pipt $work/pipt.tgz" \
	"python3 -m pip install -q --disable-pip-version-check --no-index --find-links $svc/wheelhouse --target $work/pipt -r $work/gen/requirements.txt && tar czf $work/pipt.tgz -C $work/pipt ."
measure cold "rm -rf $work/cache $work/out" \
	"$work/pinwheel build $svc --cache-dir $work/cache --output oci:$work/out"
measure warm "rm -rf $work/cache/layers $work/out" \
	"$work/pinwheel build $svc --cache-dir $work/cache --output oci:$work/out"
measure apponly "rm -rf $work/out; echo \"# \$RANDOM\$RANDOM\" >> $svc/app/main.py" \
	"$work/pinwheel build $svc --cache-dir $work/cache --output oci:$work/out"

row() {
	local name="$1" label="$2"
	local wall cpu
	wall="$(cut -d' ' -f1 "$work/$name.times" | median)"
	cpu="$(cut -d' ' -f2 "$work/$name.times" | median)"
	printf "%-20s %10s %10s\n" "$label" "$wall" "$cpu"
	eval "${name}_wall=$wall ${name}_cpu=$cpu"
}
echo "N=$N packages, RUNS=$RUNS, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-20s %10s %10s\n" "scenario" "wall s" "cpu s"
row pip "pip+tar"
row cold "pinwheel cold"
row warm "pinwheel warm"
row apponly "pinwheel app-only"
awk -v pw="$pip_wall" -v pc="$pip_cpu" -v cw="$cold_wall" -v cc="$cold_cpu" -v ww="$warm_wall" -v wc="$warm_cpu" 'BEGIN {
	printf "ratio pip/pinwheel cold: wall %.1fx, cpu %.1fx\n", pw/cw, pc/cc
	printf "ratio pip/pinwheel warm: wall %.1fx, cpu %.1fx\n", pw/ww, pc/wc
}'
