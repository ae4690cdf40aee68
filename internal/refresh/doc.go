// Package refresh plans lock refreshes: for every locked package it asks
// the package indexes (PEP 691 JSON, PEP 503 HTML) for newer versions,
// picks the newest one the project may take (PEP 440 order; no yanked
// version, PEP 592; pre-releases only when allowed; Requires-Python against
// the project's Python), labels its risk (major/minor/patch as lock.Diff
// does, pre-release, new index, new dependency, a yanked locked version),
// groups the upgrades, and writes a scoped changelog per package from the
// release's own metadata (PEP 658 metadata files: Project-URL links).
// It renders the plan as text, markdown (a pull request body) or JSON and
// builds the command that re-locks with the project's own lock tool.
//
// It does not decide when to run (package window does), talk to GitHub
// (package ghpr does), or edit a lockfile itself: the project's lock tool
// does that.
package refresh
