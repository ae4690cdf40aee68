package notify

import (
	"errors"
	"strconv"
	"testing"
	"time"
)

func TestVerify(t *testing.T) {
	secret := []byte("s3cret")
	body := []byte(`{"type":"rollout.started"}`)
	ts := strconv.FormatInt(t0.Unix(), 10)
	good := Sign(secret, t0, body)
	tests := []struct {
		name      string
		secret    []byte
		ts, sig   string
		body      []byte
		now       time.Time
		wantErr   error
		wantAnyEr bool
	}{
		{name: "valid", secret: secret, ts: ts, sig: good, body: body, now: t0.Add(time.Minute)},
		{name: "wrong_secret", secret: []byte("other"), ts: ts, sig: good, body: body, now: t0, wantErr: ErrBadSignature},
		{name: "tampered_body", secret: secret, ts: ts, sig: good, body: []byte(`{"type":"rollout.promoted"}`), now: t0, wantErr: ErrBadSignature},
		{name: "other_timestamp", secret: secret, ts: strconv.FormatInt(t0.Unix()+1, 10), sig: good, body: body, now: t0, wantErr: ErrBadSignature},
		{name: "older_than_5m", secret: secret, ts: ts, sig: good, body: body, now: t0.Add(5*time.Minute + time.Second), wantErr: ErrStale},
		{name: "from_the_future", secret: secret, ts: ts, sig: good, body: body, now: t0.Add(-6 * time.Minute), wantErr: ErrStale},
		{name: "no_prefix", secret: secret, ts: ts, sig: good[len("sha256="):], body: body, now: t0, wantAnyEr: true},
		{name: "not_hex", secret: secret, ts: ts, sig: "sha256=zz", body: body, now: t0, wantErr: ErrBadSignature},
		{name: "bad_timestamp", secret: secret, ts: "yesterday", sig: good, body: body, now: t0, wantAnyEr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(tt.secret, tt.ts, tt.sig, tt.body, tt.now, DefaultTolerance)
			switch {
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			case tt.wantAnyEr && err == nil:
				t.Fatal("accepted, want an error")
			case tt.wantErr == nil && !tt.wantAnyEr && err != nil:
				t.Fatalf("rejected: %v", err)
			}
		})
	}
}

// The signature is the documented HMAC: a fixed vector a receiver in any
// language can check against (docs/notify.md).
func TestSignKnownVector(t *testing.T) {
	got := Sign([]byte("s3cret"), time.Unix(1764015300, 0), []byte(`{"hello":"world"}`))
	const want = "sha256=28f28e553b468799acbe1d9f621f65083ca29d2f4813de3fbb430ec1f527b140" // computed with Python's hmac module
	if got != want {
		t.Fatalf("Sign = %s", got)
	}
}
