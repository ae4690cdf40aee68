#!/usr/bin/env bash
# The local runtime's proxy side by side with nginx, on the same python3
# replica: the same load generator against the replica directly, through
# pinwheel's proxy (`pinwheel up`) and through nginx (Debian nginx-light, a
# weighted `upstream` with `keepalive`, on loopback with its own prefix dir).
#
# MODE=overhead (default) prints medians over ROUNDS rounds; each round runs
# the three targets in a rotating order, so background load hits them alike:
#   latency mode     (1 connection):      p50 and p99, and what each proxy adds
#   throughput mode  (CONNS connections): requests/s
# and the pinwheel/nginx ratios of added p50, added p99 and throughput.
#
# MODE=shift drives CONNS connections through each proxy while the canary
# weight moves 0→10→50→100→50→10→0 (CYCLES times, STEP seconds per weight;
# pinwheel through its API, nginx by rewriting the upstream weights and
# reloading) and fails unless every request through pinwheel succeeded
# (nginx's failures, if any, are printed as the peer's figure).
#
# Uses wrk (Debian `wrk`, installed when missing) unless LOADGEN=go
# (bench/proxy/loadgen). nginx-light is installed when missing (apt-get).
# PINWHEEL_BIN runs a prebuilt pinwheel instead of building this tree's;
# BASELINE_BIN (overhead mode) adds a fourth target, another prebuilt
# pinwheel (e.g. an older commit) with its own replica of the same app, so a
# before/after comparison runs in the same rounds.
# Usage: bench/proxy/run.sh   (env: MODE=overhead|shift ROUNDS=5 DURATION=5
#        CONNS=16 CYCLES=3 STEP=1 LOADGEN=wrk|go PINWHEEL_BIN=)
set -euo pipefail
cd "$(dirname "$0")/../.."
MODE=${MODE:-overhead} ROUNDS=${ROUNDS:-5} DURATION=${DURATION:-5} CONNS=${CONNS:-16}
CYCLES=${CYCLES:-3} STEP=${STEP:-1} LOADGEN=${LOADGEN:-wrk}

need() { # command package
  command -v "$1" >/dev/null && return
  echo "installing $2 (apt-get)" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2
}
need nginx nginx-light
[ "$LOADGEN" = wrk ] && need wrk wrk

work=$(mktemp -d)
up= ng= up0=
cleanup() {
  [ -n "$ng" ] && kill -QUIT "$ng" 2>/dev/null && wait "$ng" 2>/dev/null
  [ -n "$up" ] && kill -TERM "$up" 2>/dev/null && wait "$up" 2>/dev/null
  [ -n "$up0" ] && kill -TERM "$up0" 2>/dev/null && wait "$up0" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
if [ -n "${PINWHEEL_BIN:-}" ]; then cp "$PINWHEEL_BIN" "$work/pinwheel"; else go build -o "$work/pinwheel" ./cmd/pinwheel; fi
go build -o "$work/loadgen" ./bench/proxy/loadgen

# start_up BIN DIR → starts `pinwheel up` in the background, sets up_pid, addr, token
start_up() {
  "$1" up "$2" >"$2.log" 2>&1 &
  up_pid=$!
  local state="$2/.pinwheel/runtime.json"
  for _ in $(seq 100); do [ -s "$state" ] && break; sleep 0.1; done
  addr=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["addr"])' "$state")
  token=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["token"])' "$state")
}
api() { curl -fsS -H "Authorization: Bearer $token" "$@"; }
jq_() { python3 -c "import json,sys;d=json.loads(sys.argv[1]);print($1)" "$2"; }
app=$(pwd)/internal/runtime/local/testdata/app
rel() { echo "{\"id\":\"$1\",\"env\":{\"RELEASE\":\"$1\"},\"artifact\":{\"source\":{\"dir\":\"$app\",\"command\":[\"python3\",\"app.py\"]}}}"; }
# apply_weight W: stable v1 (and, in shift mode, canary v2 at W %); waits for convergence
apply_weight() {
  local d="{\"service\":\"bench\",\"replicas\":1,\"readinessPath\":\"/healthz\",\"stable\":$(rel v1)"
  [ "$MODE" = shift ] && d="$d,\"canary\":$(rel v2),\"canaryReplicas\":1,\"canaryWeight\":$1"
  api -X POST "http://$addr/v1/apply" -d "$d}" >/dev/null
  for _ in $(seq 600); do
    obs=$(api "http://$addr/v1/services/bench")
    [ "$(jq_ 'd["converged"]' "$obs")" = True ] && return
    sleep 0.05
  done
  echo "pinwheel did not converge on weight $1: $obs" >&2
  exit 1
}
targets=(direct pinwheel nginx)
if [ -n "${BASELINE_BIN:-}" ] && [ "$MODE" = overhead ]; then
  start_up "$BASELINE_BIN" "$work/baseline"
  up0=$up_pid
  apply_weight 0
  baseline_url=$(jq_ 'd["endpoint"]' "$obs")/
  targets+=(baseline)
