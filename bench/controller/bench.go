package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"pinwheel.dev/pinwheel/api/v1alpha1"
	"pinwheel.dev/pinwheel/internal/controller"
	"pinwheel.dev/pinwheel/internal/rollout"
)

const (
	imageA = "registry.invalid/svc@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	imageB = "registry.invalid/svc@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	// benchLabel marks what the bench creates.
	benchLabel = "pinwheel.dev/bench"
)

type bench struct {
	c       config
	cfg     *rest.Config // the cluster, for the bench's own clients
	client  client.WithWatch
	counter *counter // the controller's API requests
}

func newBench(cfg *rest.Config, c config) (*bench, error) {
	own := rest.CopyConfig(cfg)
	own.QPS, own.Burst = 2000, 4000
	scheme, err := controller.Scheme()
	if err != nil {
		return nil, err
	}
	cl, err := client.NewWithWatch(own, client.Options{Scheme: scheme})
	if err != nil {
		return nil, err
	}
	return &bench{c: c, cfg: cfg, client: cl, counter: newCounter()}, nil
}

// service i's namespace and name.
func (b *bench) service(i int) (ns, name string) {
	g := 0
	if b.c.perNS > 0 {
		g = i / b.c.perNS
	}
	return fmt.Sprintf("bench-%d", g), fmt.Sprintf("svc-%04d", i)
}

// parallel runs f(0..n-1) on k goroutines and returns the first error.
func parallel(n, k int, f func(i int) error) error {
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	next := make(chan int)
	for range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

// setup creates the namespaces and N stable Deployments and waits until
// every one has its pods Ready (KWOK runs them).
func (b *bench) setup(ctx context.Context) error {
	began := time.Now()
	seen := map[string]bool{}
	for i := range b.c.n {
		ns, _ := b.service(i)
		if seen[ns] {
			continue
		}
		seen[ns] = true
		err := b.client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{benchLabel: "controller"}}})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("namespace %s: %w", ns, err)
		}
	}
	err := parallel(b.c.n, 16, func(i int) error {
		ns, name := b.service(i)
		labels := map[string]string{"app": name}
		d := &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{benchLabel: "controller"}},
			Spec: appsv1.DeploymentSpec{
				Replicas: ptr.To(b.c.replicas),
				Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: labels},
					Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: name, Image: imageA,
						Ports: []corev1.ContainerPort{{ContainerPort: 8000}}}}},
				},
			},
		}
		if err := b.client.Create(ctx, d); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("deployment %s/%s: %w", ns, name, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for {
		var list appsv1.DeploymentList
		if err := b.client.List(ctx, &list, client.MatchingLabels{benchLabel: "controller"}); err != nil {
			return err
		}
		ready := 0
		for _, d := range list.Items {
			if d.Status.ReadyReplicas == b.c.replicas && d.Status.UpdatedReplicas == b.c.replicas {
				ready++
			}
		}
		if ready == b.c.n {
			break
		}
		if time.Since(began) > b.c.timeout {
			return fmt.Errorf("only %d of %d stable Deployments ready after %s", ready, b.c.n, b.c.timeout)
		}
		time.Sleep(2 * time.Second)
	}
	fmt.Fprintf(os.Stderr, "controller-bench: %d stable Deployments (%d replicas) ready in %s\n", b.c.n, b.c.replicas, time.Since(began).Round(time.Second))
	return nil
}

