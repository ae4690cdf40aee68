#!/usr/bin/env bash
# Builds cosign from the Go module proxy into the tools cache and prints its
# path. A binary that is already there is not rebuilt. The signing tests
# (internal/cli TestCosignInterop) run it to show that a real verifier
# accepts what pinwheel build --sign-key pushes, and the reverse.
#
#   PINWHEEL_TOOLS_CACHE  cache dir (default $HOME/.cache/pinwheel/tools)
#
# Only the Go module proxy is used (cosign's own go.mod pins its
# dependencies; it builds with this machine's Go). Cold: about 5 CPU-minutes
# on 2 cores (25 min wall clock measured on a machine shared with six
# other builds); `make test` runs this first (a no-op once cached).
set -euo pipefail

COSIGN_VERSION=v2.6.5
cache="${PINWHEEL_TOOLS_CACHE:-${HOME}/.cache/pinwheel/tools}/cosign-${COSIGN_VERSION}"
if [ ! -x "$cache/cosign" ]; then
	echo "cosign-build: building cosign ${COSIGN_VERSION} from the Go module proxy into $cache (once; about 5 CPU-minutes)" >&2
	mkdir -p "$cache"
	start=$(date +%s)
	GOBIN="$cache" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" \
		"github.com/sigstore/cosign/v2/cmd/cosign@${COSIGN_VERSION}"
	echo "cosign-build: built in $(($(date +%s) - start)) s" >&2
fi
echo "$cache/cosign"
