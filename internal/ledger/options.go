package ledger

import "time"

// Options say how a ledger is opened; every implementation honours them.
type Options struct {
	// Now is the clock for the timestamps the ledger assigns.
	Now func() time.Time
	// ReadOnly: open an existing, current ledger for reading only; never
	// create, migrate or write it.
	ReadOnly bool
	// Existing: never create a ledger (ReadOnly implies it); an older schema
	// is migrated unless ReadOnly.
	Existing bool
}

// Option configures an opener.
type Option func(*Options)

// WithClock sets the clock used for timestamps the ledger assigns.
func WithClock(now func() time.Time) Option { return func(o *Options) { o.Now = now } }

// ReadOnly opens an existing, current ledger for reading only: it never
// creates, migrates or writes it. A missing, empty, older-schema or
// corrupt ledger is an error naming it.
func ReadOnly() Option { return func(o *Options) { o.ReadOnly, o.Existing = true, true } }

// Existing opens an existing ledger for writing (migrating it if older) but
// never creates one: a missing or empty ledger is an error naming it.
func Existing() Option { return func(o *Options) { o.Existing = true } }

// Apply returns the options opts set, with the wall clock by default.
func Apply(opts ...Option) Options {
	o := Options{Now: time.Now}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}
