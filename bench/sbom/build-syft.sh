#!/usr/bin/env bash
# Builds syft (the peer SBOM tool) from the Go module proxy at a pinned
# version into a cache directory outside the repository. It never touches
# pinwheel's go.mod: `go install pkg@version` builds in module-aware mode on
# syft's own go.mod. Prints the path of the binary.
#
#   bench/sbom/build-syft.sh            # builds once, then reuses the binary
#   SYFT_VERSION=v1.57.0 BENCH_CACHE=/tmp/c bench/sbom/build-syft.sh
set -euo pipefail

SYFT_VERSION="${SYFT_VERSION:-v1.57.0}"
BENCH_CACHE="${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinwheel-bench}"
bin_dir="$BENCH_CACHE/syft-$SYFT_VERSION/bin"
syft="$bin_dir/syft"

if [[ -x "$syft" ]]; then
	echo "$syft"
	exit 0
fi

mkdir -p "$bin_dir"
# Run from a scratch directory so no enclosing go.mod (pinwheel's) applies.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
(
	cd "$scratch"
	GOFLAGS=-buildvcs=false GOBIN="$bin_dir" CGO_ENABLED=0 \
		go install "github.com/anchore/syft/cmd/syft@$SYFT_VERSION" >&2
)
echo "$syft"
