package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Headers every webhook request carries.
const (
	HeaderTimestamp = "X-Pinwheel-Timestamp" // Unix seconds when the request was signed
	HeaderSignature = "X-Pinwheel-Signature" // "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body)
	HeaderDelivery  = "X-Pinwheel-Delivery"  // the event ID; identical on every retry
	HeaderEvent     = "X-Pinwheel-Event"     // the event type
)

// DefaultTolerance is how old (or how far in the future) a signed request
// may be before Verify rejects it.
const DefaultTolerance = 5 * time.Minute

// Sign returns the signature header value for body signed at ts:
// "sha256=" + hex(HMAC-SHA256(secret, "<unix seconds>.<body>")).
func Sign(secret []byte, ts time.Time, body []byte) string {
	return "sha256=" + hex.EncodeToString(mac(secret, strconv.FormatInt(ts.Unix(), 10), body))
}

func mac(secret []byte, ts string, body []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(ts))
	h.Write([]byte("."))
	h.Write(body)
	return h.Sum(nil)
}

// Errors Verify returns.
var (
	ErrBadSignature = errors.New("signature does not match")
	ErrStale        = errors.New("timestamp outside the tolerance")
)

// Verify checks a received webhook: timestamp and signature are the header
// values, body the raw request body. It rejects timestamps more than
// tolerance away from now (replays) and signatures that do not match, in
// constant time. Receivers written in Go can call it directly.
func Verify(secret []byte, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	timestamp = strings.TrimSpace(timestamp)
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%s %q: not Unix seconds", HeaderTimestamp, timestamp)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: signed %s ago", ErrStale, d.Truncate(time.Second))
	}
	got, ok := strings.CutPrefix(strings.TrimSpace(signature), "sha256=")
	if !ok {
		return fmt.Errorf("%s: want sha256=<hex>", HeaderSignature)
	}
	gotMAC, err := hex.DecodeString(got)
	if err != nil {
		return fmt.Errorf("%s: %w", HeaderSignature, ErrBadSignature)
	}
	if !hmac.Equal(gotMAC, mac(secret, timestamp, body)) {
		return ErrBadSignature
	}
	return nil
}
