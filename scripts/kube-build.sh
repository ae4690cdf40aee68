#!/usr/bin/env bash
# Builds the test control plane from Go modules (test/kube/tools) into a cache
# directory keyed by version, and prints that directory. A binary that is
# already there is not rebuilt; delete the directory to force a rebuild.
#
# It also builds what a real node needs (docs/kube-testing.md, "The real
# node"): kubelet and kube-proxy (test/kube/tools), containerd, ctr and
# containerd-shim-runc-v2 and the CNI plugins bridge, host-local, loopback
# and portmap (test/kube/tools/node, a module of its own), the pause
# image (test/kube/pause, packaged as an OCI archive by test/kube/pauseimage),
# and Prometheus with Kubernetes service discovery, which Debian's package
# lacks (test/kube/tools/prometheus; no other discovery: build tags
# remove_all_sd,enable_kubernetes_sd), to scrape the real node's pods.
#
#   PINWHEEL_KUBE_CACHE  cache dir (default $HOME/.cache/pinwheel/kube/v1.37.2)
#
# Only the Go module proxy is used. A cold build takes 7-25 minutes on 2
# cores; `make test` runs this first (a no-op once everything is cached).
set -euo pipefail

KUBE_VERSION=v1.37.2
KWOK_VERSION=v0.8.0
ETCD_VERSION=v3.7.0
CONTAINERD_VERSION=v2.4.2
CNI_PLUGINS_VERSION=v1.10.0
PROMETHEUS_VERSION=v0.316.0 # the Go module's version of Prometheus 3.16.0
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/test/kube/tools"
cache="${PINWHEEL_KUBE_CACHE:-${HOME}/.cache/pinwheel/kube/${KUBE_VERSION}}"
mkdir -p "$cache"

# kubectl version and kwokctl read these; without them kube binaries report v0.0.0.
build_date="2026-01-01T00:00:00Z"
kube_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	kube_ldflags+=" -X ${pkg}.gitVersion=${KUBE_VERSION}"
	kube_ldflags+=" -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=37"
	kube_ldflags+=" -X ${pkg}.gitCommit=0000000000000000000000000000000000000000"
	kube_ldflags+=" -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=${build_date}"
done
containerd_ldflags="-s -w -X github.com/containerd/containerd/v2/version.Version=${CONTAINERD_VERSION} -X github.com/containerd/containerd/v2/version.Revision=0000000000000000000000000000000000000000"
cni_ldflags="-s -w -X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=${CNI_PLUGINS_VERSION}"
kwok_ldflags="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${KUBE_VERSION#v}"
prom_ldflags="-s -w -X github.com/prometheus/common/version.Version=3.16.0"

# name  module dir  package  ldflags  (containerd's three keep Go's default
# cgo setting, as the note on the real node established; everything else is
# static, CGO_ENABLED=0)
cni=github.com/containernetworking/plugins/plugins
targets=(
	"kube-apiserver $tools k8s.io/kubernetes/cmd/kube-apiserver kube"
	"kube-controller-manager $tools k8s.io/kubernetes/cmd/kube-controller-manager kube"
	"kube-scheduler $tools k8s.io/kubernetes/cmd/kube-scheduler kube"
	"kubectl $tools k8s.io/kubernetes/cmd/kubectl kube"
	"etcd $tools ./cmd/etcd none"
	"kwok $tools sigs.k8s.io/kwok/cmd/kwok kwok"
	"kwokctl $tools sigs.k8s.io/kwok/cmd/kwokctl kwok"
	"kubelet $tools k8s.io/kubernetes/cmd/kubelet kube"
	"kube-proxy $tools k8s.io/kubernetes/cmd/kube-proxy kube"
	"containerd $tools/node github.com/containerd/containerd/v2/cmd/containerd containerd"
	"containerd-shim-runc-v2 $tools/node github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2 containerd"
	"ctr $tools/node github.com/containerd/containerd/v2/cmd/ctr containerd"
	"cni/bridge $tools/node $cni/main/bridge cni"
	"cni/host-local $tools/node $cni/ipam/host-local cni"
	"cni/loopback $tools/node $cni/main/loopback cni"
	"cni/portmap $tools/node $cni/meta/portmap cni"
	"pause $root ./test/kube/pause none"
	"prometheus $tools/prometheus github.com/prometheus/prometheus/cmd/prometheus prom"
)

missing=()
for t in "${targets[@]}"; do
	read -r name _ <<<"$t"
	[ -x "$cache/$name" ] || missing+=("$name")
done
[ -f "$cache/pause.oci.tar" ] || missing+=(pause.oci.tar)
if ((${#missing[@]})); then
	cat >&2 <<BANNER
========================================================================
kube-build: building the test Kubernetes control plane (${KUBE_VERSION})
            and a real node (kubelet, containerd ${CONTAINERD_VERSION}, CNI ${CNI_PLUGINS_VERSION},
            Prometheus ${PROMETHEUS_VERSION} with Kubernetes discovery)
  missing: ${missing[*]}
  into:    $cache
  from:    the Go module proxy (test/kube/tools)
A cold build takes 10-35 minutes on 2 cores (about 16 min of CPU).
It happens once: later runs find the binaries cached and skip this.
========================================================================
BANNER
fi
all_start=$(date +%s)

mkdir -p "$cache/cni"
for t in "${targets[@]}"; do
	read -r name dir pkg flags <<<"$t"
	if [ -x "$cache/$name" ]; then
		continue
	fi
	cgo=0 tags=""
	case "$flags" in
	kube) ldflags="$kube_ldflags" ;;
	kwok) ldflags="$kwok_ldflags" ;;
	containerd) ldflags="$containerd_ldflags" cgo="$(go env CGO_ENABLED)" ;;
	cni) ldflags="$cni_ldflags" ;;
	prom) ldflags="$prom_ldflags" tags="remove_all_sd,enable_kubernetes_sd" ;;
	*) ldflags="-s -w" ;;
	esac
	echo "kube-build: building $name ($pkg)" >&2
	start=$(date +%s)
	# Build to a temp name and rename, so an interrupted build never leaves a
	# binary that looks complete.
	tmp="$(dirname "$cache/$name")/.$(basename "$name").tmp"
	(cd "$dir" && CGO_ENABLED=$cgo go build -trimpath -tags "$tags" -ldflags "$ldflags" -o "$tmp" "$pkg")
	mv -f "$tmp" "$cache/$name"
	echo "kube-build: built $name in $(($(date +%s) - start))s" >&2
done
# The sandbox ("pause") image: the pause binary alone, as an OCI archive that
# containerd imports (no registry). Reproducible: the same bytes every build.
if [ ! -f "$cache/pause.oci.tar" ]; then
	(cd "$root" && go run ./test/kube/pauseimage -binary "$cache/pause" -o "$cache/.pause.oci.tar.tmp")
	mv -f "$cache/.pause.oci.tar.tmp" "$cache/pause.oci.tar"
	echo "kube-build: packaged pause.oci.tar" >&2
fi
if ((${#missing[@]})); then
	echo "kube-build: built in $(($(date +%s) - all_start))s" >&2
fi
printf '%s\n' "$KUBE_VERSION $KWOK_VERSION etcd-$ETCD_VERSION containerd-$CONTAINERD_VERSION cni-$CNI_PLUGINS_VERSION prometheus-$PROMETHEUS_VERSION" >"$cache/VERSIONS"
echo "$cache"
