#!/usr/bin/env bash
# Starts a test Kubernetes cluster: a real kube-apiserver, etcd,
# kube-controller-manager and kube-scheduler run by `kwokctl --runtime binary`,
# with KWOK simulating fake nodes and their pods (no containers run).
# Builds the binaries first if they are not cached (scripts/kube-build.sh).
# Prints the kubeconfig path on stdout; progress goes to stderr.
#
#   PINWHEEL_KUBE_CLUSTER  cluster name (default "pinwheel")
#   PINWHEEL_KUBE_NODES    fake nodes to create (default 2)
#   PINWHEEL_KUBE_WORKDIR  kwokctl's work dir (default $HOME/.cache/pinwheel/kwok)
#   PINWHEEL_KUBE_CACHE    binary cache (see scripts/kube-build.sh)
#   PINWHEEL_KUBE_REAL_NODE=1  also start a real node (scripts/kube-node-up.sh:
#                          containerd, kubelet, kube-proxy; root only) in
#                          $PINWHEEL_KUBE_WORKDIR/<name>.node; kube-down.sh
#                          tears it down
#
# Every binary is given by path, so kwokctl downloads nothing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$(bash "$root/scripts/kube-build.sh")"
name="${PINWHEEL_KUBE_CLUSTER:-pinwheel}"
nodes="${PINWHEEL_KUBE_NODES:-2}"
export KWOK_WORKDIR="${PINWHEEL_KUBE_WORKDIR:-${HOME}/.cache/pinwheel/kwok}"
export KWOK_KUBE_VERSION=v1.37.2
export KWOK_KUBECTL_BINARY="$cache/kubectl"
# kwokctl's readiness checks run the kubectl found on PATH first.
export PATH="$cache:$PATH"
kubeconfig="$KWOK_WORKDIR/clusters/$name/kubeconfig.yaml"

start=$(date +%s)
# kwokctl picks ports by probing down from 32766, so two clusters created at
# the same moment (from different work dirs) pick the same ports and one
# never gets Ready. Creations take turns; the lock is held until this
# cluster's components are listening and released when the script exits.
# Ports are the machine's, so the lock is too (/run/lock), not a cache's:
# runs with different caches (another HOME, PINWHEEL_KUBE_CACHE) share it.
lock="${PINWHEEL_KUBE_LOCK:-}"
if [ -z "$lock" ]; then
	lock=/run/lock/pinwheel-kube-ports.lock
	# (another user's lock file cannot be opened for writing: then the cache's)
	if ! { [ -d /run/lock ] && [ -w /run/lock ] && { [ ! -e "$lock" ] || [ -w "$lock" ]; }; }; then lock="$cache/.create.lock"; fi
fi
exec 9>"$lock"
flock 9
# --kubeconfig= leaves ~/.kube/config alone; the cluster's own kubeconfig is
# written under the work dir. The scheduler and the controller manager run
# alone, without leader election: with it, each exits ("Leaderelection
# lost") when kube-apiserver is away longer than its renew deadline (10 s),
# and nothing here restarts them, so a cluster whose API server restarted
# slowly on a busy machine stopped scheduling pods.
#
# Every component listens on loopback only (kwokctl's default is 0.0.0.0):
# a test cluster is this machine's alone.
mkdir -p "$KWOK_WORKDIR"
config="$KWOK_WORKDIR/$name.kwokctl.yaml"
cat >"$config" <<'YAML'
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  bindAddress: 127.0.0.1
YAML
# With a real node, KWOK must leave it alone (kwokctl runs it with
# --manage-all-nodes=true: it would report the node's pods Running itself),
# and kube-apiserver must reach the kubelet at its node IP (by default it
# tries the node's hostname first, which nothing resolves here).
real_args=()
if [ "${PINWHEEL_KUBE_REAL_NODE:-}" = 1 ]; then
	real_args=(
		--extra-args kwok-controller=manage-all-nodes=false
		--extra-args kwok-controller=manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake
		--extra-args kube-apiserver=kubelet-preferred-address-types=InternalIP
	)
fi
"$cache/kwokctl" --config "$config" create cluster --name "$name" --runtime binary \
	--kube-apiserver-binary "$cache/kube-apiserver" \
	--kube-controller-manager-binary "$cache/kube-controller-manager" \
	--kube-scheduler-binary "$cache/kube-scheduler" \
	--kwok-controller-binary "$cache/kwok" \
	--etcd-binary "$cache/etcd" \
	--extra-args kube-scheduler=leader-elect=false \
	--extra-args kube-controller-manager=leader-elect=false \
	"${real_args[@]}" \
	--kubeconfig= --wait 5m 9>&- >&2

# Fake nodes: the kwok controller manages nodes carrying its annotation and
# reports them Ready, and runs (simulates) every pod scheduled on them.
for i in $(seq 0 $((nodes - 1))); do
	cat <<YAML
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/role: agent
    type: kwok
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "110"}
  capacity: {cpu: "32", memory: 256Gi, pods: "110"}
YAML
done | "$cache/kubectl" --kubeconfig "$kubeconfig" apply -f - >&2
if ! "$cache/kubectl" --kubeconfig "$kubeconfig" wait --for=condition=Ready node --all --timeout=2m >&2; then
	for log in "$KWOK_WORKDIR/clusters/$name/logs/"*.log; do
		echo "kube-up: last lines of $log:" >&2
		tail -n 15 "$log" >&2
	done
	exit 1
fi
if [ "${PINWHEEL_KUBE_REAL_NODE:-}" = 1 ]; then
	PINWHEEL_KUBE_CACHE="$cache" bash "$root/scripts/kube-node-up.sh" "$kubeconfig" "$KWOK_WORKDIR/$name.node" 9>&- >&2
fi
echo "kube-up: cluster $name ready in $(($(date +%s) - start))s (kubectl: $cache/kubectl)" >&2
echo "$kubeconfig"
