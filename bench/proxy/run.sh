#!/usr/bin/env bash
# Proxy overhead of the local runtime: the same load generator against one
# python3 replica directly and through pinwheel's proxy (which sends it to
# that same replica). Prints medians over ROUNDS alternating runs:
#   latency mode     (1 connection):   p50 and p99, and what the proxy adds
#   throughput mode  (CONNS connections): requests/s, and the ratio
# Uses wrk (Debian package `wrk`) when installed, else bench/proxy/loadgen.
# Usage: bench/proxy/run.sh   (env: ROUNDS=5 DURATION=5 CONNS=16 LOADGEN=wrk|go)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-5} DURATION=${DURATION:-5} CONNS=${CONNS:-16}
LOADGEN=${LOADGEN:-$(command -v wrk >/dev/null && echo wrk || echo go)}
work=$(mktemp -d)
go build -o "$work/pinwheel" ./cmd/pinwheel
go build -o "$work/loadgen" ./bench/proxy/loadgen
"$work/pinwheel" up "$work/project" >"$work/up.log" 2>&1 &
up=$!
trap 'kill -TERM $up 2>/dev/null; wait $up 2>/dev/null; rm -rf "$work"' EXIT
state="$work/project/.pinwheel/runtime.json"
for _ in $(seq 100); do [ -s "$state" ] && break; sleep 0.1; done
addr=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["addr"])' "$state")
token=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["token"])' "$state")
api() { curl -fsS -H "Authorization: Bearer $token" "$@"; }
app=$(pwd)/internal/runtime/local/testdata/app
api -X POST "http://$addr/v1/apply" -d "{\"service\":\"bench\",\"replicas\":1,\"readinessPath\":\"/healthz\",
  \"stable\":{\"id\":\"v1\",\"env\":{\"RELEASE\":\"v1\"},\"artifact\":{\"source\":{\"dir\":\"$app\",\"command\":[\"python3\",\"app.py\"]}}}}" >/dev/null
for _ in $(seq 200); do
  obs=$(api "http://$addr/v1/services/bench")
  python3 -c 'import json,sys;sys.exit(0 if json.loads(sys.argv[1])["converged"] else 1)' "$obs" && break
  sleep 0.1
done
proxy=$(python3 -c 'import json,sys;print(json.loads(sys.argv[1])["endpoint"])' "$obs")/
direct=http://$(python3 -c 'import json,sys;print(json.loads(sys.argv[1])["releases"]["v1"]["replicas"][0]["address"])' "$obs")/

# measure URL CONNS → one JSON line {rps, p50_ms, p99_ms}
measure() {
  if [ "$LOADGEN" = wrk ]; then
    wrk -t1 -c"$2" -d"${DURATION}s" --latency "$1" | tee -a "$work/wrk.log" | python3 -c '
import json, re, sys
out = sys.stdin.read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    if not m:
        sys.exit("cannot read wrk latency %r in:\n%s" % (v, out))
    n, u = m.groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[u]
print(json.dumps({"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
    "p50_ms": ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1)), "p99_ms": ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1))}))'
  else
    "$work/loadgen" -url "$1" -c "$2" -d "${DURATION}s"
  fi
}
: >"$work/results"
for r in $(seq "$ROUNDS"); do
  for target in direct proxy; do
    url=$direct; [ $target = proxy ] && url=$proxy
    lat=$(measure "$url" 1)
    thr=$(measure "$url" "$CONNS")
    echo "{\"round\":$r,\"target\":\"$target\",\"mode\":\"latency\",\"m\":$lat}" >>"$work/results"
    echo "{\"round\":$r,\"target\":\"$target\",\"mode\":\"throughput\",\"m\":$thr}" >>"$work/results"
  done
done
python3 - "$work/results" "$LOADGEN" "$ROUNDS" "$DURATION" "$CONNS" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def med(target, mode, key):
    return statistics.median(r["m"][key] for r in rows if r["target"] == target and r["mode"] == mode)
print(f"load generator: {sys.argv[2]}; {sys.argv[3]} rounds of {sys.argv[4]}s; medians")
print(f"{'':28}{'direct':>10}{'proxy':>10}{'added':>10}{'ratio':>8}")
for key, label in (("p50_ms", "p50 latency, 1 conn (ms)"), ("p99_ms", "p99 latency, 1 conn (ms)")):
    d, p = med("direct", "latency", key), med("proxy", "latency", key)
    print(f"{label:28}{d:10.3f}{p:10.3f}{p-d:+10.3f}{p/d:8.2f}")
d, p = med("direct", "throughput", "rps"), med("proxy", "throughput", "rps")
print(f"{'throughput, '+sys.argv[5]+' conns (req/s)':28}{d:10.0f}{p:10.0f}{p-d:+10.0f}{p/d:8.2f}")
PY
