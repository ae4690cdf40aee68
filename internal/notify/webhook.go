package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Format is how a webhook encodes events.
type Format string

// The formats a webhook can send.
const (
	FormatJSON  Format = "json"  // the Event as JSON (docs/notify.md)
	FormatSlack Format = "slack" // a Slack incoming-webhook message with blocks
)

// Webhook POSTs events to a URL, signed with HMAC-SHA256 when it has a secret.
type Webhook struct {
	url    string
	name   string
	secret []byte
	format Format
	client *http.Client
	now    func() time.Time
}

var _ Notifier = (*Webhook)(nil)

// WebhookOption configures NewWebhook.
type WebhookOption func(*Webhook)

// WithSecret signs every request with secret (see Sign).
func WithSecret(secret []byte) WebhookOption {
	return func(w *Webhook) { w.secret = append([]byte(nil), secret...) }
}

// WithFormat selects the payload format; the default is FormatJSON.
func WithFormat(f Format) WebhookOption { return func(w *Webhook) { w.format = f } }

// WithHTTPClient sets the client requests go through; the default is
// NewHTTPClient(10 * time.Second).
func WithHTTPClient(c *http.Client) WebhookOption { return func(w *Webhook) { w.client = c } }

// WithClock sets the clock used for signature timestamps.
func WithClock(now func() time.Time) WebhookOption { return func(w *Webhook) { w.now = now } }

// NewWebhook returns a notifier posting to rawURL. The URL must be absolute
// http or https.
func NewWebhook(rawURL string, opts ...WebhookOption) (*Webhook, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webhook url %q: want an absolute http(s) URL", inputerr.RedactURL(rawURL))
	}
	w := &Webhook{url: rawURL, name: inputerr.RedactURL(rawURL), format: FormatJSON,
		client: NewHTTPClient(10 * time.Second), now: time.Now}
	for _, o := range opts {
		o(w)
	}
	if w.format != FormatJSON && w.format != FormatSlack {
		return nil, fmt.Errorf("webhook format %q: want json or slack", w.format)
	}
	return w, nil
}

// Name is the URL with its path hidden (Slack URLs carry their secret there).
func (w *Webhook) Name() string { return w.name }

// Kind is "webhook" or "slack", as recorded in the ledger.
func (w *Webhook) Kind() string {
	if w.format == FormatSlack {
		return "slack"
	}
	return "webhook"
}

// Notify sends one request. A non-2xx answer is an *HTTPError.
func (w *Webhook) Notify(ctx context.Context, ev Event) error {
	ev = WithID(ev)
	body, err := w.encode(ev)
	if err != nil {
		return Permanent(fmt.Errorf("%s: encode %s: %w", w.name, ev.Type, err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("%s: %w", w.name, err))
	}
	now := w.now()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "pinwheel-notify/1")
	req.Header.Set(HeaderDelivery, ev.ID)
	req.Header.Set(HeaderEvent, string(ev.Type))
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	if len(w.secret) > 0 {
		req.Header.Set(HeaderSignature, Sign(w.secret, now, body))
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", w.name, unwrapURLError(err))
	}
	defer resp.Body.Close()
	respBody, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return httpError(w.name, resp, respBody, now)
	}
	return nil
}

func (w *Webhook) encode(ev Event) ([]byte, error) {
	if w.format == FormatSlack {
		return json.Marshal(SlackMessage(ev))
	}
	return json.Marshal(ev)
}

// WithID returns ev with Version set and, when ID is empty, an ID derived
// from the event's content, so every retry of the same event carries the same
// delivery ID.
func WithID(ev Event) Event {
	ev.Version = SchemaVersion
	if ev.ID != "" {
		return ev
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return ev
	}
	sum := sha256.Sum256(b)
	ev.ID = "evt_" + hex.EncodeToString(sum[:12])
	return ev
}

// unwrapURLError drops *url.Error's "Post <full url>:" prefix, which would
// leak the URL's secret path into logs and the ledger.
func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// NewHTTPClient returns the client webhooks use by default: it gives up after
// timeout and does not follow redirects (a redirected POST would lose its
// body or its signature's meaning), so a 3xx is reported as an *HTTPError.
func NewHTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
