// Package vuln owns vulnerability matching: it reads OSV advisories (the
// offline exports osv.dev publishes as a zip per ecosystem, a directory of
// OSV JSON/YAML records such as PyPA's advisory database, or the OSV API's
// querybatch with an on-disk cache), matches them against packages (PyPI by
// PEP 440 order and PEP 503 names, Debian by dpkg order), merges aliases
// into one finding per vulnerability, computes severities from CVSS v3.x /
// v4.0 vectors and database_specific labels, and applies an ignore file.
//
// It does not find the packages (locks, images and releases are read by
// their own packages) and knows nothing of the ledger or the cluster.
package vuln