fi
start_up "$work/pinwheel" "$work/project"
up=$up_pid
apply_weight 0
pinwheel_url=$(jq_ 'd["endpoint"]' "$obs")/
rep1=$(jq_ 'd["releases"]["v1"]["replicas"][0]["address"]' "$obs")
rep2=
[ "$MODE" = shift ] && rep2=$(jq_ 'd["releases"]["v2"]["replicas"][0]["address"]' "$obs")
direct_url=http://$rep1/

# nginx: same replica(s), weighted upstream with keepalive, own prefix dir.
nport=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
mkdir -p "$work/nginx/logs"
nginx_conf() { # canary weight → nginx.conf (weight 0 = `down`, nginx has no weight 0)
  local up="server $rep1 weight=100;"
  if [ -n "$rep2" ]; then
    local s=$((100 - $1)) c=$1
    up="server $rep1 $([ $s -gt 0 ] && echo weight=$s || echo down); server $rep2 $([ $c -gt 0 ] && echo weight=$c || echo down);"
  fi
  cat >"$work/nginx/nginx.conf" <<EOF
worker_processes auto;
user root;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream bench { $up keepalive 64; }
  server {
    listen 127.0.0.1:$nport;
    location / {
      proxy_pass http://bench;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Host \$host;
      proxy_set_header X-Forwarded-Proto \$scheme;
    }
  }
}
EOF
}
nginx_conf 0
nginx -p "$work/nginx" -e "$work/nginx/logs/error.log" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
ng=$!
for _ in $(seq 100); do curl -fsS -o /dev/null "http://127.0.0.1:$nport/" 2>/dev/null && break; sleep 0.1; done
nginx_url=http://127.0.0.1:$nport/

# measure URL CONNS SECONDS → one JSON line {rps, p50_ms, p99_ms, bad, errors}
measure() {
  if [ "$LOADGEN" = wrk ]; then
    wrk -t1 -c"$2" -d"${3}s" --timeout 10s --latency "$1" | tee -a "$work/wrk.log" | python3 -c '
import json, re, sys
out = sys.stdin.read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    if not m:
        sys.exit("cannot read wrk latency %r in:\n%s" % (v, out))
    n, u = m.groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[u]
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
errs = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
print(json.dumps({"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
    "requests": int(re.search(r"(\d+) requests in", out).group(1)),
    "p50_ms": ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1)), "p99_ms": ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1)),
    "bad": int(bad.group(1)) if bad else 0, "errors": sum(map(int, errs.groups())) if errs else 0,
    "socket_errors": dict(zip(("connect", "read", "write", "timeout"), map(int, errs.groups()))) if errs else {}}))'
  else
    "$work/loadgen" -url "$1" -c "$2" -d "${3}s"
  fi
}

