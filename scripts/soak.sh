#!/usr/bin/env bash
# Flake hunt (make soak): runs the packages with test rigs — the cluster,
# Prometheus, the local runtime and the end-to-end suites (as root with the
# real node: test/e2e/realnode) — ROUNDS times in
# a row while busy loops keep every core loaded, then prints how often each
# test passed, failed and skipped (failures first, with the output of each
# failing test's first failure). Exit 1 when any test failed in any round.
#
#   SOAK_ROUNDS  rounds (default 10)
#   SOAK_LOAD    busy loops (default: one per core; 0 = no load)
#   SOAK_PKGS    packages (default: every package with a rig, below)
#   SOAK_RUN     a -run pattern to soak only some tests
#
# The rounds' `go test -json` streams stay in bin/soak/<time>/ for a look.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${SOAK_ROUNDS:-10}"
load="${SOAK_LOAD:-$(nproc)}"
pkgs="${SOAK_PKGS:-./internal/testproc/ ./internal/kubetest/ ./internal/promtest/ ./internal/pgtest/ ./internal/ledger/... ./internal/controller/ ./internal/cli/ ./internal/runtime/... ./internal/metrics/... ./test/e2e/...}"
run=()
[ -n "${SOAK_RUN:-}" ] && run=(-run "$SOAK_RUN")
out="bin/soak/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
go build -o bin/test-report ./test/report || exit 2
bash scripts/kube-build.sh >/dev/null || exit 2

loops=()
stop_load() {
	((${#loops[@]})) && kill "${loops[@]}" 2>/dev/null
	wait 2>/dev/null
}
trap stop_load EXIT
for _ in $(seq 1 "$load"); do
	(while :; do :; done) &
	loops+=($!)
done
echo "soak: $rounds rounds of $pkgs with $load busy loops; streams in $out" >&2

root_env=""
[ "$(id -u)" = 0 ] && root_env=1
for i in $(seq 1 "$rounds"); do
	start=$(date +%s)
	PINWHEEL_REQUIRE_KUBE=1 PINWHEEL_KUBE_REAL_NODE="${root_env:-0}" PINWHEEL_REQUIRE_PROMETHEUS="$root_env" PINWHEEL_REQUIRE_DEBIAN="$root_env" PINWHEEL_REQUIRE_POSTGRES="$root_env" \
		go test -json -count=1 -timeout 30m "${run[@]}" $pkgs >"$out/round-$(printf %02d "$i").json" 2>&1
	code=$?
	echo "soak: round $i/$rounds: exit $code in $(($(date +%s) - start))s" >&2
done
stop_load
trap - EXIT
bin/test-report soak "$out"/round-*.json
