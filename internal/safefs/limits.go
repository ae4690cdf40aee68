package safefs

import (
	"fmt"
)

// Limits bound what one archive may write. A zero field means "use the
// default" (DefaultLimits); there is no "unlimited".
type Limits struct {
	// MaxBytes is the total uncompressed size of all entries.
	MaxBytes int64
	// MaxEntries is the number of entries (files, dirs, links, whiteouts).
	MaxEntries int
	// MaxRatio is the highest total uncompressed/compressed ratio a zip may
	// declare once it expands past ratioFloor bytes; 1 MB of zeros
	// deflates ~1000:1, real wheels stay well under 100:1.
	MaxRatio int64
}

// DefaultLimits are generous for real images and wheels (the largest
// CUDA wheels expand to a few GiB) and refuse bombs before they write.
var DefaultLimits = Limits{MaxBytes: 8 << 30, MaxEntries: 500_000, MaxRatio: 200}

// ratioFloor is the expanded size under which the ratio is not checked:
// small archives of repetitive text compress well and are harmless.
const ratioFloor = 64 << 20

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultLimits.MaxEntries
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultLimits.MaxRatio
	}
	return l
}

// LimitError says an archive exceeds one of its Limits.
type LimitError struct {
	What  string // "uncompressed size", "entries", "compression ratio"
	Got   int64
	Limit int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("archive exceeds the %s limit (%d > %d): refusing it as a possible archive bomb", e.What, e.Got, e.Limit)
}