// startController runs the controller in this process, its API client
// counted, and returns once its caches are synced.
func (b *bench) startController(ctx context.Context) (stop func(), err error) {
	cfg := rest.CopyConfig(b.cfg)
	cfg.Wrap(b.counter.wrap)
	mgr, _, err := controller.NewManager(cfg, controller.Options{
		MaxConcurrentReconciles: b.c.workers, QPS: b.c.qps, Burst: b.c.burst,
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	sync, syncCancel := context.WithTimeout(ctx, 2*time.Minute)
	defer syncCancel()
	if !mgr.GetCache().WaitForCacheSync(sync) {
		cancel()
		return nil, fmt.Errorf("controller caches did not sync: %v", <-done)
	}
	return func() {
		cancel()
		if err := <-done; err != nil {
			fmt.Fprintln(os.Stderr, "controller-bench: controller:", err)
		}
	}, nil
}

// track is what the bench saw of one Release.
type track struct {
	created, started, finished time.Time
	// promoting is when the Release was first seen Promoting: every step
	// done, the stable Deployment being given the new release.
	promoting time.Time
	phase     string
}

// rollout creates N Releases at once and waits until all are terminal,
// sampling the process while it waits.
func (b *bench) rollout(ctx context.Context) (*result, error) {
	var mu sync.Mutex
	tracks := make(map[string]*track, b.c.n)
	key := func(ns, name string) string { return ns + "/" + name }
	for i := range b.c.n {
		ns, name := b.service(i)
		tracks[key(ns, name+"-v2")] = &track{}
	}
	finished := make(chan struct{}, b.c.n)
	see := func(rel *v1alpha1.Release, now time.Time) {
		mu.Lock()
		defer mu.Unlock()
		t := tracks[key(rel.Namespace, rel.Name)]
		if t == nil || t.created.IsZero() {
			return
		}
		if t.started.IsZero() && rel.Status.Phase != "" {
			t.started = now
		}
		if t.promoting.IsZero() && rel.Status.Phase == string(rollout.Promoting) {
			t.promoting = now
		}
		if t.finished.IsZero() && rollout.Phase(rel.Status.Phase).IsTerminal() {
			t.finished, t.phase = now, rel.Status.Phase
			finished <- struct{}{}
		}
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	rv, err := b.list(watchCtx, see)
	if err != nil {
		return nil, err
	}
	go b.watch(watchCtx, rv, see)
	before := snapshot(b.counter)
	sampler := startSampler()
	began := time.Now()
	err = parallel(b.c.n, b.c.createConns, func(i int) error {
		ns, name := b.service(i)
		rel := newRelease(ns, name, b.c.pause)
		mu.Lock()
		tracks[key(ns, rel.Name)].created = time.Now()
		mu.Unlock()
		if err := b.client.Create(ctx, rel); err != nil {
			return fmt.Errorf("release %s/%s: %w", ns, rel.Name, err)
		}
		return nil
	})
	created := time.Since(began)
	if err != nil {
		sampler.stop()
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "controller-bench: %d Releases created in %s\n", b.c.n, created.Round(time.Millisecond))
	deadline := time.After(b.c.timeout)
	n := 0
wait:
	for n < b.c.n {
		select {
		case <-finished:
			n++
			if n%max(1, b.c.n/10) == 0 {
				fmt.Fprintf(os.Stderr, "controller-bench: %d/%d finished after %s\n", n, b.c.n, time.Since(began).Round(time.Second))
			}
		case <-deadline:
			break wait
		case <-ctx.Done():
			break wait
		}
	}
	window := time.Since(began)
	peak := sampler.stop()
	after := snapshot(b.counter)
	b.timeline(ctx)
	mu.Lock()
	defer mu.Unlock()
	return newResult(b.c, tracks, before, after, peak, created, window), nil
}

// newRelease is a Release of svc's new image: setWeight 50, pause, setWeight 100.
func newRelease(ns, svc string, pause time.Duration) *v1alpha1.Release {
	name := svc + "-v2"
	return &v1alpha1.Release{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{benchLabel: "controller"}},
		Spec: v1alpha1.ReleaseSpec{
			Service: svc, Image: imageB,
			BuildInfo: v1alpha1.BuildInfo{Service: svc, Version: name, LockHash: "sha256:lock-" + name,
				ImageDigest: imageB[len(imageB)-71:], GitCommit: "c0ffee", CIRunID: "bench"},
			Strategy: v1alpha1.Strategy{
				Steps: []v1alpha1.Step{
					{SetWeight: ptr.To[int32](50)},
					{Pause: &v1alpha1.PauseStep{Duration: &metav1.Duration{Duration: pause}}},
					{SetWeight: ptr.To[int32](100)},
				},
				ProgressDeadline: &metav1.Duration{Duration: 10 * time.Minute},
			},
		},
	}
}

// timeline prints the first Release's decisions, relative to its creation,
// to stderr: where a rollout's time goes.
func (b *bench) timeline(ctx context.Context) {
	ns, svc := b.service(0)
	var rel v1alpha1.Release
	if err := b.client.Get(ctx, client.ObjectKey{Namespace: ns, Name: svc + "-v2"}, &rel); err != nil {
		return
	}
	var list v1alpha1.ReleaseList
	if err := b.client.List(ctx, &list, client.MatchingLabels{benchLabel: "controller"}); err == nil {
		at := map[string]int{}
		for _, r := range list.Items {
			at[fmt.Sprintf("%s/step %d", r.Status.Phase, r.Status.Step)]++
		}
		fmt.Fprintf(os.Stderr, "controller-bench: releases by phase/step at the end: %v\n", at)
	}
	fmt.Fprintf(os.Stderr, "controller-bench: decisions of %s/%s:\n", ns, rel.Name)
	for _, d := range rel.Status.Decisions {
		fmt.Fprintf(os.Stderr, "  +%-8s step %d %-12s %-14s %s\n", d.Time.Sub(rel.CreationTimestamp.Time).Round(100*time.Millisecond),
			d.Step, d.Phase, d.Action, d.Reason)
	}
}

// list hands every bench Release to see and returns the list's
// resourceVersion.
func (b *bench) list(ctx context.Context, see func(*v1alpha1.Release, time.Time)) (string, error) {
	var list v1alpha1.ReleaseList
	if err := b.client.List(ctx, &list, client.MatchingLabels{benchLabel: "controller"}); err != nil {
		return "", fmt.Errorf("list releases: %w", err)
	}
	now := time.Now()
	for i := range list.Items {
		see(&list.Items[i], now)
	}
	return list.ResourceVersion, nil
}

// watch hands every change of a bench Release to see until ctx is done,
// watching again (after a fresh list) whenever the API server ends a watch.
func (b *bench) watch(ctx context.Context, rv string, see func(*v1alpha1.Release, time.Time)) {
	for ctx.Err() == nil {
		w, err := b.client.Watch(ctx, &v1alpha1.ReleaseList{}, client.MatchingLabels{benchLabel: "controller"},
			&client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: rv}})
		if err == nil {
			for ev := range w.ResultChan() {
				if rel, ok := ev.Object.(*v1alpha1.Release); ok && (ev.Type == watch.Added || ev.Type == watch.Modified) {
					see(rel, time.Now())
					rv = rel.ResourceVersion
				} else if ev.Type == watch.Error {
					err = apierrors.FromObject(ev.Object)
					break
				}
			}
			w.Stop()
		}
		if ctx.Err() != nil {
			return
		}
		fmt.Fprintln(os.Stderr, "controller-bench: release watch ended; listing and watching again", err)
		time.Sleep(time.Second)
		if rv, err = b.list(ctx, see); err != nil {
			rv = ""
		}
	}
}