if [ "$MODE" = shift ]; then
  weights=(0 10 50 100 50 10 0)
  total=$((CYCLES * ${#weights[@]} * STEP + 2))
  fail=0
  for target in pinwheel nginx; do
    url=$pinwheel_url; [ $target = nginx ] && url=$nginx_url
    measure "$url" "$CONNS" "$total" >"$work/shift.$target" &
    load=$!
    sleep 1
    for _ in $(seq "$CYCLES"); do
      for w in "${weights[@]}"; do
        if [ $target = pinwheel ]; then apply_weight "$w"; else nginx_conf "$w"; kill -HUP "$ng"; fi
        sleep "$STEP"
      done
    done
    wait $load
    m=$(cat "$work/shift.$target")
    echo "$target: weights ${weights[*]} x$CYCLES under $CONNS conns: $m"
    # pinwheel must not drop a request; nginx's count is the peer's figure
    [ $target = nginx ] || [ "$(jq_ 'd.get("bad", d.get("non2xx", 0))+d["errors"]' "$m")" = 0 ] || fail=1
  done
  echo "pinwheel requests by release:"
  curl -fsS "http://$addr/metrics" | grep '^pinwheel_proxy_requests_total'
  [ $fail = 0 ] && echo "PASS: every request succeeded" || { echo "FAIL: dropped or failed requests (see above)"; exit 1; }
  exit 0
fi

: >"$work/results"
nt=${#targets[@]}
for r in $(seq "$ROUNDS"); do
  for i in $(seq 0 $((nt - 1))); do
    target=${targets[$(((r + i) % nt))]}
    case $target in direct) url=$direct_url ;; pinwheel) url=$pinwheel_url ;; nginx) url=$nginx_url ;; baseline) url=$baseline_url ;; esac
    lat=$(measure "$url" 1 "$DURATION")
    thr=$(measure "$url" "$CONNS" "$DURATION")
    echo "{\"round\":$r,\"target\":\"$target\",\"mode\":\"latency\",\"m\":$lat}" >>"$work/results"
    echo "{\"round\":$r,\"target\":\"$target\",\"mode\":\"throughput\",\"m\":$thr}" >>"$work/results"
  done
done
[ -n "${KEEP_RESULTS:-}" ] && cp "$work/results" "$KEEP_RESULTS"
python3 - "$work/results" "$LOADGEN" "$ROUNDS" "$DURATION" "$CONNS" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def med(target, mode, key):
    return statistics.median(r["m"][key] for r in rows if r["target"] == target and r["mode"] == mode)
def added(target, key):
    # per round: proxy minus direct of the same round, then the median
    return statistics.median(
        p["m"][key] - d["m"][key] for p in rows for d in rows
        if p["target"] == target and d["target"] == "direct" and p["mode"] == d["mode"] == "latency" and p["round"] == d["round"])
bad = sum(r["m"].get("bad", r["m"].get("non2xx", 0)) + r["m"].get("errors", 0) for r in rows)
print(f"load generator: {sys.argv[2]}; {sys.argv[3]} rounds of {sys.argv[4]}s, targets in rotating order; medians")
print(f"{'':30}{'direct':>9}{'pinwheel':>10}{'nginx':>9}   {'pinwheel/nginx':>14}")
base = any(r["target"] == "baseline" for r in rows)
for key, label in (("p50_ms", "p50 latency, 1 conn (ms)"), ("p99_ms", "p99 latency, 1 conn (ms)")):
    d, p, n = (med(t, "latency", key) for t in ("direct", "pinwheel", "nginx"))
    extra = f"   baseline {med('baseline', 'latency', key):.3f}" if base else ""
    print(f"{label:30}{d:9.3f}{p:10.3f}{n:9.3f}{'':17}{extra}")
    ap, an = added("pinwheel", key), added("nginx", key)
    ratio = f"{ap/an:14.2f}" if an > 0 else f"{'n/a':>14}"
    extra = f"   baseline {added('baseline', key):+.3f}" if base else ""
    print(f"{'  added (ms)':30}{'':9}{ap:+10.3f}{an:+9.3f}   {ratio}{extra}")
d, p, n = (med(t, "throughput", "rps") for t in ("direct", "pinwheel", "nginx"))
extra = f"   baseline {med('baseline', 'throughput', 'rps'):.0f}" if base else ""
print(f"{'throughput, '+sys.argv[5]+' conns (req/s)':30}{d:9.0f}{p:10.0f}{n:9.0f}   {p/n:14.2f}{extra}")
print(f"failed requests (non-2xx, socket errors) over all runs: {bad}")
PY
