// Package gate owns pinwheel's policy gates: the gates: of pinwheel.yaml
// evaluated over one built image. An expr: gate is a CEL expression
// (cel.dev/cel-go) over typed facts about the build — build info, lock
// packages, SBOM components, base (Debian) packages, `pinwheel check`
// findings, vulnerabilities, run gates' results and the provenance — with
// a cost limit so no expression runs unbounded. A run: gate is a command
// run inside the image itself under runc (internal/container), network off
// unless the gate asks, time-limited, its exit code and output tail kept.
//
// It gathers the facts (Gather), runs the gates (Run), renders the result
// as text, JSON and an in-toto statement, records it in the ledger per
// image digest and answers whether a digest may be deployed (Admit). It
// does not decode pinwheel.yaml (internal/config), match advisories
// (internal/vuln fills Facts.Vulns) or deploy anything (internal/target
// calls Admit).
package gate
