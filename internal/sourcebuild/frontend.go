package sourcebuild

// hooks is the in-container half of the frontend, run as
// `python -I -c hooks OUT RESULT BACKEND BACKEND_PATH_JSON` in the source
// tree. It puts the build requirements (depsDir) on sys.path with their
// .pth files, imports the backend PEP 517 names ("module:object"; in-tree
// backend-path entries first), asks get_requires_for_build_wheel for
// what the backend needs beyond [build-system] requires and refuses when
// one is not installed, then calls build_wheel(OUT, {}). It writes
// {"wheel": name, "requires": [...]} or {"missing": [...]} to RESULT.
const hooks = `
import importlib, json, os, re, site, sys
from importlib import metadata
out, result, backend_name, backend_path = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
site.addsitedir("` + depsDir + `")
for p in reversed(backend_path):
    sys.path.insert(0, os.path.abspath(p))
mod, _, qual = backend_name.partition(":")
backend = importlib.import_module(mod)
for attr in filter(None, qual.split(".")):
    backend = getattr(backend, attr)
hook = getattr(backend, "get_requires_for_build_wheel", None)
requires = list(hook({})) if hook else []
missing = []
for r in requires:
    name = re.split(r"[\s;<>=!~\[(@]", r.strip(), maxsplit=1)[0]
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        missing.append(r)
if missing:
    with open(result, "w") as f:
        json.dump({"missing": missing, "requires": requires}, f)
    sys.exit(3)
name = backend.build_wheel(out, {})
with open(result, "w") as f:
    json.dump({"wheel": name, "requires": requires}, f)
`

// Paths inside the build container (under its tmpfs /tmp, so nothing is
// created in the shared read-only rootfs).
const (
	srcDir  = "/tmp/pinwheel/src"
	depsDir = "/tmp/pinwheel/deps"
	outDir  = "/tmp/pinwheel/out"
)
