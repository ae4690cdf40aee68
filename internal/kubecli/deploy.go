package kubecli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/crash"
	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/notify"
)

// Controller modes of deploy --controller.
const (
	ControllerAuto      = "auto"       // follow a live in-cluster controller, else run one in-process
	ControllerInProcess = "in-process" // run one in-process; refuse if a live one holds the lease
	ControllerNone      = "none"       // only create and follow
)

// Lease defaults: the lease the in-cluster controller (deploy/) holds.
const (
	DefaultLeaseNamespace = "pinwheel-system"
	DefaultLeaseName      = "pinwheel-controller"
)

// cliIdentityPrefix starts the lease identity of a controller run
// in-process by the CLI: such a holder stops when its deploy ends, so
// auto does not rely on it to drive another Release.
const cliIdentityPrefix = "pinwheel-cli_"

// CheckControllerMode checks --controller.
func CheckControllerMode(mode string) error {
	switch mode {
	case ControllerAuto, ControllerInProcess, ControllerNone:
		return nil
	}
	return &inputerr.Error{Msg: fmt.Sprintf("--controller %q: expected auto, in-process or none", mode)}
}

// InProcess is what an in-process controller is started with.
type InProcess struct {
	Namespace                 string
	LeaseNamespace, LeaseName string
	Identity                  string
	Metrics                   metrics.Provider
	SampleStep                time.Duration
	Notifier                  notify.Notifier
	Tracker                   notify.IssueTracker
	Log                       *slog.Logger
}

// ControllerFuncs reach the controller package (see DefaultController).
type ControllerFuncs struct {
	LeaseHolder func(ctx context.Context, cfg *rest.Config, namespace, name string) (holder string, held bool, err error)
	Run         func(ctx context.Context, cfg *rest.Config, o InProcess) error
	// Done says the in-process controller has nothing left to do for a
	// Release (terminal, its bookkeeping finished); default Terminal.
	Done func(*v1alpha1.Release) bool
}

// DeployOptions are the inputs of Deploy.
type DeployOptions struct {
	Config    *rest.Config
	Namespace string
	Project   *deploy.Project
	Release   *v1alpha1.Release
	// Controller is ControllerAuto, ControllerInProcess or ControllerNone.
	Controller                string
	LeaseNamespace, LeaseName string
	// Wait follows the Release until it is terminal; false returns once
	// it is created.
	Wait bool
	// Notes are printed once the Release is created.
	Notes []string
	// Out gets progress: the Release created, who drives it, decisions.
	Out    io.Writer
	Logger *slog.Logger
	Funcs  ControllerFuncs
}

// Deploy creates o.Release and, with Wait, follows it to its end, running
// a controller in-process when no in-cluster controller holds the lease
// (per o.Controller). It returns the Release's last version; with Wait it
// is terminal. A refusal (lease held, the same image already released) is
// an error before anything is created.
func Deploy(ctx context.Context, o DeployOptions) (*v1alpha1.Release, error) {
	if err := CheckControllerMode(o.Controller); err != nil {
		return nil, err
	}
	o.LeaseNamespace = cmp.Or(o.LeaseNamespace, DefaultLeaseNamespace)
	o.LeaseName = cmp.Or(o.LeaseName, DefaultLeaseName)
	c, err := NewClient(o.Config)
	if err != nil {
		return nil, err
	}
	runHere, who, err := planController(ctx, c, o)
	if err != nil {
		return nil, err
	}
	rel := o.Release.DeepCopy()
	rel.Namespace = o.Namespace
	if err := create(ctx, c, rel); err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Out, "release %s of %s (%s) created in namespace %s\n", rel.Name, rel.Spec.Service, rel.Spec.Image, rel.Namespace)
	for _, n := range o.Notes {
		fmt.Fprintf(o.Out, "note: %s\n", n)
	}
	if !o.Wait {
		if runHere {
			fmt.Fprintf(o.Out, "note: no in-cluster controller holds the lease %s/%s: nothing drives the release until one runs (pinwheel deploy --wait, or kubectl apply -k deploy/)\n", o.LeaseNamespace, o.LeaseName)
		}
		fmt.Fprintf(o.Out, "follow it with: pinwheel status --target kube -n %s %s\n", rel.Namespace, rel.Name)
		return rel, nil
	}
	fmt.Fprintf(o.Out, "controller: %s\n", who)
	key := client.ObjectKeyFromObject(rel)
	if !runHere {
		return Follow(ctx, c, key, o.Out)
	}
	return followWithController(ctx, c, key, o)
}

