#!/usr/bin/env bash
# Controller scale benchmark: starts a cluster of its own (scripts/kube-up.sh,
# KWOK nodes), runs bench/controller against it and deletes the cluster
# afterwards, also on failure or interrupt.
#
#   bash bench/controller/run.sh -n 200
#   bash bench/controller/run.sh -n 1000 -workers 32 -cpuprofile /tmp/cpu.pprof
#
# Arguments go to the bench (go run ./bench/controller -h lists them).
# BENCH_REPLICAS (default 1) sizes each stable Deployment; the node count is
# set so every pod fits (KWOK nodes take 110 pods each). BENCH_KCM_QPS, when
# set, raises kube-controller-manager's API client limit (default 20/s,
# burst 30), which otherwise paces how fast Deployments get their pods.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
n=200
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
	case "${args[$i]}" in
	-n | --n) n="${args[$((i + 1))]}" ;;
	-n=* | --n=*) n="${args[$i]#*=}" ;;
	esac
done
replicas="${BENCH_REPLICAS:-1}"
work="$(mktemp -d /tmp/pinwheel-bench-controller-XXXXXX)"
export PINWHEEL_KUBE_CLUSTER="bench-controller-$$"
export PINWHEEL_KUBE_WORKDIR="$work"
# Stable pods, canary pods and the surge pod of the promotion, per service.
export PINWHEEL_KUBE_NODES=$((n * (2 * replicas + 1) / 100 + 2))

if [ -n "${BENCH_KCM_QPS:-}" ]; then
	# kwokctl reads $KWOK_WORKDIR/kwok.yaml.
	cat >"$work/kwok.yaml" <<YAML
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
componentsPatches:
- name: kube-controller-manager
  extraArgs:
  - key: kube-api-qps
    value: "$BENCH_KCM_QPS"
  - key: kube-api-burst
    value: "$((BENCH_KCM_QPS * 2))"
YAML
fi

bin="$work/controller-bench"
(cd "$root" && go build -o "$bin" ./bench/controller)

down() {
	# BENCH_LOGS=dir keeps the control plane's logs.
	if [ -n "${BENCH_LOGS:-}" ]; then
		mkdir -p "$BENCH_LOGS" && cp -r "$work/clusters/$PINWHEEL_KUBE_CLUSTER/logs/." "$BENCH_LOGS/" || true
	fi
	bash "$root/scripts/kube-down.sh" || true
	rm -rf "$work"
}
trap down EXIT
trap 'exit 130' INT TERM

kubeconfig="$(bash "$root/scripts/kube-up.sh")"
kubectl="${PINWHEEL_KUBE_CACHE:-$HOME/.cache/pinwheel/kube/v1.37.2}/kubectl"
"$kubectl" --kubeconfig "$kubeconfig" apply -f "$root/deploy/crd/pinwheel.dev_releases.yaml" >&2
"$kubectl" --kubeconfig "$kubeconfig" wait --for condition=established --timeout=60s crd/releases.pinwheel.dev >&2

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores), nodes: $PINWHEEL_KUBE_NODES, kube-controller-manager QPS: ${BENCH_KCM_QPS:-20 (default)}"
BENCH_CLUSTER_PIDS="$work/clusters/$PINWHEEL_KUBE_CLUSTER/pids" "$bin" -kubeconfig "$kubeconfig" -replicas "$replicas" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
