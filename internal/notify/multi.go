package notify

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
)

type multi []Notifier

// Multi fans each event out to every notifier at once and returns their
// errors joined. Multi() with no notifiers accepts and drops every event.
func Multi(ns ...Notifier) Notifier { return multi(ns) }

func (m multi) Name() string {
	names := make([]string, len(m))
	for i, n := range m {
		names[i] = n.Name()
	}
	return strings.Join(names, ", ")
}

func (m multi) Notify(ctx context.Context, ev Event) error {
	ev = WithID(ev)
	errs := make([]error, len(m))
	var wg sync.WaitGroup
	for i, n := range m {
		wg.Go(func() { errs[i] = n.Notify(ctx, ev) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

type only struct {
	inner Notifier
	types []EventType
}

// Only passes to n just the events whose type is listed; an empty list
// passes everything.
func Only(n Notifier, types ...EventType) Notifier {
	if len(types) == 0 {
		return n
	}
	return &only{inner: n, types: types}
}

func (o *only) Name() string { return o.inner.Name() }

func (o *only) Notify(ctx context.Context, ev Event) error {
	if !slices.Contains(o.types, ev.Type) {
		return nil
	}
	return o.inner.Notify(ctx, ev)
}

// Close closes every notifier that holds goroutines and joins their errors.
func (m multi) Close(ctx context.Context) error {
	errs := make([]error, len(m))
	var wg sync.WaitGroup
	for i, n := range m {
		wg.Go(func() { errs[i] = Close(ctx, n) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Close closes the wrapped notifier if it holds goroutines.
func (o *only) Close(ctx context.Context) error { return Close(ctx, o.inner) }
