package controller

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
)

// The manager's cache can lag behind the controller's own writes: a Release
// read from it just after a status update may still hold the previous plan,
// and applying that plan would undo the last decision (put the old release
// back on the stable Deployment mid-promotion, found by
// test/e2e/kube). So the reconciler remembers the resourceVersion of the
// Release it last wrote or read fresh; when the cache shows another one, the
// Release is read from the API server instead.

// noteWrite remembers rel's resourceVersion after a successful write.
func (r *Reconciler) noteWrite(rel *v1alpha1.Release) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.written == nil {
		r.written = map[string]string{}
	}
	r.written[string(rel.UID)] = rel.ResourceVersion
}

// fresh replaces a cached rel that differs from the last version this
// reconciler wrote with the API server's current one.
func (r *Reconciler) fresh(ctx context.Context, key client.ObjectKey, rel *v1alpha1.Release) error {
	if r.reader == nil {
		return nil
	}
	r.mu.Lock()
	rv, ok := r.written[string(rel.UID)]
	r.mu.Unlock()
	if !ok || rv == rel.ResourceVersion {
		return nil
	}
	if err := r.reader.Get(ctx, key, rel); err != nil {
		return err
	}
	r.noteWrite(rel)
	return nil
}
