package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// GitHub limits.
const (
	GitHubMaxBody       = 65536 // characters in an issue or comment body
	gitHubMaxTitle      = 256
	DefaultGitHubAPI    = "https://api.github.com"
	gitHubAPIVersion    = "2022-11-28"
	gitHubSearchPerPage = 100
)

// GitHub files issues through the GitHub REST API (github.com or GitHub
// Enterprise Server). It comments on an open issue with the same title
// instead of opening a duplicate.
type GitHub struct {
	base        string // API root without trailing slash
	owner, repo string
	token       string
	labels      []string
	client      *http.Client
	now         func() time.Time
}

var _ IssueTracker = (*GitHub)(nil)

// GitHubOption configures NewGitHub.
type GitHubOption func(*GitHub)

// WithBaseURL sets the API root; GitHub Enterprise Server uses
// "https://HOST/api/v3". The default is https://api.github.com.
func WithBaseURL(u string) GitHubOption {
	return func(g *GitHub) { g.base = strings.TrimRight(u, "/") }
}

// WithLabels sets the labels every issue gets; the open-issue search for
// dedupe filters on them too.
func WithLabels(labels ...string) GitHubOption {
	return func(g *GitHub) { g.labels = append([]string(nil), labels...) }
}

// WithGitHubClient sets the HTTP client; the default has a 20 s timeout.
func WithGitHubClient(c *http.Client) GitHubOption { return func(g *GitHub) { g.client = c } }

var repoName = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

// NewGitHub returns a tracker for repo ("owner/name") authenticating with token.
func NewGitHub(repo, token string, opts ...GitHubOption) (*GitHub, error) {
	if !repoName.MatchString(repo) {
		return nil, fmt.Errorf("github repo %q: want owner/name", repo)
	}
	if token == "" {
		return nil, fmt.Errorf("github: empty token")
	}
	owner, name, _ := strings.Cut(repo, "/")
	g := &GitHub{base: DefaultGitHubAPI, owner: owner, repo: name, token: token,
		client: &http.Client{Timeout: 20 * time.Second}, now: time.Now}
	for _, o := range opts {
		o(g)
	}
	if u, err := url.Parse(g.base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("github baseURL %q: want an absolute http(s) URL", g.base)
	}
	return g, nil
}

// Name is "github owner/name".
func (g *GitHub) Name() string { return "github " + g.owner + "/" + g.repo }

// MaxBody is GitHub's body limit.
func (g *GitHub) MaxBody() int { return GitHubMaxBody }

type ghIssue struct {
	Number      int             `json:"number"`
	Title       string          `json:"title"`
	HTMLURL     string          `json:"html_url"`
	PullRequest json.RawMessage `json:"pull_request,omitempty"`
}

// File comments on the open issue titled is.Title (among the newest 100 open
// issues carrying is.Labels) or opens a new issue.
func (g *GitHub) File(ctx context.Context, is Issue) (Filed, error) {
	title := clip(is.Title, gitHubMaxTitle)
	labels := mergeLabels(g.labels, is.Labels)
	existing, err := g.findOpen(ctx, title, labels)
	if err != nil {
		return Filed{}, err
	}
	if existing != nil {
		var c struct {
			HTMLURL string `json:"html_url"`
		}
		path := fmt.Sprintf("/issues/%d/comments", existing.Number)
		if err := g.do(ctx, http.MethodPost, path, map[string]any{"body": is.Body}, &c); err != nil {
			return Filed{}, err
		}
		return Filed{Location: firstNonEmpty(c.HTMLURL, existing.HTMLURL), Number: existing.Number, Commented: true}, nil
	}
	req := map[string]any{"title": title, "body": is.Body}
	if len(labels) > 0 {
		req["labels"] = labels
	}
	var created ghIssue
	if err := g.do(ctx, http.MethodPost, "/issues", req, &created); err != nil {
		return Filed{}, err
	}
	return Filed{Location: created.HTMLURL, Number: created.Number}, nil
}

func (g *GitHub) findOpen(ctx context.Context, title string, labels []string) (*ghIssue, error) {
	q := url.Values{"state": {"open"}, "per_page": {strconv.Itoa(gitHubSearchPerPage)}}
	if len(labels) > 0 {
		q.Set("labels", strings.Join(labels, ","))
	}
	var issues []ghIssue
	if err := g.do(ctx, http.MethodGet, "/issues?"+q.Encode(), nil, &issues); err != nil {
		return nil, err
	}
	for i := range issues {
		if issues[i].Title == title && len(issues[i].PullRequest) == 0 {
			return &issues[i], nil
		}
	}
	return nil, nil
}

// do calls {base}/repos/{owner}/{repo}{path} and decodes a 2xx JSON answer into out.
func (g *GitHub) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return Permanent(err)
		}
		body = bytes.NewReader(b)
	}
	u := g.base + "/repos/" + url.PathEscape(g.owner) + "/" + url.PathEscape(g.repo) + path
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return Permanent(err)
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("Authorization", "Bearer "+g.token)
	req.Header.Set("X-GitHub-Api-Version", gitHubAPIVersion)
	req.Header.Set("User-Agent", "pinwheel-notify/1")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	target := g.Name()
	resp, err := g.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %s %s: %w", target, method, stripQuery(path), unwrapURLError(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("%s: read answer: %w", target, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return httpError(target+": "+method+" "+stripQuery(path), resp, data, g.now())
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s: %s %s: decode answer: %w", target, method, stripQuery(path), err)
		}
	}
	return nil
}

func mergeLabels(a, b []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range append(append([]string(nil), a...), b...) {
		if l != "" && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

func stripQuery(p string) string {
	p, _, _ = strings.Cut(p, "?")
	return p
}