// planController decides who drives the Release: true when this process
// runs the controller. who describes it for the user.
func planController(ctx context.Context, c client.Client, o DeployOptions) (runHere bool, who string, err error) {
	lease := o.LeaseNamespace + "/" + o.LeaseName
	if o.Controller == ControllerNone {
		return false, "none started (--controller=none): following the release's status only", nil
	}
	if o.Funcs.LeaseHolder == nil || o.Funcs.Run == nil {
		return false, "", fmt.Errorf("this build has no controller to run in-process: use --controller=none with an in-cluster controller")
	}
	holder, held, err := o.Funcs.LeaseHolder(ctx, o.Config, o.LeaseNamespace, o.LeaseName)
	if err != nil && !apierrors.IsNotFound(err) {
		return false, "", fmt.Errorf("read the controller lease %s: %w", lease, err)
	}
	if held {
		switch {
		case o.Controller == ControllerInProcess:
			return false, "", &inputerr.Error{Msg: fmt.Sprintf("--controller=in-process: %s holds the controller lease %s and is live; two controllers must not drive the same releases (use --controller=auto to follow it)", holder, lease)}
		case !strings.HasPrefix(holder, cliIdentityPrefix):
			return false, fmt.Sprintf("in-cluster %s (holds the lease %s)", holder, lease), nil
		}
	}
	if err := checkInProcess(ctx, c, o); err != nil {
		return false, "", err
	}
	who = fmt.Sprintf("in-process %s (lease %s)", identity(), lease)
	if held {
		who += fmt.Sprintf("; %s, another pinwheel deploy, holds the lease now: this one takes over when it ends", holder)
	}
	return true, who, nil
}

// checkInProcess checks what an in-process controller needs: the lease's
// namespace, and a metrics provider when the strategy analyses.
func checkInProcess(ctx context.Context, c client.Client, o DeployOptions) error {
	var ns corev1.Namespace
	if err := c.Get(ctx, client.ObjectKey{Name: o.LeaseNamespace}, &ns); err != nil {
		if apierrors.IsNotFound(err) {
			return &inputerr.Error{Msg: fmt.Sprintf("the controller lease's namespace %s does not exist: create it (kubectl create namespace %s, or kubectl apply -k deploy/) or pass --lease-namespace", o.LeaseNamespace, o.LeaseNamespace)}
		}
		return fmt.Errorf("namespace %s: %w", o.LeaseNamespace, err)
	}
	if o.Project.Metrics == nil && hasAnalysis(o.Release) {
		return &inputerr.Error{Path: o.Project.Config.Path, Msg: "runtime.metrics: the rollout has analysis steps, and on --target kube a metrics provider must answer them: set runtime.metrics.provider to prometheus (with url) or httpjson"}
	}
	return nil
}

func hasAnalysis(rel *v1alpha1.Release) bool {
	for _, s := range rel.Spec.Strategy.Steps {
		if s.Analysis != nil {
			return true
		}
	}
	return false
}

// create creates rel. While a Release of the same image of the service
// runs, that is an *ExistsError; once it has ended, the image may be rolled
// out again (back to it, say) as "<name>-2", "-3", ….
func create(ctx context.Context, c client.Client, rel *v1alpha1.Release) error {
	rels, err := ServiceReleases(ctx, c, rel.Namespace, rel.Spec.Service)
	if err != nil {
		return classifyCreate(rel, err)
	}
	taken := map[string]bool{}
	for i := range rels {
		old := &rels[i]
		taken[old.Name] = true
		if old.Spec.Image == rel.Spec.Image && !Terminal(old) {
			return &ExistsError{Release: old, Msg: fmt.Sprintf("release %s (the same image of %s) is already rolling out in namespace %s (phase %s): follow it with pinwheel status --target kube -n %s %s",
				old.Name, old.Spec.Service, old.Namespace, cmp.Or(old.Status.Phase, "Pending"), old.Namespace, old.Name)}
		}
	}
	base := rel.Name
	for n := 2; taken[rel.Name]; n++ {
		rel.Name = fmt.Sprintf("%s-%d", base, n)
	}
	if err := c.Create(ctx, rel); err != nil {
		return classifyCreate(rel, err)
	}
	return nil
}

