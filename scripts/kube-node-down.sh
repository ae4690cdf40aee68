#!/usr/bin/env bash
# Tears down a real node started by scripts/kube-node-up.sh, completely, also
# when a test failed half way or the node never got Ready. Safe to run twice.
#
#   kube-node-down.sh WORKDIR
#
# In this order: kube-proxy (then `kube-proxy --cleanup` removes its iptables
# chains); the kubelet; every container and sandbox containerd runs (killed,
# deleted) and the network namespaces of the sandboxes; containerd; any shim
# still serving containerd's socket and any process left in the kubepods
# cgroups; every mount under the work dir (the kubelet's root dir is
# bind-mounted onto itself, the containers' rootfs are overlay mounts); the
# kubepods cgroups; the kubelet's iptables chains; the bridge (and the
# Service route on it); what the node left under the machine's fixed
# paths (/run/containerd/{s,fifo,runc/k8s.io}, /var/lib/kubelet/device-plugins,
# /var/log/containers, /var/lib/cni) and, last, the work dir. It exits
# non-zero, naming it, when something could not be removed.
set -uo pipefail

if (($# != 1)); then
	echo "usage: kube-node-down.sh WORKDIR" >&2
	exit 2
fi
work="$1"
[ -d "$work" ] || exit 0
work="$(realpath "$work")"
cache="${PINWHEEL_KUBE_CACHE:-${HOME}/.cache/pinwheel/kube/v1.37.2}"
bridge="$(cat "$work/bridge" 2>/dev/null || true)"
c="$work/containerd"
sock="$c/containerd.sock"
failed=()

running() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
# stop NAME: SIGTERM the daemon from its pid file, SIGKILL after 15 s.
stop() {
	local pid
	pid="$(cat "$work/$1.pid" 2>/dev/null || true)"
	running "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 150); do
		running "$pid" || return 0
		sleep 0.1
	done
	echo "kube-node-down: $1 (pid $pid) still running after 15s: killing it" >&2
	kill -KILL "$pid" 2>/dev/null
	sleep 0.2
}

stop kube-proxy
if [ -x "$cache/kube-proxy" ] && [ -f "$work/kube-proxy.yaml" ]; then
	"$cache/kube-proxy" --cleanup --config "$work/kube-proxy.yaml" >"$work/kube-proxy-cleanup.log" 2>&1 ||
		echo "kube-node-down: kube-proxy --cleanup failed (see $work/kube-proxy-cleanup.log)" >&2
fi
stop kubelet

# Containers and sandboxes, while containerd still runs; the sandboxes'
# network namespaces are noted from their specs first.
netns=()
ctr=("$cache/ctr" --address "$sock" -n k8s.io)
if [ -S "$sock" ] && "${ctr[@]}" version >/dev/null 2>&1; then
	mapfile -t ids < <("${ctr[@]}" containers ls -q 2>/dev/null)
	for id in "${ids[@]}"; do
		while read -r p; do netns+=("$p"); done < <("${ctr[@]}" containers info "$id" 2>/dev/null | grep -o '"/var/run/netns/[^"]*"\|"/run/netns/[^"]*"' | tr -d '"' | sort -u)
		"${ctr[@]}" tasks kill -a -s SIGKILL "$id" >/dev/null 2>&1
	done
	for id in "${ids[@]}"; do
		for _ in $(seq 50); do
			"${ctr[@]}" tasks delete -f "$id" >/dev/null 2>&1 && break
			"${ctr[@]}" tasks ls -q 2>/dev/null | grep -qx "$id" || break
			sleep 0.1
		done
		"${ctr[@]}" containers delete "$id" >/dev/null 2>&1
	done
fi
stop containerd

# Shims whose containerd is gone outlive it; so do their containers.
for p in /proc/[0-9]*; do
	if { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -q -- "-address $sock "; then
		kill -KILL "${p#/proc/}" 2>/dev/null
	fi
done
kubepods=(/sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods)
for cg in "${kubepods[@]}"; do
	[ -d "$cg" ] || continue
	find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null | while read -r pid; do kill -KILL "$pid" 2>/dev/null; done
done

# Network namespaces: the sandboxes' own, noted above, and any the work dir
# names (a node torn down after containerd died keeps none in its specs).
for p in "${netns[@]}"; do
	umount "$p" 2>/dev/null
	rm -f "$p" 2>/dev/null
	[ -e "$p" ] && failed+=("netns $p")
done

# Mounts under the work dir, deepest first (lazily, if busy).
unmount_all() {
	local m
	awk '{print $5}' /proc/self/mountinfo | grep -F "$work/" | sort -r | while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
}
unmount_all
unmount_all
if awk '{print $5}' /proc/self/mountinfo | grep -qF "$work/"; then failed+=("mounts under $work"); fi

# kubepods cgroups, deepest first (a cgroup goes once its processes are gone).
for cg in "${kubepods[@]}"; do
	[ -d "$cg" ] || continue
	for _ in $(seq 50); do
		find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
		[ -d "$cg" ] || break
		sleep 0.1
	done
	[ -d "$cg" ] && failed+=("cgroup $cg")
done

# iptables: `kube-proxy --cleanup` removed kube-proxy's chains; the kubelet
# leaves its own (KUBE-FIREWALL, KUBE-KUBELET-CANARY), IPv4 and IPv6. Only
# one real node runs on a machine (kube-node-up.sh's lock), so every KUBE-
# chain is this node's: the rules jumping to them go, then the chains.
for ipt in iptables ip6tables; do
	command -v "$ipt" >/dev/null 2>&1 || continue
	for table in filter nat mangle; do
		"$ipt" -t "$table" -S >/dev/null 2>&1 || continue
		while read -r rule; do
			eval "\"\$ipt\" -t \"\$table\" -D ${rule#-A }" || failed+=("$ipt -t $table rule: $rule")
		done < <("$ipt" -t "$table" -S | grep -E '^-A [^ ]+ .*-j KUBE-' | grep -vE '^-A KUBE-')
		chains=$("$ipt" -t "$table" -S | awk '/^-N KUBE-/ {print $2}')
		for ch in $chains; do "$ipt" -t "$table" -F "$ch"; done
		for ch in $chains; do "$ipt" -t "$table" -X "$ch" || failed+=("$ipt -t $table chain $ch"); done
	done
done

if [ -n "$bridge" ] && ip link show "$bridge" >/dev/null 2>&1; then
	ip link del "$bridge" || failed+=("bridge $bridge")
fi
# Veths of pods whose netns could not be found were on the bridge: with
# their netns gone they are gone too.

# The machine's fixed paths: what this node added.
if [ -f "$work/stamp" ]; then
	for d in /run/containerd/s /run/containerd/fifo /run/containerd/runc/k8s.io; do
		[ -d "$d" ] && find "$d" -mindepth 1 -maxdepth 1 -newer "$work/stamp" -exec rm -rf {} + 2>/dev/null
	done
	# container log links pointing into this work dir
	[ -d /var/log/containers ] && find /var/log/containers -maxdepth 1 -type l -lname "$work/*" -delete 2>/dev/null
	# libcni's cached results: the pod network's and the loopback's
	[ -d /var/lib/cni/results ] && find /var/lib/cni/results -maxdepth 1 -type f -newer "$work/stamp" \
		\( -name 'pinwheel-real-node-*' -o -name 'cni-loopback-*' \) -delete 2>/dev/null
fi
rm -f /var/lib/kubelet/device-plugins/kubelet.sock /var/lib/kubelet/device-plugins/DEPRECATION 2>/dev/null
rmdir /var/lib/kubelet/device-plugins 2>/dev/null
# Directories the node created (noted by kube-node-up.sh): removed when
# nothing else is left in them.
if [ -f "$work/created" ]; then
	while read -r d; do
		[ -d "$d" ] && find "$d" -depth -type d -empty -delete 2>/dev/null
		[ -e "$d" ] && echo "kube-node-down: $d is not empty; left in place" >&2
	done <"$work/created"
fi

if ((${#failed[@]})); then
	echo "kube-node-down: could not remove: ${failed[*]}; $work kept" >&2
	exit 1
fi
rm -rf "$work"
