#!/usr/bin/env bash
# Starts a real node in a running test cluster: a bridge for the pods,
# containerd (with Debian's runc and the CNI plugins), the kubelet and
# kube-proxy (iptables mode), all from scripts/kube-build.sh's cache and all
# under one work dir. scripts/kube-up.sh runs it when PINWHEEL_KUBE_REAL_NODE=1;
# scripts/kube-node-down.sh undoes everything it did. Needs root.
#
#   kube-node-up.sh KUBECONFIG WORKDIR
#
#   PINWHEEL_KUBE_NODE_NAME     the node's name (default pinwheel-real-node)
#   PINWHEEL_KUBE_NODE_BRIDGE   the bridge (default pwrn0)
#   PINWHEEL_KUBE_NODE_SUBNET   the pods' /24 (default 10.89.0.0/24; the
#                               bridge, and the node IP, is its .1)
#   PINWHEEL_KUBE_SERVICE_CIDR  the cluster's Service range (default
#                               10.0.0.0/24, kube-apiserver's default)
#   PINWHEEL_KUBE_CACHE         binary cache (see scripts/kube-build.sh)
#
# One real node per machine: kube-proxy owns the host's KUBE-* iptables
# chains and the kubelet the kubepods cgroups. A machine-wide lock
# (/run/lock/pinwheel-kube-real-node.lock) is taken here and handed to the
# node's daemons, so it is held until they have all exited; a second node
# waits up to 10 minutes for it.
#
# Everything listens on loopback or on the bridge: containerd on a unix
# socket (its streaming server on 127.0.0.1), the kubelet's server on the
# node IP (kube-apiserver reaches it there for logs and exec) and its healthz
# on 127.0.0.1, kube-proxy's healthz and metrics on 127.0.0.1, NodePorts only
# on the bridge. The kubelet and kube-proxy talk to kube-apiserver on
# 127.0.0.1 (they run on the host); pods do not reach the API server.
set -euo pipefail

