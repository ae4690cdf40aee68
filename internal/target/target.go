package target

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/kubecli"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// Target is where a service's releases roll out and are recorded.
type Target interface {
	// Deploy rolls a release out (and, with Wait, follows it to its end:
	// Report.No unless it was promoted).
	Deploy(ctx context.Context, r DeployRequest) (Report, error)
	// Status opens a view of a service's (or a namespace's) releases that
	// can be rendered again and again (status --watch).
	Status(ctx context.Context, r StatusRequest) (*Watch, error)
	// History lists a service's newest rollouts.
	History(ctx context.Context, r HistoryRequest) (Report, error)
	// Command asks the driver of a running rollout to promote, abort or
	// resume it.
	Command(ctx context.Context, r CommandRequest) (Report, error)
	// Rollback stops a running rollout, or (local only) rolls out an earlier
	// known-good release.
	Rollback(ctx context.Context, r RollbackRequest) (Report, error)
}

// Options choose and set up a Target: --target and its flags.
type Options struct {
	// Kind is --target: local (also "") or kube (kubernetes, k8s).
	Kind string
	// Ledger is --ledger (local): default DIR/.pinwheel/ledger.db for
	// deploy, ./.pinwheel/ledger.db for the others.
	Ledger string
	// Kubeconfig, Context and Namespace are kubectl's flags (kube).
	Kubeconfig, Context, Namespace string
	Logger                         *slog.Logger
	// Progress gets the lines a rollout prints as it goes.
	Progress io.Writer
}

// Kube-only defaults of deploy's flags.
const (
	ControllerAuto        = kubecli.ControllerAuto
	DefaultLeaseNamespace = kubecli.DefaultLeaseNamespace
	DefaultLeaseName      = kubecli.DefaultLeaseName
)

// Open returns the Target o.Kind names; an unknown kind is an input error.
// Nothing is connected yet: each method opens what it needs.
func Open(o Options) (Target, error) {
	if err := CheckKind(o.Kind); err != nil {
		return nil, err
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	if IsKube(o.Kind) {
		return &kube{o: o, conn: kubecli.Conn{Kubeconfig: o.Kubeconfig, Context: o.Context, Namespace: o.Namespace}}, nil
	}
	return &local{o: o}, nil
}

// CheckKind says whether kind names a target; the error is an input error.
func CheckKind(kind string) error { return deploy.CheckTarget(kind) }

// IsKube says whether kind names the Kubernetes target.
func IsKube(kind string) bool { return deploy.IsKube(kind) }

// DeployRequest is what deploy parsed. Fields marked local or kube apply to
// that target only (the command refuses them on the other).
type DeployRequest struct {
	Dir string
	// Image is oci:PATH[@sha256:…] (local) or REPO@sha256:DIGEST (kube).
	Image string
	// Release (an ID in the ledger), Source and Resume are the local
	// target's other ways to name what to deploy.
	Release        string
	Source, Resume bool
	// Replicas and ReadinessPath override pinwheel.yaml's runtime: (local).
	Replicas      int
	ReadinessPath string
	// Wait follows the rollout until it ends.
	Wait bool
	// BuildInfo, Controller, Deployment and LeaseNamespace: kube.
	BuildInfo, Controller, Deployment, LeaseNamespace string
}

// StatusRequest is what status parsed. Arg is SERVICE (local) or RELEASE or
// SERVICE (kube; empty: the namespace's table).
type StatusRequest struct {
	Arg       string
	Decisions int
}

// HistoryRequest is what history parsed.
type HistoryRequest struct {
	Service string
	Limit   int
}

// CommandRequest is what promote, abort (and resume) parsed. Arg is SERVICE
// (local) or RELEASE or SERVICE (kube).
type CommandRequest struct {
	Arg    string
	Kind   rollout.CommandKind
	Reason string
}

// RollbackRequest is what rollback parsed; To is --to (local only).
type RollbackRequest struct {
	Arg, To string
}

// Report is what a call has to say when it ends.
type Report struct {
	// Text is printed as is on text output.
	Text string
	// JSON is printed, indented, on -o json; nil prints nothing.
	JSON any
	// No says the answer is no (a rollout that ended other than promoted):
	// exit 1 once the report is printed.
	No bool
}

// Watch renders a status on every call of Render until Close.
type Watch struct {
	Render func() (Report, error)
	Close  func() error
}

// No is an error that is the command's answer rather than a failure —
// nothing to act on, nothing to go back to, an interrupted rollout: the
// command exits 1. Err may be nil (nothing more to say).
type No struct{ Err error }

func (e *No) Error() string {
	if e.Err == nil {
		return "no"
	}
	return e.Err.Error()
}

func (e *No) Unwrap() error { return e.Err }

func no(format string, args ...any) error { return &No{Err: fmt.Errorf(format, args...)} }

// usage is an input error (exit 2) with the message as written.
func usage(format string, args ...any) error {
	return &inputerr.Error{Msg: fmt.Sprintf(format, args...)}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