// classifyCreate says what a failed list or create means for the user.
func classifyCreate(rel *v1alpha1.Release, err error) error {
	switch {
	case apierrors.IsInvalid(err):
		return &inputerr.Error{Msg: "release " + rel.Name + " rejected by the API server", Err: err}
	case apierrors.IsNotFound(err) || strings.Contains(err.Error(), "no matches for kind"):
		return &inputerr.Error{Msg: "the cluster does not know the Release kind: install the CRD (kubectl apply -f deploy/crd/pinwheel.dev_releases.yaml, or kubectl apply -k deploy/)", Err: err}
	case apierrors.IsAlreadyExists(err):
		return fmt.Errorf("release %s was created by someone else at the same time: %w", rel.Name, err)
	}
	return fmt.Errorf("create release %s: %w", rel.Name, err)
}

// ExistsError is a deploy of an image that already has a Release.
type ExistsError struct {
	Release *v1alpha1.Release
	Msg     string
}

func (e *ExistsError) Error() string { return e.Msg }

// followWithController runs the controller in-process while following the
// Release, and stops it once the Release is terminal.
func followWithController(ctx context.Context, c client.WithWatch, key client.ObjectKey, o DeployOptions) (*v1alpha1.Release, error) {
	notifier, tracker, err := notify.FromConfig(o.Project.Notify, notify.Deps{Path: o.Project.Config.Path, Dir: o.Project.Dir, Logger: o.Logger})
	if err != nil {
		return nil, err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		notify.Close(cctx, notifier)
	}()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	followCtx, stopFollowing := context.WithCancel(ctx)
	defer stopFollowing()
	// The controller's shutdown (a reconcile cut short, the lease given
	// up) is not worth an error line: nothing is left to do by then.
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logs := &quietAfterStop{next: logger.Handler(), stopped: new(atomic.Bool)}
	done := make(chan error, 1)
	crash.Go(func() {
		err := o.Funcs.Run(runCtx, o.Config, InProcess{Namespace: o.Namespace, LeaseNamespace: o.LeaseNamespace, LeaseName: o.LeaseName,
			Identity: identity(), Metrics: o.Project.Metrics, SampleStep: deploy.SampleStep(o.Project.Spec), Notifier: notifier, Tracker: tracker, Log: slog.New(logs)})
		done <- err
		stopFollowing()
	})
	finished := o.Funcs.Done
	if finished == nil {
		finished = Terminal
	}
	rel, ferr := FollowUntil(followCtx, c, key, o.Out, finished)
	logs.stopped.Store(true)
	stop()
	runErr := <-done
	switch {
	case ferr == nil:
		return rel, nil
	case ctx.Err() != nil:
		return nil, ferr
	case runErr != nil && errors.Is(ferr, context.Canceled):
		return nil, fmt.Errorf("in-process controller: %w", runErr)
	case errors.Is(ferr, context.Canceled):
		return nil, fmt.Errorf("in-process controller stopped before release %s ended", key.Name)
	}
	return nil, ferr
}

// identity is the lease identity of an in-process controller.
func identity() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("%s%s_%d", cliIdentityPrefix, h, os.Getpid())
}

// quietAfterStop passes records on until stopped is set.
type quietAfterStop struct {
	next    slog.Handler
	stopped *atomic.Bool
}

func (h *quietAfterStop) Enabled(ctx context.Context, l slog.Level) bool {
	return !h.stopped.Load() && h.next.Enabled(ctx, l)
}

func (h *quietAfterStop) Handle(ctx context.Context, r slog.Record) error {
	if h.stopped.Load() {
		return nil
	}
	return h.next.Handle(ctx, r)
}

func (h *quietAfterStop) WithAttrs(as []slog.Attr) slog.Handler {
	return &quietAfterStop{next: h.next.WithAttrs(as), stopped: h.stopped}
}

func (h *quietAfterStop) WithGroup(name string) slog.Handler {
	return &quietAfterStop{next: h.next.WithGroup(name), stopped: h.stopped}
}