if (($# != 2)); then
	echo "usage: kube-node-up.sh KUBECONFIG WORKDIR" >&2
	exit 2
fi
kubeconfig="$(realpath "$1")"
work="$2"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${PINWHEEL_KUBE_CACHE:-${HOME}/.cache/pinwheel/kube/v1.37.2}"
node="${PINWHEEL_KUBE_NODE_NAME:-pinwheel-real-node}"
bridge="${PINWHEEL_KUBE_NODE_BRIDGE:-pwrn0}"
subnet="${PINWHEEL_KUBE_NODE_SUBNET:-10.89.0.0/24}"
prefix="${subnet%.*}"
nodeip="$prefix.1"
service_cidr="${PINWHEEL_KUBE_SERVICE_CIDR:-10.0.0.0/24}"
sandbox_image="pinwheel.test/pause:1" # test/kube/pauseimage
start=$(date +%s)

if [ "$(id -u)" != 0 ]; then
	echo "kube-node-up: a real node needs root (mounts, netns, cgroups, iptables)" >&2
	exit 1
fi
for b in kubelet kube-proxy containerd containerd-shim-runc-v2 ctr cni/bridge cni/host-local cni/loopback cni/portmap pause.oci.tar; do
	if [ ! -e "$cache/$b" ]; then
		echo "kube-node-up: $cache/$b is missing (run scripts/kube-build.sh)" >&2
		exit 1
	fi
done
for c in /usr/sbin/runc iptables iptables-save iptables-restore ip; do
	if ! command -v "$c" >/dev/null 2>&1; then
		echo "kube-node-up: $c is missing (scripts/setup.sh installs Debian's runc and iptables)" >&2
		exit 1
	fi
done

lock="${PINWHEEL_KUBE_NODE_LOCK:-/run/lock/pinwheel-kube-real-node.lock}"
exec 8>"$lock"
if ! flock -w 600 8; then
	echo "kube-node-up: another real node held $lock for 10 minutes" >&2
	exit 1
fi

mkdir -p "$work"
work="$(realpath "$work")"
echo "$bridge" >"$work/bridge"
echo "$node" >"$work/node"
# Teardown removes files under the machine's fixed paths that are newer than
# this stamp (containerd's shim sockets and fifos).
touch "$work/stamp"
: >"$work/created"
for d in /run/containerd /var/lib/kubelet /var/log/containers /var/lib/cni /run/netns; do
	[ -e "$d" ] || echo "$d" >>"$work/created"
done

# The lock says no other real node runs, so a bridge of this name is a
# leftover of one that was never torn down.
if ip link show "$bridge" >/dev/null 2>&1; then
	echo "kube-node-up: removing leftover bridge $bridge" >&2
	ip link del "$bridge"
fi
ip link add "$bridge" type bridge
ip addr add "$nodeip/24" dev "$bridge"
ip link set "$bridge" up
# ClusterIPs route to the bridge, not to the default route: a packet to a
# Service that kube-proxy has not programmed yet (or no longer) stays on
# this machine instead of leaving through eth0 (where something answered
# once, and a client kept that connection alive). Goes with the bridge.
ip route add "$service_cidr" dev "$bridge"

# containerd
c="$work/containerd"
mkdir -p "$c/root" "$c/state" "$c/certs.d" "$c/opt" "$work/cni/net.d" "$work/cni/ipam" "$work/cni/cache"
cat >"$c/config.toml" <<TOML
version = 3
root = "$c/root"
state = "$c/state"

[grpc]
  address = "$c/containerd.sock"
[ttrpc]
  address = "$c/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""

[plugins.'io.containerd.internal.v1.opt']
  path = "$c/opt"
[plugins.'io.containerd.nri.v1.nri']
  disable = true

[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "$sandbox_image"
  [plugins.'io.containerd.cri.v1.images'.registry]
    # <host:port>/hosts.toml per registry: kubetest writes a plain-HTTP one
    # for the registry a test serves on 127.0.0.1.
    config_path = "$c/certs.d"

[plugins.'io.containerd.cri.v1.runtime']
  enable_selinux = false
  # Root here lacks CAP_SYS_RESOURCE: runc cannot set the negative
  # oom_score_adj the kubelet asks for sandboxes.
  restrict_oom_score_adj = true
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    default_runtime_name = "runc"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        BinaryName = "/usr/sbin/runc"
        SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["$cache/cni"]
    conf_dir = "$work/cni/net.d"
    max_conf_num = 1

[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
TOML
cat >"$work/cni/net.d/10-pinwheel.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "pinwheel-real-node",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$bridge",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$work/cni/ipam",
        "ranges": [[{"subnet": "$subnet", "rangeStart": "$prefix.10", "rangeEnd": "$prefix.250", "gateway": "$nodeip"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
JSON
# The daemons inherit the lock (fd 8) and nothing else of this script's.
daemon() { # name args...
	local name=$1
	shift
	nohup "$@" </dev/null >"$work/$name.log" 2>&1 9>&- &
	echo $! >"$work/$name.pid"
}
PATH="$cache:$PATH" daemon containerd "$cache/containerd" --config "$c/config.toml"
ctr=("$cache/ctr" --address "$c/containerd.sock" -n k8s.io)
for _ in $(seq 100); do
	"${ctr[@]}" version >/dev/null 2>&1 && break
	sleep 0.1
done
if ! "${ctr[@]}" version >/dev/null 2>&1; then
	echo "kube-node-up: containerd did not start; its log:" >&2
	tail -n 20 "$work/containerd.log" >&2
	exit 1
fi
"${ctr[@]}" images import "$cache/pause.oci.tar" >&2
"${ctr[@]}" images label "$sandbox_image" io.cri-containerd.pinned=pinned >/dev/null

# kubelet
k="$work/kubelet"
mkdir -p "$k/root" "$k/pki" "$work/pod-logs"
echo "# pinwheel test node: pods get no DNS" >"$work/resolv.conf"
cat >"$k/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $nodeip
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$c/containerd.sock
imageServiceEndpoint: unix://$c/containerd.sock
podLogsDir: $work/pod-logs
resolvConf: $work/resolv.conf
staticPodPath: ""
authentication:
  anonymous: {enabled: true}
  webhook: {enabled: false}
authorization: {mode: AlwaysAllow}
evictionHard: {memory.available: 100Mi, nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
nodeStatusUpdateFrequency: 5s
nodeStatusReportFrequency: 5s
serializeImagePulls: false
YAML
daemon kubelet "$cache/kubelet" --config "$k/config.yaml" --kubeconfig "$kubeconfig" \
	--root-dir "$k/root" --cert-dir "$k/pki" \
	--node-ip "$nodeip" --hostname-override "$node" \
	--node-labels "pinwheel.dev/real-node=true"

# kube-proxy
cat >"$work/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: {kubeconfig: $kubeconfig}
hostnameOverride: $node
clusterCIDR: $subnet
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: ["$nodeip/32"]
iptables: {localhostNodePorts: false}
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
YAML
daemon kube-proxy "$cache/kube-proxy" --config "$work/kube-proxy.yaml"

kubectl=("$cache/kubectl" --kubeconfig "$kubeconfig")
for _ in $(seq 240); do
	"${kubectl[@]}" get node "$node" >/dev/null 2>&1 && break
	sleep 0.5
done
if ! "${kubectl[@]}" wait --for=condition=Ready "node/$node" --timeout=2m >&2; then
	for log in containerd kubelet kube-proxy; do
		echo "kube-node-up: last lines of $work/$log.log:" >&2
		tail -n 15 "$work/$log.log" >&2
	done
	exit 1
fi
# kube-proxy answers 200 on /healthz once it has programmed the Services.
healthz() { # status line of GET 127.0.0.1:10256/healthz (bash's /dev/tcp: no curl needed)
	local line
	exec 7<>/dev/tcp/127.0.0.1/10256 || return 1
	printf 'GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&7
	read -r line <&7
	exec 7<&-
	[[ "$line" == *" 200 "* ]]
}
for _ in $(seq 120); do
	healthz 2>/dev/null && break
	sleep 0.5
done
if ! healthz 2>/dev/null; then
	echo "kube-node-up: kube-proxy never reported healthy; its log:" >&2
	tail -n 20 "$work/kube-proxy.log" >&2
	exit 1
fi
echo "kube-node-up: node $node Ready in $(($(date +%s) - start))s (bridge $bridge $nodeip, work dir $work)" >&2
