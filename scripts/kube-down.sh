#!/usr/bin/env bash
# Deletes the test cluster started by scripts/kube-up.sh (its processes and
# its work dir). Same environment variables as kube-up.sh.
set -euo pipefail

cache="${PINWHEEL_KUBE_CACHE:-${HOME}/.cache/pinwheel/kube/v1.37.2}"
name="${PINWHEEL_KUBE_CLUSTER:-pinwheel}"
export KWOK_WORKDIR="${PINWHEEL_KUBE_WORKDIR:-${HOME}/.cache/pinwheel/kwok}"
export KWOK_KUBECTL_BINARY="$cache/kubectl"
if [ ! -x "$cache/kwokctl" ]; then
	echo "kube-down: no kwokctl in $cache: nothing was started" >&2
	exit 0
fi
# A real node first (scripts/kube-node-up.sh): its mounts live in its own
# work dir, and the kubelet must not outlive kube-apiserver by long.
node_failed=0
if [ -d "$KWOK_WORKDIR/$name.node" ]; then
	PINWHEEL_KUBE_CACHE="$cache" bash "$(dirname "${BASH_SOURCE[0]}")/kube-node-down.sh" "$KWOK_WORKDIR/$name.node" || node_failed=1
fi
# kwokctl signals the cluster's processes and does not wait for them (a
# kube-apiserver can outlive it by seconds); note their pids first.
# PINWHEEL_KUBE_DOWN_NOWAIT=1 leaves the waiting to the caller (kubetest,
# whose test process is their parent and reaps them).
pids=()
for f in "$KWOK_WORKDIR/clusters/$name/pids/"*.pid; do
	[ -f "$f" ] && pids+=("$(cat "$f")")
done
# --kubeconfig names the cluster's own kubeconfig (deleted with it) so that
# ~/.kube/config is never touched; kwokctl rejects an empty path here.
"$cache/kwokctl" delete cluster --name "$name" \
	--kubeconfig "$KWOK_WORKDIR/clusters/$name/kubeconfig.yaml" >&2

rm -f "$KWOK_WORKDIR/$name.kwokctl.yaml"

[ "${PINWHEEL_KUBE_DOWN_NOWAIT:-}" = 1 ] && exit $node_failed

# exited: no such process, or a zombie none of whose threads still runs (a
# zombie leader alone does not mean its threads let go of its ports).
exited() {
	local pid=$1 t st
	for t in /proc/"$pid"/task/*; do
		[ -e "$t/stat" ] || continue
		st=$(sed 's/.*) //' "$t/stat" 2>/dev/null | cut -d' ' -f1)
		case "$st" in Z | X | "") ;; *) return 1 ;; esac
	done
	return 0
}
deadline=$(($(date +%s) + 20))
for pid in "${pids[@]}"; do
	while ! exited "$pid"; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			echo "kube-down: pid $pid still running after 20s: killing it" >&2
			kill -KILL "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.1
	done
done
exit $node_failed
