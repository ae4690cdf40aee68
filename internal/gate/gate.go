package gate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pinwheel.dev/pinwheel/internal/config"
)

// Report is the outcome of one `pinwheel gate` run over one image.
type Report struct {
	Service     string    `json:"service"`
	ImageDigest string    `json:"imageDigest"`
	ImageRef    string    `json:"imageRef,omitempty"`
	At          time.Time `json:"at"`
	// Passed is true when every gate passed (and there was at least one).
	Passed bool     `json:"passed"`
	Gates  []Result `json:"gates"`
	// Notes say what the facts lacked (no SBOM, another lock than the
	// image's, …): a gate relying on those sees empty values.
	Notes []string `json:"notes,omitempty"`
}

// Result is one gate's outcome.
type Result struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"` // expr or run
	Passed  bool     `json:"passed"`
	Reason  string   `json:"reason"`
	Expr    string   `json:"expr,omitempty"`
	Command []string `json:"command,omitempty"`
	// ExitCode, TimedOut and Output: run gates.
	ExitCode   *int   `json:"exitCode,omitempty"`
	TimedOut   bool   `json:"timedOut,omitempty"`
	Output     string `json:"output,omitempty"`
	DurationMS int64  `json:"durationMs"`
}

// Options say what Run evaluates.
type Options struct {
	// Path is pinwheel.yaml, for the positions of compile errors.
	Path  string
	Gates config.Gates
	Facts Facts
	// Runner runs run: gates; nil fails every run: gate (without running it).
	Runner Runner
	Now    func() time.Time
}

// ErrNoGates says pinwheel.yaml declares no gates.
var ErrNoGates = errors.New("pinwheel.yaml has no gates: (see docs/gates.md)")

// Run compiles every expr: gate first (a compile error is an
// *inputerr.Error before anything runs), then runs the run: gates in
// order — their results become tests[NAME] — then evaluates the expr:
// gates. Results are in pinwheel.yaml's order.
func Run(ctx context.Context, o Options) (Report, error) {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	rep := Report{Service: o.Facts.Build.Service, ImageDigest: o.Facts.Build.ImageDigest, ImageRef: o.Facts.Build.ImageRef, At: now().UTC()}
	if len(o.Gates) == 0 {
		return rep, ErrNoGates
	}
	progs := map[string]*Program{}
	for _, g := range o.Gates {
		if g.Expr == "" {
			continue
		}
		p, err := Compile(o.Path, g)
		if err != nil {
			return rep, err
		}
		progs[g.Name] = p
	}
	facts := o.Facts
	facts.Tests = map[string]Test{}
	results := map[string]Result{}
	for _, g := range o.Gates {
		if len(g.Run) == 0 {
			continue
		}
		r, err := runOne(ctx, o.Runner, g, &facts)
		if err != nil {
			return rep, err
		}
		results[g.Name] = r
	}
	for _, g := range o.Gates {
		if p := progs[g.Name]; p != nil {
			start := time.Now()
			ok, why := p.Eval(ctx, facts)
			results[g.Name] = Result{Name: g.Name, Kind: "expr", Expr: g.Expr, Passed: ok, Reason: why, DurationMS: time.Since(start).Milliseconds()}
		}
	}
	rep.Passed = true
	for _, g := range o.Gates {
		r := results[g.Name]
		rep.Gates = append(rep.Gates, r)
		rep.Passed = rep.Passed && r.Passed
	}
	return rep, ctx.Err()
}

func runOne(ctx context.Context, runner Runner, g config.Gate, facts *Facts) (Result, error) {
	r := Result{Name: g.Name, Kind: "run", Command: g.Run}
	if runner == nil {
		r.Reason = "not run: no container runtime to run it in the image"
		facts.Tests[g.Name] = Test{Name: g.Name, ExitCode: -1}
		return r, nil
	}
	start := time.Now()
	t, err := runner.RunGate(ctx, g)
	if err != nil {
		return r, fmt.Errorf("gate %s: %w", g.Name, err)
	}
	r.DurationMS = time.Since(start).Milliseconds()
	code := t.ExitCode
	r.ExitCode, r.TimedOut, r.Output, r.Passed, r.Reason = &code, t.TimedOut, t.Output, t.Passed, describe(t, g)
	facts.Tests[g.Name] = t
	return r, nil
}

// Failed lists the names of the gates that did not pass.
func (r Report) Failed() []string {
	var out []string
	for _, g := range r.Gates {
		if !g.Passed {
			out = append(out, g.Name)
		}
	}
	return out
}
