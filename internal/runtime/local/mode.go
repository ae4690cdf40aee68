package local

import (
	"fmt"
	"os"
	"path/filepath"

	"pinwheel.dev/pinwheel/internal/container"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// Mode says how the runtime runs replicas of images: runtime.ModeContainer
// (OCI containers under runc) or runtime.ModeProcess (host processes on the
// machine's python3), and, for the latter, why. Source artifacts always run
// as host processes: they have no image to run.
func (rt *Runtime) Mode() (mode, why string) {
	if rt.runc != nil {
		return runtime.ModeContainer, ""
	}
	return runtime.ModeProcess, rt.noContainers
}

// ModeLine is Mode for people, e.g. for `pinwheel up` and the demo.
func (rt *Runtime) ModeLine() string {
	if rt.runc != nil {
		return fmt.Sprintf("OCI containers of each release's image under %s (state in %s)", rt.runc.Binary, rt.runc.Root)
	}
	return "host processes on the machine's python3, not in the release's image: " + rt.noContainers
}

// setupContainers finds runc and removes the containers an earlier runtime
// on this state directory left (it was killed before stopping them).
func (rt *Runtime) setupContainers() {
	if !rt.opts.containers {
		rt.noContainers = "containers are switched off"
		return
	}
	r, err := container.Detect()
	if err != nil {
		rt.noContainers = err.Error()
		return
	}
	r.Root = filepath.Join(rt.stateDir, "runc")
	if ids, err := r.Cleanup(); err != nil {
		rt.opts.logger.Warn("could not list containers left by an earlier runtime", "err", err)
	} else if len(ids) > 0 {
		rt.opts.logger.Warn("deleted containers left by an earlier runtime", "containers", ids)
	}
	// Their bundles too (a runtime that stopped cleanly left none).
	stale, _ := filepath.Glob(filepath.Join(rt.stateDir, "bundles", "pinwheel-bundle-*"))
	for _, b := range stale {
		os.RemoveAll(b)
	}
	rt.runc = r
	if rt.rootfsCache = rt.opts.rootfsCache; rt.rootfsCache == "" {
		rt.rootfsCache = filepath.Join(rt.stateDir, "rootfs")
	}
}
