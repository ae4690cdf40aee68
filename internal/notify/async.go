package notify

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"pinwheel.dev/pinwheel/internal/crash"
)

// DefaultQueueSize is the Async queue length FromConfig uses.
const DefaultQueueSize = 256

// ErrClosed is returned by Notify after Close.
var ErrClosed = errors.New("notifier closed")

// AsyncNotifier delivers events on its own goroutine from a bounded queue, so
// the caller (a rollout) never waits for a receiver. When the queue is full
// the oldest queued event is dropped with a warning. Close drains the queue.
type AsyncNotifier struct {
	inner Notifier
	size  int
	log   *slog.Logger

	mu      sync.Mutex
	queue   []Event
	closed  bool
	dropped int
	wake    chan struct{}
	done    chan struct{}
	ctx     context.Context // the worker's; cancelled when Close gives up
	cancel  context.CancelFunc
}

var _ Notifier = (*AsyncNotifier)(nil)

// Async starts a worker delivering to n from a queue of size events (at
// least 1). Delivery errors are logged to log (nil logs nothing).
func Async(n Notifier, size int, log *slog.Logger) *AsyncNotifier {
	if log == nil {
		log = discardLogger()
	}
	ctx, cancel := context.WithCancel(context.Background())
	a := &AsyncNotifier{inner: n, size: max(size, 1), log: log,
		wake: make(chan struct{}, 1), done: make(chan struct{}), ctx: ctx, cancel: cancel}
	crash.Go(a.run)
	return a
}

// Name is the wrapped notifier's name.
func (a *AsyncNotifier) Name() string { return a.inner.Name() }

// Notify queues ev and returns at once. It fails only after Close.
func (a *AsyncNotifier) Notify(ctx context.Context, ev Event) error {
	ev = WithID(ev)
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return ErrClosed
	}
	if len(a.queue) >= a.size {
		old := a.queue[0]
		a.queue = a.queue[1:]
		a.dropped++
		a.log.WarnContext(ctx, "notification queue full; dropped the oldest event",
			"target", a.inner.Name(), "dropped", old.Type, "droppedId", old.ID, "queue", a.size)
	}
	a.queue = append(a.queue, ev)
	a.mu.Unlock()
	select {
	case a.wake <- struct{}{}:
	default:
	}
	return nil
}

// Dropped is how many events were dropped because the queue was full.
func (a *AsyncNotifier) Dropped() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.dropped
}

func (a *AsyncNotifier) run() {
	defer close(a.done)
	for {
		a.mu.Lock()
		if len(a.queue) == 0 {
			closed := a.closed
			a.mu.Unlock()
			if closed {
				return
			}
			select {
			case <-a.wake:
			case <-a.ctx.Done():
			}
			continue
		}
		ev := a.queue[0]
		a.queue = a.queue[1:]
		a.mu.Unlock()
		if a.ctx.Err() != nil {
			continue // Close gave up: empty the queue without sending
		}
		if err := a.inner.Notify(a.ctx, ev); err != nil {
			a.log.Warn("notification failed", "target", a.inner.Name(), "event", ev.Type, "id", ev.ID, "err", err)
		}
	}
}

// Close stops accepting events and waits until the queue is delivered or
// ctx ends; then the delivery in flight is cancelled, the rest is dropped and
// ctx's error is returned.
func (a *AsyncNotifier) Close(ctx context.Context) error {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	select {
	case a.wake <- struct{}{}:
	default:
	}
	select {
	case <-a.done:
		a.cancel()
		return nil
	case <-ctx.Done():
		a.mu.Lock()
		left := len(a.queue)
		a.mu.Unlock()
		a.cancel()
		<-a.done
		a.log.Warn("notifications not delivered before shutdown", "target", a.inner.Name(), "left", left)
		return ctx.Err()
	}
}

// Closer is implemented by notifiers that hold goroutines (AsyncNotifier).
type Closer interface {
	Close(ctx context.Context) error
}

// Close closes n if it holds goroutines; otherwise it does nothing.
func Close(ctx context.Context, n Notifier) error {
	if c, ok := n.(Closer); ok {
		return c.Close(ctx)
	}
	return nil
}

// queued is the number of events waiting (not counting one in flight).
func (a *AsyncNotifier) queued() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.queue)
}
