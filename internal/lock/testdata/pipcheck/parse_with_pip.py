"""Parse a requirements file with pip's own parser (the pip wheel bundled
with Python) and print what pip understood, one JSON object per requirement.

Usage: python3 parse_with_pip.py PIP_WHEEL REQUIREMENTS_FILE  (run from the
file's directory: pip resolves -e paths against the working directory).
"""
import json
import sys

sys.path.insert(0, sys.argv[1])
from pip._internal.network.session import PipSession  # noqa: E402
from pip._internal.req.constructors import install_req_from_parsed_requirement  # noqa: E402
from pip._internal.req.req_file import parse_requirements  # noqa: E402
from pip._vendor.packaging.utils import canonicalize_name  # noqa: E402

out = []
for parsed in parse_requirements(sys.argv[2], session=PipSession()):
    req = install_req_from_parsed_requirement(parsed)
    out.append({
        "name": canonicalize_name(req.name) if req.name else "",
        "constraint": parsed.constraint,
        # A local editable has no name or specifier until pip builds its metadata.
        "specifier": str(req.req.specifier) if req.req else "",
        "marker": str(req.markers) if req.markers else "",
        "editable": req.editable,
        "url": req.link.url if req.link else "",
        "hashes": sorted(f"{alg}:{h}" for alg, hs in req.hash_options.items() for h in hs),
    })
print(json.dumps(out))
