#!/usr/bin/env bash
# Side-by-side verification benchmark: `pinwheel verify` vs
# `cosign verify-attestation` on the same signed image in the same loopback
# registry (go-containerregistry's cmd/registry): examples/hello built with
# `pinwheel build --sign-key` (a cosign-generated key, so both tools read
# the same key pair). Prints median wall time and mean CPU time per tool
# and the ratios. Both verify the signature, the subject and the predicate
# type; pinwheel also checks the builder, the lock hash and the SBOM
# envelope, cosign only the provenance envelope (--type slsaprovenance1).
#
#   bench/verify/run.sh
#   RUNS=20 bench/verify/run.sh
#
# cosign comes from scripts/cosign-build.sh (the Go module proxy, cached).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
RUNS="${RUNS:-10}"
work="$(mktemp -d)"
regpid=""
cleanup() {
	[ -n "$regpid" ] && kill "$regpid" 2>/dev/null && wait "$regpid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

echo "building pinwheel, the registry and cosign…" >&2
(cd "$repo" && go build -o "$work/pinwheel" ./cmd/pinwheel && go build -o "$work/registry" github.com/google/go-containerregistry/cmd/registry)
cosign="$("$repo/scripts/cosign-build.sh")"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$work/registry" -port "$port" >"$work/registry.log" 2>&1 &
regpid=$!
for _ in $(seq 100); do grep -q "serving on port" "$work/registry.log" && break; sleep 0.1; done

# cosign gets a home of its own (its sigstore state stays in $work).
keys="$work/keys"
export COSIGN_PASSWORD=bench
cosign=(env HOME="$keys" TUF_ROOT="$work/tuf" "$cosign")
mkdir -p "$keys" && (cd "$keys" && "${cosign[@]}" generate-key-pair >/dev/null 2>&1)
cp -r "$repo/examples/hello" "$work/hello"
digest=$("$work/pinwheel" build "$work/hello" --sign-key "$keys/cosign.key" --output "localhost:$port/bench/hello:1" | tail -1)
image="localhost:$port/bench/hello@$digest"
pw=("$work/pinwheel" verify "$image" --key "$keys/cosign.pub" --project "$work/hello")
co=("${cosign[@]}" verify-attestation --key "$keys/cosign.pub" --insecure-ignore-tlog --type slsaprovenance1 "$image")
"${pw[@]}" >/dev/null
"${co[@]}" >/dev/null 2>&1

# measure CMD...: "WALL_MS CPU_MS": median wall time and mean user+system CPU over RUNS runs.
measure() {
	python3 - "$RUNS" "$@" <<-'PY'
		import resource, statistics, subprocess, sys, time
		runs, cmd = int(sys.argv[1]), sys.argv[2:]
		ts = []
		before = resource.getrusage(resource.RUSAGE_CHILDREN)
		for _ in range(runs):
		    t = time.perf_counter()
		    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
		    ts.append(time.perf_counter() - t)
		after = resource.getrusage(resource.RUSAGE_CHILDREN)
		cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / runs
		print("%.1f %.1f" % (statistics.median(ts) * 1000, cpu * 1000))
	PY
}
read -r pw_wall pw_cpu < <(measure "${pw[@]}")
read -r co_wall co_cpu < <(measure "${co[@]}")
echo "image $image; runs: $RUNS; cosign $("${cosign[@]}" version 2>/dev/null | awk '/GitVersion/ {print $2}')"
printf '%-10s %12s %12s\n' tool wall_ms cpu_ms
printf '%-10s %12s %12s\n' pinwheel "$pw_wall" "$pw_cpu"
printf '%-10s %12s %12s\n' cosign "$co_wall" "$co_cpu"
python3 -c 'import sys; a,b,c,d=map(float,sys.argv[1:]); print("cosign/pinwheel: wall %.1fx, cpu %.1fx" % (c/a, d/b))' "$pw_wall" "$pw_cpu" "$co_wall" "$co_cpu"
