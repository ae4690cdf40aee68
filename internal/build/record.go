package build

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/ledger"
)

// recordBuild writes one build to the ledger. A failed build records what
// was known when it stopped (at least the service and the timing); the
// service is the directory's name when pinwheel.yaml could not be read.
func recordBuild(ctx context.Context, store ledger.Builds, res *Result, sofar progress, dir string, started, finished time.Time, ok bool) error {
	var info attest.BuildInfo
	switch {
	case res != nil && res.BuildInfo.Service != "":
		info = res.BuildInfo
	case sofar.in != nil:
		info = sofar.in.info
	}
	if info.Service == "" {
		info.Service = sofar.service
	}
	if info.Service == "" {
		abs, _ := filepath.Abs(dir)
		info.Service = filepath.Base(abs)
	}
	if info.StartedAt.IsZero() {
		info.StartedAt = started
	}
	if info.FinishedAt.IsZero() {
		info.FinishedAt = finished
		info.DurationMS = finished.Sub(info.StartedAt).Milliseconds()
	}
	if _, err := store.RecordBuild(ctx, ledger.Build{Service: info.Service, CreatedAt: info.FinishedAt, Info: info, Succeeded: ok}); err != nil {
		return fmt.Errorf("record the build in the ledger: %w", err)
	}
	return nil
}
