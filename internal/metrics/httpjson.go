package metrics

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"text/template"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
)

// HTTPJSON is a provider for services without Prometheus: a check's query is
// a URL template ({{.Service}}, {{.Release}}, {{.Start}}, {{.End}}, {{.Step}})
// answered by GET with a JSON number (one sample at End) or a series
// [[unix_seconds, value], ...] whose values are numbers or numeric strings.
type HTTPJSON struct {
	client  *http.Client
	headers http.Header
}

var _ Provider = (*HTTPJSON)(nil)

// HTTPJSONOption configures an HTTPJSON provider.
type HTTPJSONOption func(*HTTPJSON)

// WithHTTPClient sets the client (default: one with a 10 s timeout).
func WithHTTPClient(c *http.Client) HTTPJSONOption { return func(h *HTTPJSON) { h.client = c } }

// WithHeader adds a header to every request (e.g. Authorization).
func WithHeader(key, value string) HTTPJSONOption {
	return func(h *HTTPJSON) { h.headers.Add(key, value) }
}

// NewHTTPJSON returns an HTTP/JSON provider.
func NewHTTPJSON(opts ...HTTPJSONOption) *HTTPJSON {
	h := &HTTPJSON{client: &http.Client{Timeout: 10 * time.Second}, headers: http.Header{}}
	for _, o := range opts {
		o(h)
	}
	return h
}

// Resolve fills the URL template.
func (h *HTTPJSON) Resolve(q Query) (string, error) {
	t, err := template.New("query").Option("missingkey=error").Parse(q.Expr)
	if err != nil {
		return "", fmt.Errorf("query template %q: %w", q.Expr, err)
	}
	var b strings.Builder
	err = t.Execute(&b, map[string]string{
		"Service": q.Service, "Release": q.Release,
		"Start": strconv.FormatInt(q.Start.Unix(), 10), "End": strconv.FormatInt(q.End.Unix(), 10),
		"Step": strconv.FormatFloat(stepOf(q).Seconds(), 'f', -1, 64),
	})
	if err != nil {
		return "", fmt.Errorf("query template %q: %w", q.Expr, err)
	}
	u := b.String()
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		return "", fmt.Errorf("query %q: expected an http:// or https:// URL", u)
	}
	return u, nil
}

// Query GETs the resolved URL and parses the answer with ParseSeries.
func (h *HTTPJSON) Query(ctx context.Context, q Query) ([]analysis.Sample, error) {
	u, err := h.Resolve(q)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	for k, vs := range h.headers {
		req.Header[k] = vs
	}
	req.Header.Set("Accept", "application/json")
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("GET %s: %s: %.200s", u, resp.Status, body)
	}
	samples, err := ParseSeries(body, q.End)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	return samples, nil
}

// ParseSeries reads a JSON number (one sample at at) or an array of
// [unix_seconds, value] pairs. Values may be numbers or strings holding a
// number, "NaN", "+Inf" or "-Inf". Samples come back oldest first.
func ParseSeries(body []byte, at time.Time) ([]analysis.Sample, error) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] != '[' {
		v, err := parseValue(json.RawMessage(body))
		if err != nil {
			return nil, err
		}
		return []analysis.Sample{{Time: at, Value: v}}, nil
	}
	var pairs [][]json.RawMessage
	if err := json.Unmarshal(body, &pairs); err != nil {
		return nil, fmt.Errorf("expected a number or [[unix_seconds, value], ...]: %w", err)
	}
	out := make([]analysis.Sample, 0, len(pairs))
	for i, p := range pairs {
		if len(p) != 2 {
			return nil, fmt.Errorf("sample %d: expected [unix_seconds, value], got %d elements", i, len(p))
		}
		var ts float64
		if err := json.Unmarshal(p[0], &ts); err != nil || math.IsNaN(ts) || math.Abs(ts) > 1e11 {
			return nil, fmt.Errorf("sample %d: expected a unix time in seconds, got %s", i, p[0])
		}
		v, err := parseValue(p[1])
		if err != nil {
			return nil, fmt.Errorf("sample %d: %w", i, err)
		}
		sec, frac := math.Modf(ts)
		out = append(out, analysis.Sample{Time: time.Unix(int64(sec), int64(frac*1e9)).UTC(), Value: v})
	}
	for i := 1; i < len(out); i++ {
		if out[i].Time.Before(out[i-1].Time) {
			return nil, fmt.Errorf("sample %d: times must not go backwards", i)
		}
	}
	return out, nil
}

func parseValue(raw json.RawMessage) (float64, error) {
	var f float64
	if err := json.Unmarshal(raw, &f); err == nil {
		return f, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f, nil
		}
	}
	return 0, fmt.Errorf("expected a number or a numeric string, got %.40s", raw)
}
