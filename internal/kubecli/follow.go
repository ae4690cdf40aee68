package kubecli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/loop"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// Terminal says whether a Release's phase is final.
func Terminal(rel *v1alpha1.Release) bool {
	return rollout.Phase(rel.Status.Phase).IsTerminal()
}

// Outcome is a terminal phase in the words the local target's rollouts use
// (promoted, rolled-back, aborted, failed).
func Outcome(phase string) string { return loop.Outcome(rollout.Phase(phase)) }

// printer writes what is new in each version of a Release it is shown:
// decisions as the local target prints them, and the message while the
// Release waits (Pending, before its first decision).
type printer struct {
	w       io.Writer
	done    func(*v1alpha1.Release) bool
	printed int // decisions printed, counting dropped ones
	message string
}

func (p *printer) show(rel *v1alpha1.Release) {
	st := rel.Status
	if len(st.Decisions) == 0 && st.Message != "" && st.Message != p.message {
		fmt.Fprintf(p.w, "  %s: %s\n", cmp.Or(st.Phase, "Pending"), st.Message)
	}
	p.message = st.Message
	first := int(st.DecisionsDropped)
	if p.printed < first {
		fmt.Fprintf(p.w, "  (%d decisions not shown: the Release keeps the newest %d)\n", first-p.printed, len(st.Decisions))
		p.printed = first
	}
	for i := p.printed - first; i < len(st.Decisions); i++ {
		fmt.Fprintf(p.w, "  %s\n", deploy.FormatDecision(ledgerDecision(st.Decisions[i])))
		p.printed++
	}
}

func ledgerDecision(d v1alpha1.Decision) ledger.Decision {
	return ledger.Decision{At: d.Time.Time, Step: int(d.Step), Phase: d.Phase, Action: d.Action, Reason: d.Reason}
}

// Follow watches the Release key until it is terminal (or ctx ends),
// writing each new decision to w, and returns its last version.
func Follow(ctx context.Context, c client.WithWatch, key client.ObjectKey, w io.Writer) (*v1alpha1.Release, error) {
	return FollowUntil(ctx, c, key, w, Terminal)
}

// FollowUntil is Follow until done says the Release is done (terminal, and
// for an in-process controller also its bookkeeping finished).
func FollowUntil(ctx context.Context, c client.WithWatch, key client.ObjectKey, w io.Writer, done func(*v1alpha1.Release) bool) (*v1alpha1.Release, error) {
	p := &printer{w: w, done: done}
	last, err := follow(ctx, c, key, p)
	if err != nil && ctx.Err() != nil {
		// Interrupted: show what the Release says now, so the last
		// decisions before the interruption are not lost on the way.
		fin, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		var rel v1alpha1.Release
		if c.Get(fin, key, &rel) == nil {
			p.show(&rel)
		}
	}
	return last, err
}

func follow(ctx context.Context, c client.WithWatch, key client.ObjectKey, p *printer) (*v1alpha1.Release, error) {
	for {
		var rel v1alpha1.Release
		if err := c.Get(ctx, key, &rel); err != nil {
			if apierrors.IsNotFound(err) {
				return nil, fmt.Errorf("release %s was deleted while it was followed", key)
			}
			return nil, err
		}
		p.show(&rel)
		if p.done(&rel) {
			return &rel, nil
		}
		last, err := watchUntilTerminal(ctx, c, &rel, p)
		if last != nil || err != nil {
			return last, err
		}
		// The watch ended (server timeout, connection): read again.
	}
}

// watchUntilTerminal watches from rel's resourceVersion; it returns the
// Release once done, or nil when the watch closed first.
func watchUntilTerminal(ctx context.Context, c client.WithWatch, rel *v1alpha1.Release, p *printer) (*v1alpha1.Release, error) {
	var list v1alpha1.ReleaseList
	wi, err := c.Watch(ctx, &list, client.InNamespace(rel.Namespace),
		&client.ListOptions{FieldSelector: fields.OneTermEqualSelector("metadata.name", rel.Name),
			Raw: &metav1.ListOptions{ResourceVersion: rel.ResourceVersion}})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, nil
	}
	defer wi.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case ev, ok := <-wi.ResultChan():
			if !ok {
				return nil, nil
			}
			switch ev.Type {
			case watch.Deleted:
				return nil, fmt.Errorf("release %s/%s was deleted while it was followed", rel.Namespace, rel.Name)
			case watch.Error:
				return nil, nil
			case watch.Added, watch.Modified:
				r, ok := ev.Object.(*v1alpha1.Release)
				if !ok {
					continue
				}
				p.show(r)
				if p.done(r) {
					return r, nil
				}
			}
		}
	}
}
