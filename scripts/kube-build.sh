#!/usr/bin/env bash
# Builds the test control plane from Go modules (test/kube/tools) into a cache
# directory keyed by version, and prints that directory. A binary that is
# already there is not rebuilt; delete the directory to force a rebuild.
#
#   PINWHEEL_KUBE_CACHE  cache dir (default $HOME/.cache/pinwheel/kube/v1.37.2)
#
# Only the Go module proxy is used. A cold build takes 7-25 minutes on 2
# cores; `make test` runs this first (a no-op once everything is cached).
set -euo pipefail

KUBE_VERSION=v1.37.2
KWOK_VERSION=v0.8.0
ETCD_VERSION=v3.7.0
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
kwok_ldflags="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${KUBE_VERSION#v}"

# name  package  ldflags
targets=(
	"kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver kube"
	"kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager kube"
	"kube-scheduler k8s.io/kubernetes/cmd/kube-scheduler kube"
	"kubectl k8s.io/kubernetes/cmd/kubectl kube"
	"etcd ./cmd/etcd none"
	"kwok sigs.k8s.io/kwok/cmd/kwok kwok"
	"kwokctl sigs.k8s.io/kwok/cmd/kwokctl kwok"
)

missing=()
for t in "${targets[@]}"; do
	read -r name _ <<<"$t"
	[ -x "$cache/$name" ] || missing+=("$name")
done
if ((${#missing[@]})); then
	cat >&2 <<BANNER
========================================================================
kube-build: building the test Kubernetes control plane (${KUBE_VERSION})
  missing: ${missing[*]}
  into:    $cache
  from:    the Go module proxy (test/kube/tools)
A cold build takes 7-25 minutes on 2 cores (about 12 min of CPU).
It happens once: later runs find the binaries cached and skip this.
========================================================================
BANNER
fi
all_start=$(date +%s)

cd "$tools"
for t in "${targets[@]}"; do
	read -r name pkg flags <<<"$t"
	if [ -x "$cache/$name" ]; then
		continue
	fi
	case "$flags" in
	kube) ldflags="$kube_ldflags" ;;
	kwok) ldflags="$kwok_ldflags" ;;
	*) ldflags="-s -w" ;;
	esac
	echo "kube-build: building $name ($pkg)" >&2
	start=$(date +%s)
	# Build to a temp name and rename, so an interrupted build never leaves a
	# binary that looks complete.
	CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$cache/.$name.tmp" "$pkg"
	mv -f "$cache/.$name.tmp" "$cache/$name"
	echo "kube-build: built $name in $(($(date +%s) - start))s" >&2
done
if ((${#missing[@]})); then
	echo "kube-build: control plane built in $(($(date +%s) - all_start))s" >&2
fi
printf '%s\n' "$KUBE_VERSION $KWOK_VERSION etcd-$ETCD_VERSION" >"$cache/VERSIONS"
echo "$cache"
