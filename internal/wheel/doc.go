// Package wheel chooses and installs wheels.
//
// Select picks, among the files a lock names for a package, the wheel whose
// PEP 425 tags fit a target Python best. Install unpacks one wheel into an
// installation Scheme (site-packages, scripts, headers, data) exactly as the
// binary distribution format (PEP 427), the "Recording installed projects"
// spec and the entry points spec say: every file checked against RECORD,
// .data/ spread, #!python rewritten, console and GUI launchers written,
// RECORD rewritten, INSTALLER (and optionally REQUESTED, direct_url.json)
// added — deterministically, without running Python or pip. A wheel over
// its size, ratio or entry limits (WithLimits) is refused before anything
// is inflated, and every write goes through safefs.Tree: nothing lands
// outside the scheme's directories, whatever links are already there.
//
// It does not download (package pyindex does), build sdists, resolve
// dependencies, compile .pyc files, or assemble image layers.
package wheel
