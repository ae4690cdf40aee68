package gate

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/renameio/v2"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/container"
	"pinwheel.dev/pinwheel/internal/ledger"
)

// Request is one `pinwheel gate IMAGE` run.
type Request struct {
	// Image is oci:DIR[@sha256:…] or tar:FILE, as pinwheel build wrote it.
	Image  string
	Config *config.Config
	Vulns  []Vuln
	// Store records the report (nil: not recorded).
	Store ledger.GateRuns
	// Statement is where the in-toto statement goes ("": not written).
	Statement string
	// CacheDir holds unpacked root filesystems for run: gates.
	CacheDir string
	// Detect finds the OCI runtime for run: gates (default container.Detect).
	Detect func() (*container.Runc, error)
}

// Evaluate opens the image, gathers the facts, runs the project's gates,
// records the report in the ledger and writes the statement. Bad input
// (pinwheel.yaml, the image, an expression) is an input error; a run:
// gate where no OCI runtime can run fails with container.ErrUnavailable.
func Evaluate(ctx context.Context, r Request) (Report, error) {
	gates, err := r.Config.GatesSection()
	if err != nil {
		return Report{}, err
	}
	if len(gates) == 0 {
		return Report{}, fmt.Errorf("%s: %w", r.Config.Path, ErrNoGates)
	}
	for _, g := range gates { // compile errors before any work
		if g.Expr != "" {
			if _, err := Compile(r.Config.Path, g); err != nil {
				return Report{}, err
			}
		}
	}
	img, err := container.OpenImage(r.Image)
	if err != nil {
		return Report{}, err
	}
	facts, notes, err := Gather(ctx, Source{Image: img, Ref: r.Image, Config: r.Config, Vulns: r.Vulns})
	if err != nil {
		return Report{}, err
	}
	o := Options{Path: r.Config.Path, Gates: gates, Facts: facts}
	if hasRun(gates) {
		detect := r.Detect
		if detect == nil {
			detect = container.Detect
		}
		rc, err := detect()
		if err != nil {
			return Report{}, fmt.Errorf("run: gates need an OCI runtime: %w", err)
		}
		pr, err := container.Prepare(ctx, img, r.CacheDir)
		if err != nil {
			return Report{}, err
		}
		defer pr.Close()
		o.Runner = &ImageRunner{Runc: rc, Image: pr}
	}
	rep, err := Run(ctx, o)
	if err != nil {
		return rep, err
	}
	rep.Notes = notes
	if r.Store != nil {
		if err := Record(ctx, r.Store, rep); err != nil {
			return rep, err
		}
	}
	if r.Statement != "" {
		st, err := Statement(r.Config.Service, rep)
		if err != nil {
			return rep, err
		}
		if err := renameio.WriteFile(r.Statement, st, 0o644); err != nil {
			return rep, fmt.Errorf("write statement: %w", err)
		}
	}
	return rep, nil
}

func hasRun(gs config.Gates) bool {
	for _, g := range gs {
		if len(g.Run) > 0 {
			return true
		}
	}
	return false
}

// StatementPath is where the statement goes by default: beside the image
// output, as pinwheel build writes its provenance (DIR.gates.intoto.json,
// FILE.gates.intoto.json).
func StatementPath(image string) string {
	_, path, _ := strings.Cut(image, ":")
	if i := strings.LastIndex(path, "@sha256:"); i >= 0 {
		path = path[:i]
	}
	return strings.TrimRight(path, "/") + ".gates.intoto.json"
}
