#!/usr/bin/env bash
# The `pinwheel refresh` example of docs/refresh.md, end to end on this
# machine: a wheelhouse of fictional packages served by `pinwheel index
# serve`, a uv project locked at their oldest releases, then refresh: the
# window check, the plan as text and markdown, and --open-pr against a
# stand-in for the GitHub API that prints every request it gets.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/pinwheel" ./cmd/pinwheel
pw=$work/pinwheel
python3 examples/refresh/make-index.py "$work/wheels"
"$pw" index serve "$work/wheels" --addr 127.0.0.1:0 >"$work/index.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -qs serving "$work/index.out" && break; sleep 0.1; done
index=$(sed -n 's/.* at \(http[^ ]*\)$/\1/p' "$work/index.out")

mkdir -p "$work/storefront"
cp examples/refresh/pinwheel.yaml examples/refresh/pyproject.toml "$work/storefront/"
python3 examples/refresh/make-index.py "$work/wheels" --lock "$work/storefront" "$index"
cd "$work"
PATH=$(dirname "$(command -v python3)"):/usr/bin:/bin  # no uv here: refresh says so

clean() { sed "s|$work/pinwheel|pinwheel|g; s|$work|/work|g; s|$index|http://127.0.0.1:PORT/simple/|g; s|127.0.0.1:${port:-PORT}|127.0.0.1:PORT|g"; }
show() { echo "\$ $*" | clean; "$@" 2>&1 | clean || true; echo; }
show "$pw" refresh storefront --at 2026-12-08T12:00:00Z
show "$pw" refresh storefront --now
show "$pw" refresh storefront --now -o markdown

python3 "$OLDPWD/examples/refresh/github-standin.py" 0 >"$work/gh.out" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/gh.out" ] && break; sleep 0.1; done
port=$(head -1 "$work/gh.out")
export GITHUB_TOKEN=ghs_example_not_a_real_token
show "$pw" refresh storefront --now --open-pr --repo example/storefront --github-api "http://127.0.0.1:$port" --at 2026-12-14T07:00:00Z
echo "# what the GitHub stand-in received:"
tail -n +2 "$work/gh.out"
