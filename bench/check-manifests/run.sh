#!/usr/bin/env bash
# Side by side: `pinwheel check -f` (manifest rules) vs kube-score v1.20.0 on
# the same Kubernetes manifests. Without arguments a generated stream of
# OBJECTS (default 500) gunicorn Deployments with Services and PDBs is timed
# too (left out of the findings table). For every input it prints the median wall
# time of RUNS runs per tool and the ratio, then a table by rule family: how
# many findings each tool reports, and on how many objects (Kind/name) both,
# only pinwheel, or only kube-score flag that family.
#
#   bench/check-manifests/run.sh [INPUT...]
#   RUNS=21 bench/check-manifests/run.sh /path/to/microservices-demo/kubernetes-manifests
#
# An INPUT is a manifest file or a directory of them, optionally followed by
# @PROJECT: pinwheel then checks it beside that Python project (its
# Dockerfile CMD and gunicorn config count); a directory with a
# kustomization.yaml is rendered with `kubectl kustomize` first, any other
# directory is concatenated. Both tools read the same rendered file. Without
# arguments the inputs are pinwheel's own fixtures (internal/check/testdata/
# manifests and the kube-svc project's k8s/, checked beside that project so
# gunicorn.conf.py is read). Public manifests (fetched repositories) are
# passed as arguments: nothing of them is committed here.
#
# kube-score is built with `go install` into BENCH_CACHE, never into the repo;
# its optional container-seccomp-profile test is enabled so both tools check
# seccomp.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
RUNS="${RUNS:-11}"
PEER_VERSION="${PEER_VERSION:-v1.20.0}"
BENCH_CACHE="${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinwheel-bench}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "building pinwheel, installing kube-score@$PEER_VERSION…" >&2
(cd "$repo" && go build -o "$work/pinwheel" ./cmd/pinwheel)
peer="$BENCH_CACHE/kube-score-$PEER_VERSION/kube-score"
if [[ ! -x "$peer" ]]; then
	GOBIN="$(dirname "$peer")" go install "github.com/zegl/kube-score/cmd/kube-score@$PEER_VERSION" >&2
fi

# render NAME INPUT: writes $work/NAME.yaml, one stream of every object.
render() {
	local name=$1 input=$2 out="$work/$1.yaml"
	if [[ -f $input ]]; then
		ln -s "$(cd "$(dirname "$input")" && pwd)/$(basename "$input")" "$out.src"
		cp "$input" "$out"
	elif [[ -f $input/kustomization.yaml ]] && command -v kubectl >/dev/null; then
		kubectl kustomize "$input" >"$out"
	else
		: >"$out"
		while IFS= read -r f; do
			[[ $(basename "$f") == kustomization.yaml ]] && continue
			printf -- '---\n' >>"$out"
			cat "$f" >>"$out"
			printf '\n' >>"$out"
		done < <(find "$input" -type f \( -name '*.yaml' -o -name '*.yml' \) | sort)
	fi
}

