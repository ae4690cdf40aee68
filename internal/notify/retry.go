package notify

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Retrying defaults.
const (
	DefaultAttempts      = 5
	DefaultBaseDelay     = 500 * time.Millisecond
	DefaultMaxDelay      = 30 * time.Second
	DefaultMaxRetryAfter = 2 * time.Minute
)

type retrying struct {
	inner         Notifier
	name          string
	attempts      int
	base, max     time.Duration
	maxRetryAfter time.Duration
	sleep         func(ctx context.Context, d time.Duration) error
	jitter        func(d time.Duration) time.Duration
	log           *slog.Logger
}

// RetryOption configures Retrying.
type RetryOption func(*retrying)

// WithAttempts sets the most attempts per event (first try included).
func WithAttempts(n int) RetryOption {
	return func(r *retrying) {
		if n > 0 {
			r.attempts = n
		}
	}
}

// WithBackoff sets the first delay and the cap: delays double from base up to max.
func WithBackoff(base, max time.Duration) RetryOption {
	return func(r *retrying) { r.base, r.max = base, max }
}

// WithMaxRetryAfter sets the longest Retry-After honoured; a receiver asking
// for longer makes Retrying give up rather than come back early.
func WithMaxRetryAfter(d time.Duration) RetryOption {
	return func(r *retrying) { r.maxRetryAfter = d }
}

// WithSleeper replaces the wait between attempts (tests record the delays
// instead of sleeping). It must return ctx.Err() when ctx ends first.
func WithSleeper(sleep func(ctx context.Context, d time.Duration) error) RetryOption {
	return func(r *retrying) { r.sleep = sleep }
}

// WithJitter replaces the jitter applied to each backoff delay. The default
// picks uniformly in [d/2, d].
func WithJitter(j func(d time.Duration) time.Duration) RetryOption {
	return func(r *retrying) { r.jitter = j }
}

// WithRetryLogger logs each failed attempt.
func WithRetryLogger(l *slog.Logger) RetryOption { return func(r *retrying) { r.log = l } }

// Retrying wraps n so failed deliveries are tried again with exponential
// backoff and jitter. Network errors, 5xx and 429 are retried (a Retry-After
// header sets the wait); other 4xx answers and Permanent errors are not. The
// attempt number is available to inner notifiers through Attempt(ctx).
func Retrying(n Notifier, opts ...RetryOption) Notifier {
	r := newRetrying(opts)
	r.inner, r.name = n, n.Name()
	return r
}

func newRetrying(opts []RetryOption) *retrying {
	r := &retrying{attempts: DefaultAttempts, base: DefaultBaseDelay, max: DefaultMaxDelay,
		maxRetryAfter: DefaultMaxRetryAfter, sleep: sleepCtx, jitter: equalJitter, log: discardLogger()}
	for _, o := range opts {
		o(r)
	}
	return r
}

func (r *retrying) Name() string { return r.inner.Name() }

// Close closes the wrapped notifier if it holds goroutines.
func (r *retrying) Close(ctx context.Context) error { return Close(ctx, r.inner) }

func (r *retrying) Notify(ctx context.Context, ev Event) error {
	ev = WithID(ev) // one delivery ID across every attempt
	return r.do(ctx, string(ev.Type), func(ctx context.Context) error { return r.inner.Notify(ctx, ev) })
}

// do runs try until it succeeds, fails for good, or runs out of attempts.
func (r *retrying) do(ctx context.Context, what string, try func(context.Context) error) error {
	for attempt := 1; ; attempt++ {
		err := try(withAttempt(ctx, attempt))
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%w (after %d attempts)", err, attempt)
		}
		if !retryable(err) {
			return err
		}
		if attempt >= r.attempts {
			return fmt.Errorf("%w (gave up after %d attempts)", err, attempt)
		}
		wait := r.backoff(attempt)
		if ra := retryAfter(err); ra > 0 {
			if ra > r.maxRetryAfter {
				return fmt.Errorf("%w (receiver asked to retry after %s; longest honoured is %s)", err, ra, r.maxRetryAfter)
			}
			wait = ra
		}
		r.log.WarnContext(ctx, "delivery failed; retrying", "target", r.name, "what", what,
			"attempt", attempt, "wait", wait, "err", err)
		if serr := r.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("%w (after %d attempts)", err, attempt)
		}
	}
}

// backoff is base·2^(attempt-1), capped at max, then jittered.
func (r *retrying) backoff(attempt int) time.Duration {
	d := r.base
	for i := 1; i < attempt && d < r.max; i++ {
		d *= 2
	}
	return r.jitter(min(d, r.max))
}

func equalJitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type attemptKey struct{}

func withAttempt(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, attemptKey{}, n)
}

// Attempt returns the attempt number Retrying is on (1 for the first try,
// and 1 when not called under Retrying).
func Attempt(ctx context.Context) int {
	if n, ok := ctx.Value(attemptKey{}).(int); ok {
		return n
	}
	return 1
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
