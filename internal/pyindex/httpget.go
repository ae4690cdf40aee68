package pyindex

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// getAttempts is how often a GET is tried when the network fails or the
// server answers 5xx/429; retries wait 250 ms, then 500 ms.
const getAttempts = 3

func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = 60 * time.Second
	t.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	return &http.Client{Transport: t}
}

// get issues an authorised GET for raw, retrying transient failures. The
// caller closes the body of a 200 response; other statuses come back with
// the body closed.
func (c *Client) get(ctx context.Context, raw, accept string) (*http.Response, error) {
	var lastErr error
	for attempt := 0; attempt < getAttempts; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(attempt) * 250 * time.Millisecond):
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
		if err != nil {
			return nil, fmt.Errorf("bad URL: %w", redactErr(err))
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		c.authorize(req)
		resp, err := c.http.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			lastErr = redactErr(err)
			continue
		}
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			resp.Body.Close()
			lastErr = fmt.Errorf("%s", resp.Status)
			continue
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
		}
		return resp, nil
	}
	return nil, fmt.Errorf("%w (after %d attempts)", lastErr, getAttempts)
}
