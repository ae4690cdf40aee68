package local

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"pinwheel.dev/pinwheel/internal/analysis"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// Client is a runtime.Target (and the local metrics provider) that talks to
// a running `pinwheel up` through its control API.
type Client struct {
	base  string
	token string
	http  *http.Client
}

var (
	_ runtime.Target         = (*Client)(nil)
	_ runtime.FailureSampler = (*Client)(nil)
	_ metrics.Provider       = (*Client)(nil)
)

// Dial reads the state file in stateDir (a project's .pinwheel directory)
// and checks that the runtime answers.
func Dial(ctx context.Context, stateDir string) (*Client, error) {
	st, err := ReadState(stateDir)
	if err != nil {
		return nil, err
	}
	c := &Client{base: "http://" + st.Addr, token: st.Token, http: &http.Client{Timeout: 5 * time.Minute}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/healthz", nil)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("local runtime at %s (pid %d) does not answer: %w (is `pinwheel up` still running?)", st.Addr, st.PID, err)
	}
	resp.Body.Close()
	return c, nil
}

func (c *Client) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("local runtime: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e apiError
		json.NewDecoder(resp.Body).Decode(&e)
		if e.Error == "" {
			e.Error = resp.Status
		}
		return errors.New(e.Error)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func relPath(service, release string) string {
	return "/v1/services/" + url.PathEscape(service) + "/releases/" + url.PathEscape(release)
}

// Apply sends the desired state to the runtime.
func (c *Client) Apply(ctx context.Context, d runtime.Desired) error {
	return c.call(ctx, http.MethodPost, "/v1/apply", d, &struct{}{})
}

// Observe asks the runtime what runs for service.
func (c *Client) Observe(ctx context.Context, service string) (o runtime.Observed, err error) {
	err = c.call(ctx, http.MethodGet, "/v1/services/"+url.PathEscape(service), nil, &o)
	return o, err
}

// Smoke runs a smoke test in the runtime.
func (c *Client) Smoke(ctx context.Context, service, release string, spec rollout.SmokeStep) (r runtime.SmokeResult, err error) {
	err = c.call(ctx, http.MethodPost, relPath(service, release)+"/smoke", spec, &r)
	return r, err
}

// Logs fetches the release's newest log lines.
func (c *Client) Logs(ctx context.Context, service, release string, tail int) (lines []string, err error) {
	err = c.call(ctx, http.MethodGet, fmt.Sprintf("%s/logs?tail=%d", relPath(service, release), tail), nil, &lines)
	return lines, err
}

// FailedRequests fetches the release's newest failing requests.
func (c *Client) FailedRequests(ctx context.Context, service, release string, limit int) (f []runtime.FailedRequest, err error) {
	err = c.call(ctx, http.MethodGet, fmt.Sprintf("%s/failures?limit=%d", relPath(service, release), limit), nil, &f)
	return f, err
}

// Query answers a built-in query from the runtime's proxy measurements.
func (c *Client) Query(ctx context.Context, q metrics.Query) (s []analysis.Sample, err error) {
	err = c.call(ctx, http.MethodPost, "/v1/query", q, &s)
	return s, err
}

// Resolve names a built-in query.
func (c *Client) Resolve(q metrics.Query) (s string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = c.call(ctx, http.MethodPost, "/v1/resolve", q, &s)
	return s, err
}
