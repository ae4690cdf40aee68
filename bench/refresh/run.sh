#!/usr/bin/env bash
# "Which locked packages have newer versions?" against the same local index:
# `pinwheel refresh --now -o json` on a uv.lock of N packages, against
# `pip list --outdated` (pip 23, the machine's python3 -m pip) over the same
# N packages installed at the same versions into a --target directory.
# Both ask the index (`pinwheel index serve`, PEP 691 JSON) for each
# package's page; pinwheel also fetches the PEP 658 metadata of the old and
# new release of each update (changelog links, new dependencies), pip does
# not. Prints the median of 3 runs of each and the ratio.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-100}
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/pinwheel" ./cmd/pinwheel
python3 - "$work/wheels" "$N" <<'PY'
import base64, hashlib, os, sys, zipfile
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
for i in range(n):
    name = "pkg%03d" % i
    for v in ["1.0.0", "1.0.1", "1.1.0", "1.2.0", "2.0.0"]:
        dist = "%s-%s" % (name, v)
        files = {name + ".py": b"",
                 dist + ".dist-info/METADATA": ("Metadata-Version: 2.1\nName: %s\nVersion: %s\nProject-URL: Source, https://github.com/example/%s\n\n" % (name, v, name)).encode(),
                 dist + ".dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
        rec = "".join("%s,sha256=%s,%d\n" % (k, base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b"=").decode(), len(d)) for k, d in sorted(files.items()))
        files[dist + ".dist-info/RECORD"] = (rec + dist + ".dist-info/RECORD,,\n").encode()
        with zipfile.ZipFile(os.path.join(out, dist + "-py3-none-any.whl"), "w") as z:
            for k, d in sorted(files.items()):
                z.writestr(zipfile.ZipInfo(k, (2020, 1, 1, 0, 0, 0)), d)
PY
"$work/pinwheel" index serve "$work/wheels" --addr 127.0.0.1:0 >"$work/index.out" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -qs serving "$work/index.out" && break; sleep 0.1; done
index=$(sed -n 's/.* at \(http[^ ]*\)$/\1/p' "$work/index.out")

mkdir "$work/proj"
python3 - "$work/proj/uv.lock" "$N" "$index" <<'PY'
import sys
path, n, index = sys.argv[1], int(sys.argv[2]), sys.argv[3]
out = ['version = 1', 'requires-python = ">=3.11"', '']
for i in range(n):
    out += ['[[package]]', 'name = "pkg%03d"' % i, 'version = "1.0.0"', 'source = { registry = "%s" }' % index, '']
open(path, "w").write("\n".join(out))
PY
printf 'service: bench\npython: "3.11"\n' >"$work/proj/pinwheel.yaml"
pkgs=$(for i in $(seq 0 $((N - 1))); do printf 'pkg%03d==1.0.0 ' "$i"; done)
python3 -m pip install -q --root-user-action=ignore --disable-pip-version-check --no-cache-dir --no-deps --target "$work/site" --index-url "$index" $pkgs

median() { sort -n | sed -n 2p; }
ms() { local s e; s=$(date +%s%N); "$@" >"$work/last.out" 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
pw=$(for _ in 1 2 3; do ms "$work/pinwheel" refresh "$work/proj" --now -o json --cache-dir "$work/cache"; done | median)
pw_updates=$(python3 -c 'import json,sys;print(len(json.load(open(sys.argv[1]))["updates"]))' "$work/last.out")
pip=$(for _ in 1 2 3; do ms python3 -m pip list --outdated --disable-pip-version-check --no-cache-dir --path "$work/site" --index-url "$index"; done | median)
pip_updates=$(grep -c '^pkg' "$work/last.out" || true)
echo "newer versions of $N locked packages from a local PEP 691 index, median of 3:"
echo "  pinwheel refresh:     ${pw} ms  ($pw_updates updates, with PEP 658 metadata and changelog links)"
echo "  pip list --outdated:  ${pip} ms  ($pip_updates outdated)"
awk -v a="$pw" -v b="$pip" 'BEGIN { printf "  ratio: pip takes %.1fx pinwheel'"'"'s time\n", b / a }'
