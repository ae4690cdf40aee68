// Package version reports the version of the pinwheel binary itself: the
// release version and git commit stamped in by the linker (or read from the Go
// module build info), and the Go toolchain. It knows nothing about the Python
// builds pinwheel makes; that is internal/attest.
package version

import (
	"runtime"
	"runtime/debug"
)

// Set by -ldflags "-X pinwheel.dev/pinwheel/internal/version.version=...".
var (
	version = ""
	commit  = ""
)

// Info describes the running pinwheel binary.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Dirty     bool   `json:"dirty"`
	GoVersion string `json:"goVersion"`
}

// Get returns the binary's version information.
func Get() Info {
	info := Info{Version: version, Commit: commit, GoVersion: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if info.Commit == "" {
					info.Commit = s.Value
				}
			case "vcs.modified":
				info.Dirty = s.Value == "true"
			}
		}
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	return info
}
