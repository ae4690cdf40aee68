"""Compare pinwheel's and osv-scanner's findings on one lock.

    compare.py PINWHEEL_JSON OSV_SCANNER_JSON DB_ZIP

Findings are (PEP 503 name, version, record id) triples. The script exits 1
unless the two sets are equal once the findings osv-scanner v2.6.0 misses by
its two known defects are set aside, each checked against the record itself:

  git-range-first  osv-scalibr's rangeAffectsVersion returns false at the first
                   range that is not ECOSYSTEM/SEMVER, so a record listing its
                   GIT range first matches only through its versions list; the
                   OSV schema evaluates every ECOSYSTEM range.
  name-normalized  osv-scalibr compares the record's package name to the
                   lock's as strings; PEP 503 makes jw.util and jw-util one
                   package.

A triple osv-scanner reports that pinwheel does not, or a pinwheel triple
neither defect explains, fails the comparison.
"""
import json
import re
import sys
import zipfile


def norm(n):
    return re.sub(r"[-_.]+", "-", n).lower()


def main(pw_path, osv_path, db_zip):
    records = {}
    with zipfile.ZipFile(db_zip) as z:
        for name in z.namelist():
            r = json.loads(z.read(name))
            records[r["id"]] = r
    pw = set()
    for f in json.load(open(pw_path))["findings"]:
        for rid in f["records"]:
            pw.add((f["package"]["name"], f["package"]["version"], rid))
    osv = set()
    for res in json.load(open(osv_path)).get("results", []):
        for p in res["packages"]:
            for v in p.get("vulnerabilities", []):
                osv.add((norm(p["package"]["name"]), p["package"]["version"], v["id"]))
    reasons = {}
    unexplained = []
    for name, version, rid in sorted(pw - osv):
        why = explain(records[rid], name, version)
        if why is None:
            unexplained.append((name, version, rid))
        else:
            reasons[why] = reasons.get(why, 0) + 1
    missing = sorted(osv - pw)
    print("findings: pinwheel %d, osv-scanner %d, common %d; pinwheel only: %s; osv-scanner only: %d; unexplained: %d"
          % (len(pw), len(osv), len(pw & osv), ", ".join("%d %s" % (n, k) for k, n in sorted(reasons.items())) or "0",
             len(missing), len(unexplained)))
    for t in missing[:10]:
        print("  osv-scanner only:", *t)
    for t in unexplained[:10]:
        print("  pinwheel only, unexplained:", *t)
    return 1 if missing or unexplained else 0


def explain(rec, name, version):
    for a in rec.get("affected", []):
        pkg = a.get("package", {})
        if pkg.get("ecosystem") != "PyPI" or norm(pkg.get("name", "")) != name:
            continue
        if pkg.get("name") != name and norm(pkg["name"]) == name:
            return "name-normalized"
        ranges = a.get("ranges", [])
        if version not in a.get("versions", []) and ranges and ranges[0].get("type") not in ("ECOSYSTEM", "SEMVER"):
            return "git-range-first"
    return None


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
