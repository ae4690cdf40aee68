// Package pyindex fetches the wheel files a lock names, verified by hash.
//
// It owns the client side of the Python "simple repository API" (PEP 691
// JSON with a PEP 503 HTML fallback, PEP 592 yanked files, PEP 658 metadata
// links), index credentials (URL userinfo and netrc), local wheelhouses
// (--find-links), hash verification and the content-addressed wheel cache.
//
// It does not choose which file fits a target Python (package wheel does),
// resolve dependencies (the lock already did), build sdists, or install
// anything.
package pyindex