# median_ms CMD…: runs CMD RUNS times (output discarded), prints the median
# wall time in milliseconds.
median_ms() {
	local times=() i start end
	for ((i = 0; i < RUNS; i++)); do
		start=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		end=$(date +%s%N)
		times+=($(((end - start) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

names=() projects=()
if [[ $# -eq 0 ]]; then
	mkdir -p "$work/empty"
	render fixtures "$repo/internal/check/testdata/manifests"
	render kube-svc "$repo/internal/check/testdata/projects/kube-svc/k8s"
	# generated: OBJECTS Deployments of gunicorn behind a Service and a PDB
	for ((i = 0; i < ${OBJECTS:-500}; i++)); do
		cat <<EOY
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: svc$i}
spec:
  replicas: 3
  selector: {matchLabels: {app: svc$i}}
  template:
    metadata: {labels: {app: svc$i}}
    spec:
      containers:
      - name: web
        image: registry.example.com/svc$i:1.$i
        command: [sh, -c, "python manage.py migrate && gunicorn --graceful-timeout 40 app.wsgi"]
        ports: [{containerPort: 8000}]
        env: [{name: DB_PASSWORD, value: "pw$i"}]
        readinessProbe: {httpGet: {path: /ready, port: 8000}}
        livenessProbe: {httpGet: {path: /live, port: 8000}}
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}
---
apiVersion: v1
kind: Service
metadata: {name: svc$i}
spec: {selector: {app: svc$i}, ports: [{port: 80, targetPort: 8000}]}
EOY
		((i % 2)) && printf -- '---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: svc%d}\nspec: {maxUnavailable: 1, selector: {matchLabels: {app: svc%d}}}\n' "$i" "$i"
	done >"$work/generated.yaml"
	names=(fixtures kube-svc generated)
	projects=("$work/empty" "$repo/internal/check/testdata/projects/kube-svc" "$work/empty")
else
	mkdir -p "$work/empty"
	for arg in "$@"; do
		input="${arg%@*}" project="$work/empty"
		[[ $arg == *@* ]] && project="${arg##*@}"
		name="$(basename "$input")"
		name="${name%.yaml}"
		render "$name" "$input"
		names+=("$name")
		projects+=("$project")
	done
fi

printf '%-24s %8s %8s %11s %11s %8s\n' input objects lines pinwheel kube-score ratio
for i in "${!names[@]}"; do
	name=${names[$i]} proj=${projects[$i]} file="$work/${names[$i]}.yaml"
	# a single file is read in place (a manifest inside its project counts
	# as the project's); the bytes are the same for both tools
	[[ -L $file.src ]] && file="$(readlink "$file.src")"
	"$work/pinwheel" check "$proj" -f "$file" -o json --fail-on critical >"$work/$name.pinwheel.json" 2>"$work/$name.pinwheel.err" || true
	"$peer" score --enable-optional-test container-seccomp-profile -o json "$file" >"$work/$name.kube-score.json" 2>/dev/null || true
	pw=$(median_ms "$work/pinwheel" check "$proj" -f "$file" -o json)
	ks=$(median_ms "$peer" score --enable-optional-test container-seccomp-profile -o json "$file")
	objects=$(grep -c '^kind:' "$file" || true)
	printf '%-24s %8s %8s %9sms %9sms %7s\n' "$name" "$objects" "$(wc -l <"$file")" "$pw" "$ks" \
		"$(awk -v a="$pw" -v b="$ks" 'BEGIN {printf "%.2fx", a/b}')"
done
echo "(median of $RUNS runs; ratio = pinwheel/kube-score wall time, lower is faster)"
echo

python3 - "$work" "${names[@]}" <<'PY'
import json, sys, collections
work, names = sys.argv[1], sys.argv[2:]
families = [
    ("probes", ["PW501", "PW502", "PW503"], ["pod-probes", "pod-probes-identical"]),
    ("resources", ["PW504"], ["container-resources", "container-ephemeral-storage-request-and-limit"]),
    ("image tag / digest", ["PW505", "PW506"], ["container-image-tag"]),
    ("disruption budget", ["PW507"], ["deployment-has-poddisruptionbudget", "statefulset-has-poddisruptionbudget"]),
    ("non-root user", ["PW508"], ["container-security-context-user-group-id"]),
    ("read-only root (+ /tmp)", ["PW509", "PW510"], ["container-security-context-readonlyrootfilesystem"]),
    ("privileged / escalation", ["PW511"], ["container-security-context-privileged"]),
    ("seccomp", ["PW512"], ["container-seccomp-profile"]),
    ("literal secrets in env", ["PW408"], []),
    ("grace period vs server drain", ["PW513"], []),
    ("preStop sleep", ["PW514"], []),
    ("shell as PID 1", ["PW515"], []),
    ("liveness vs worker timeout", ["PW516"], []),
    ("network policy", [], ["pod-networkpolicy"]),
    ("pull policy", [], ["container-image-pull-policy"]),
    ("anti-affinity / spread", [], ["deployment-has-host-podantiaffinity", "statefulset-has-host-podantiaffinity", "pod-topology-spread-constraints"]),
    ("replicas", [], ["deployment-replicas"]),
]
ks_known = {i for f in families for i in f[2]}
pw_count, ks_count = collections.Counter(), collections.Counter()
pw_objs, ks_objs = collections.defaultdict(set), collections.defaultdict(set)
for n in names:
    if n == "generated":
        continue  # timing only: 500 copies of one Deployment say nothing new
    try:
        pw = json.load(open(f"{work}/{n}.pinwheel.json"))["findings"]
    except Exception as e:
        sys.exit(f"{n}: pinwheel output: {e}: " + open(f"{work}/{n}.pinwheel.err").read())
    for f in pw:
        if f.get("suppression"):
            continue
        head = f["message"].split(":", 1)[0].split(" (", 1)[0]
        kind, _, name = head.partition(" ")
        pw_count[f["ruleId"]] += 1
        pw_objs[f["ruleId"]].add((n, kind, name))
    try:
        ks = json.load(open(f"{work}/{n}.kube-score.json"))
    except Exception:
        ks = []
    for o in ks or []:
        parts = o["object_name"].split("/")
        kind, name = parts[0], parts[-1]
        for c in o["checks"]:
            if c["skipped"] or c["grade"] >= 10:
                continue
            cid = c["check"]["id"]
            ks_count[cid] += max(1, len(c["comments"] or []))
            ks_objs[cid].add((n, kind, name))
rows = list(families)
other = sorted(set(ks_count) - ks_known)
if other:
    rows.append(("other kube-score checks", [], other))
print(f"{'rule family':30} {'pinwheel rules':22} {'kube-score checks':52} {'pw':>4} {'ks':>4} {'both':>5} {'pw only':>8} {'ks only':>8}")
for title, pws, kss in rows:
    p = set().union(*[pw_objs[i] for i in pws]) if pws else set()
    k = set().union(*[ks_objs[i] for i in kss]) if kss else set()
    print(f"{title:30} {','.join(pws) or '-':22} {','.join(kss) or '-':52} {sum(pw_count[i] for i in pws):>4} {sum(ks_count[i] for i in kss):>4} {len(p & k):>5} {len(p - k):>8} {len(k - p):>8}")
print("(pw/ks: findings; both / pw only / ks only: objects (Kind/name) the family flags)")
PY
