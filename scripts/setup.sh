#!/usr/bin/env bash
# Installs what pinwheel's demo and tests need on a fresh machine.
# As root it installs Debian packages itself; otherwise it says what is
# missing: required packages stop the setup, optional ones only warn (the
# tests that need them are skipped when not run as root).
set -euo pipefail

need_pkgs=()
command -v python3 >/dev/null 2>&1 || need_pkgs+=(python3)
command -v git >/dev/null 2>&1 || need_pkgs+=(git)
optional_pkgs=()
# The Prometheus provider's tests run a real prometheus (Debian's package).
command -v prometheus >/dev/null 2>&1 || optional_pkgs+=(prometheus)
# Debian bases (base.debian): InRelease signatures are checked against
# Debian's archive keyring.
[ -e /usr/share/keyrings/debian-archive-keyring.gpg ] || optional_pkgs+=(debian-archive-keyring)
# `pinwheel run` runs images under Debian's runc; the tests also run them
# under podman to show the images are standard.
command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ] || optional_pkgs+=(runc)
# The test cluster's real node (docs/kube-testing.md) runs its pods under
# Debian's runc, and kube-proxy programs Services with iptables.
command -v iptables >/dev/null 2>&1 || [ -x /usr/sbin/iptables ] || optional_pkgs+=(iptables)
command -v podman >/dev/null 2>&1 || optional_pkgs+=(podman)
# The ledger's PostgreSQL store is tested against a real server: a throwaway
# cluster the tests make with Debian's initdb (internal/pgtest).
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || optional_pkgs+=(postgresql)
# Source builds are tested with Debian's own wheels of the setuptools
# backend (internal/sourcebuild, internal/build).
compgen -G "/usr/share/python-wheels/setuptools-*.whl" >/dev/null || optional_pkgs+=(python3-setuptools-whl)
compgen -G "/usr/share/python-wheels/wheel-*.whl" >/dev/null || optional_pkgs+=(python3-wheel-whl)

all_pkgs=("${need_pkgs[@]}" "${optional_pkgs[@]}")
if ((${#all_pkgs[@]})); then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "setup: installing ${all_pkgs[*]}" >&2
		apt-get update -qq >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${all_pkgs[@]}" >/dev/null
	else
		if ((${#optional_pkgs[@]})); then
			echo "setup: optional packages missing: ${optional_pkgs[*]} (the tests that need them will be skipped)" >&2
		fi
		if ((${#need_pkgs[@]})); then
			echo "setup: missing packages: ${need_pkgs[*]} (install them with your package manager)" >&2
			exit 1
		fi
	fi
fi
# The Debian-base tests resolve against apt's own index (the Packages files
# apt-get update leaves in /var/lib/apt/lists) and fetch .debs with
# apt-get download; they never contact a mirror themselves.
if ! compgen -G "/var/lib/apt/lists/*_InRelease" >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "setup: apt-get update (no apt lists for the Debian-base tests)" >&2
		apt-get update -qq >/dev/null
	else
		echo "setup: no apt lists in /var/lib/apt/lists (run apt-get update as root; the Debian-base tests will be skipped)" >&2
	fi
fi
# The examples build on Debian bases pinned in their base.lock; the .debs
# go where their pinwheel.yaml's pools: looks, fetched with apt-get download,
# so building the examples (the demo, the tests) needs no mirror.
pool="$HOME/.cache/pinwheel/apt-debs"
missing=()
for lock in examples/*/base.lock examples/*/build-base.lock; do
	while read -r name version arch; do
		[ -e "$pool/${name}_${version//:/%3a}_${arch}.deb" ] || missing+=("$name=$version")
	done < <(awk '/^\[\[/ { sec = $0 } sec == "[[package]]" && $1 == "name" { n = $3 }
		sec == "[[package]]" && $1 == "version" { v = $3 }
		sec == "[[package]]" && $1 == "architecture" { a = $3; gsub(/"/, "", n); gsub(/"/, "", v); gsub(/"/, "", a); print n, v, a }' "$lock")
done
if ((${#missing[@]})); then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "setup: apt-get download ${#missing[@]} .debs of the examples' base.lock into $pool" >&2
		mkdir -p "$pool"
		mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
		(cd "$pool" && apt-get download -q "${missing[@]}" >/dev/null)
	else
		echo "setup: ${#missing[@]} .debs of the examples' base.lock are not in $pool (building the examples fetches them from deb.debian.org)" >&2
	fi
fi
command -v go >/dev/null 2>&1 || { echo "setup: Go is not installed (https://go.dev/dl/)" >&2; exit 1; }
go mod download
