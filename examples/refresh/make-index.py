#!/usr/bin/env python3
"""Write the wheelhouse of the `pinwheel refresh` example into WHEELS, and
with --lock PROJECT INDEX, PROJECT/uv.lock: the project locked at the oldest
release of each package, from the index at INDEX (wheel URLs and sha256).

The packages are fictional (so nothing here pretends to describe a real
project's releases); the wheels are real: a module, METADATA with
Requires-Python, Requires-Dist and Project-URL lines, WHEEL and a RECORD.
A file X.yanked next to a wheel X makes `pinwheel index serve` list it as
yanked (PEP 592) with the file's text as the reason.
"""
import base64, hashlib, os, sys, zipfile

GH = "https://github.com/example"
RELEASES = [
    # name, version, requires-python, extra METADATA lines, yanked reason
    ("webframe", "1.4.2", ">=3.8", ["Requires-Dist: asgi-server>=0.20"], None),
    ("webframe", "1.5.0", ">=3.8", ["Requires-Dist: asgi-server>=0.20"], None),
    ("webframe", "1.6.0", ">=3.9", ["Requires-Dist: asgi-server>=0.25", "Requires-Dist: typing-extensions>=4.8",
                                    "Requires-Dist: pytest; extra == 'test'",
                                    "Project-URL: Changelog, https://webframe.example.org/changelog/",
                                    "Project-URL: Source, " + GH + "/webframe"], None),
    ("asgi-server", "0.27.1", ">=3.8", [], None),
    ("asgi-server", "0.29.0", ">=3.8", ["Project-URL: Repository, " + GH + "/asgi-server"], None),
    ("httpkit", "2.31.0", ">=3.7", [], None),
    ("httpkit", "2.32.0", ">=3.8", [], "regression in TLS verification"),
    ("httpkit", "2.32.3", ">=3.8", ["Project-URL: Release Notes, https://httpkit.example.org/history/"], None),
    ("tzcerts", "2024.2.2", ">=3.6", [], None),
    ("tzcerts", "2025.1.31", ">=3.6", ["Project-URL: Source, " + GH + "/tzcerts"], None),
    ("urlparse3", "1.26.18", ">=3.7", [], None),
    ("urlparse3", "2.3.0", ">=3.9", ["Project-URL: Changes, https://urlparse3.example.org/changes.html"], None),
    ("urlparse3", "2.4.0", ">=3.13", [], None),
    ("yamlite", "6.0.1", ">=3.6", [], "broken wheel for musl"),
    ("yamlite", "6.0.2", ">=3.8", [], None),
    ("legacy-orm", "1.4.0", ">=3.7", [], None),
    ("legacy-orm", "2.0.0", ">=3.8", [], None),
    ("colorlog", "6.8.0", ">=3.6", [], None),
]


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, digest, len(data))


def write_wheel(out, name, version, requires_python, extra, yanked):
    mod = name.replace("-", "_")
    dist = "%s-%s" % (mod, version)
    files = {
        mod + ".py": b'__version__ = "%s"\n' % version.encode(),
        dist + ".dist-info/METADATA": ("Metadata-Version: 2.1\nName: %s\nVersion: %s\nRequires-Python: %s\n%s\n"
                                       % (name, version, requires_python, "".join(l + "\n" for l in extra))).encode(),
        dist + ".dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: make-index.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "\n".join(record_line(n, d) for n, d in sorted(files.items())) + "\n%s.dist-info/RECORD,,\n" % dist
    files[dist + ".dist-info/RECORD"] = record.encode()
    path = os.path.join(out, dist + "-py3-none-any.whl")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in sorted(files.items()):
            info = zipfile.ZipInfo(n, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            z.writestr(info, d)
    if yanked:
        with open(path + ".yanked", "w") as f:
            f.write(yanked + "\n")


LOCKED = {"asgi-server": [], "colorlog": [], "httpkit": ["tzcerts", "urlparse3"], "legacy-orm": [],
          "tzcerts": [], "urlparse3": [], "webframe": ["asgi-server"], "yamlite": []}


def write_lock(wheels, project, index):
    out = ['version = 1', 'requires-python = ">=3.11"', '']
    for name, deps in sorted(LOCKED.items()):
        version = next(r[1] for r in RELEASES if r[0] == name)
        whl = "%s-%s-py3-none-any.whl" % (name.replace("-", "_"), version)
        with open(os.path.join(wheels, whl), "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        out += ['[[package]]', 'name = "%s"' % name, 'version = "%s"' % version, 'source = { registry = "%s" }' % index]
        if deps:
            out.append('dependencies = [%s]' % ", ".join('{ name = "%s" }' % d for d in deps))
        out += ['wheels = [', '    { url = "%s", hash = "sha256:%s" },' % (index.replace("/simple/", "/files/") + whl, sha), ']', '']
    direct = ["colorlog", "httpkit", "legacy-orm", "webframe", "yamlite"]
    out += ['[[package]]', 'name = "storefront"', 'version = "0.1.0"', 'source = { editable = "." }',
            'dependencies = [%s]' % ", ".join('{ name = "%s" }' % d for d in direct), '']
    with open(os.path.join(project, "uv.lock"), "w") as f:
        f.write("\n".join(out))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for r in RELEASES:
        write_wheel(out, *r)
    if len(sys.argv) == 5 and sys.argv[2] == "--lock":
        write_lock(out, sys.argv[3], sys.argv[4])


if __name__ == "__main__":
    main()
