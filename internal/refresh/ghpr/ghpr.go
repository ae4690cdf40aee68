// Package ghpr opens a pull request through the GitHub REST API (github.com
// or GitHub Enterprise Server): it creates a branch from the base branch's
// head, commits files to it with the contents API, opens the pull request
// and labels it. It owns nothing else: what goes into the files, the title
// and the body is the caller's.
package ghpr

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// DefaultAPI is github.com's API root.
const DefaultAPI = "https://api.github.com"

const apiVersion = "2022-11-28"

var (
	repoName   = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
	branchName = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)
)

// Client talks to one repository.
type Client struct {
	base        string
	owner, repo string
	token       string
	http        *http.Client
}

// New returns a client for repo ("owner/name") at the API root base
// (DefaultAPI when empty), authenticating with token.
func New(repo, token, base string, hc *http.Client) (*Client, error) {
	if !repoName.MatchString(repo) {
		return nil, fmt.Errorf("--repo %q: expected owner/name", repo)
	}
	if token == "" {
		return nil, errors.New("no GitHub token: set GITHUB_TOKEN")
	}
	if base == "" {
		base = DefaultAPI
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("GitHub API URL %q: expected an absolute http(s) URL such as https://github.example.com/api/v3", base)
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	owner, name, _ := strings.Cut(repo, "/")
	return &Client{base: strings.TrimRight(base, "/"), owner: owner, repo: name, token: token, http: hc}, nil
}

// File is one file to commit: its path in the repository and content.
type File struct {
	Path    string
	Content []byte
}

// Request is the pull request to open.
type Request struct {
	Base   string // base branch; empty means the repository's default branch
	Branch string // the new branch
	Title  string
	Body   string
	Labels []string
	// Message is the commit message of each file's commit.
	Message string
	Files   []File
}

// Opened is the pull request as GitHub answered.
type Opened struct {
	Number  int    `json:"number"`
	URL     string `json:"url"`
	Branch  string `json:"branch"`
	Base    string `json:"base"`
	Commits int    `json:"commits"`
}

// Open creates Branch from Base's head, commits Files to it, opens the
// pull request and labels it.
func (c *Client) Open(ctx context.Context, r Request) (*Opened, error) {
	if !branchName.MatchString(r.Branch) || strings.Contains(r.Branch, "..") {
		return nil, fmt.Errorf("branch %q: expected letters, digits, ., _, - and /", r.Branch)
	}
	if len(r.Files) == 0 {
		return nil, errors.New("nothing to commit: a pull request needs at least one changed file")
	}
	base := r.Base
	if base == "" {
		var repo struct {
			DefaultBranch string `json:"default_branch"`
		}
		if err := c.do(ctx, http.MethodGet, "", nil, &repo); err != nil {
			return nil, err
		}
		base = repo.DefaultBranch
	}
	var ref struct {
		Object struct {
			SHA string `json:"sha"`
		} `json:"object"`
	}
	if err := c.do(ctx, http.MethodGet, "/git/ref/heads/"+escPath(base), nil, &ref); err != nil {
		return nil, fmt.Errorf("base branch %s: %w", base, err)
	}
	if err := c.do(ctx, http.MethodPost, "/git/refs", map[string]string{"ref": "refs/heads/" + r.Branch, "sha": ref.Object.SHA}, nil); err != nil {
		return nil, fmt.Errorf("create branch %s: %w", r.Branch, err)
	}
	for _, f := range r.Files {
		if err := c.commitFile(ctx, r.Branch, r.Message, f); err != nil {
			return nil, err
		}
	}
	var pr struct {
		Number  int    `json:"number"`
		HTMLURL string `json:"html_url"`
	}
	in := map[string]any{"title": r.Title, "head": r.Branch, "base": base, "body": r.Body}
	if err := c.do(ctx, http.MethodPost, "/pulls", in, &pr); err != nil {
		return nil, fmt.Errorf("open pull request: %w", err)
	}
	if len(r.Labels) > 0 {
		if err := c.do(ctx, http.MethodPost, fmt.Sprintf("/issues/%d/labels", pr.Number), map[string]any{"labels": r.Labels}, nil); err != nil {
			return nil, fmt.Errorf("label pull request #%d: %w", pr.Number, err)
		}
	}
	return &Opened{Number: pr.Number, URL: pr.HTMLURL, Branch: r.Branch, Base: base, Commits: len(r.Files)}, nil
}

// commitFile writes f on branch with the contents API: the current blob's
// sha when the file exists there, none when it is new.
func (c *Client) commitFile(ctx context.Context, branch, message string, f File) error {
	p := "/contents/" + escPath(f.Path)
	var cur struct {
		SHA string `json:"sha"`
	}
	err := c.do(ctx, http.MethodGet, p+"?ref="+url.QueryEscape(branch), nil, &cur)
	var he *HTTPError
	if err != nil && !(errors.As(err, &he) && he.Status == http.StatusNotFound) {
		return fmt.Errorf("read %s on %s: %w", f.Path, branch, err)
	}
	in := map[string]any{"message": message, "content": base64.StdEncoding.EncodeToString(f.Content), "branch": branch}
	if cur.SHA != "" {
		in["sha"] = cur.SHA
	}
	if err := c.do(ctx, http.MethodPut, p, in, nil); err != nil {
		return fmt.Errorf("commit %s: %w", f.Path, err)
	}
	return nil
}

// escPath escapes each segment of a slash-separated path.
func escPath(p string) string {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// HTTPError is a non-2xx answer.
type HTTPError struct {
	Method, Path string
	Status       int
	Message      string
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("GitHub %s %s: HTTP %d", e.Method, e.Path, e.Status)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// do calls {base}/repos/{owner}/{repo}{path} and decodes a 2xx JSON answer.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	u := c.base + "/repos/" + url.PathEscape(c.owner) + "/" + url.PathEscape(c.repo) + path
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("X-GitHub-Api-Version", apiVersion)
	req.Header.Set("User-Agent", "pinwheel-refresh/1")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	shown, _, _ := strings.Cut(path, "?")
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("GitHub %s %s: %w", method, shown, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("GitHub %s %s: read answer: %w", method, shown, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		var e struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &e)
		msg := e.Message
		if len(msg) > 300 {
			msg = msg[:300] + "…"
		}
		return &HTTPError{Method: method, Path: shown, Status: resp.StatusCode, Message: strings.ReplaceAll(msg, c.token, "***")}
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("GitHub %s %s: decode answer: %w", method, shown, err)
		}
	}
	return nil
}
