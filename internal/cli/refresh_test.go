package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"pinwheel.dev/pinwheel/internal/pyindex/localindex"
	"pinwheel.dev/pinwheel/internal/wheel/wheeltest"
)

// refreshProject is a uv project locked at requests 2.31.0 and idna 3.6,
// and a real local index that also has requests 2.32.3 (a new dependency,
// changelog links) and a yanked 3.0.0. hits counts the index's requests.
func refreshProject(t *testing.T, yaml string) (dir, index string, hits *atomic.Int32) {
	t.Helper()
	wh := t.TempDir()
	for _, w := range []wheeltest.Wheel{
		{Name: "requests", Version: "2.31.0", Metadata: "Requires-Dist: idna"},
		{Name: "requests", Version: "2.32.3", Metadata: "Requires-Dist: idna\nRequires-Dist: urllib3\nProject-URL: Changelog, https://requests.example/history\nProject-URL: Source, https://github.com/psf/requests"},
		{Name: "requests", Version: "3.0.0"},
		{Name: "idna", Version: "3.6"},
	} {
		w.Files = map[string]string{w.Name + ".py": ""}
		p := wheeltest.Write(t, wh, w)
		if w.Version == "3.0.0" {
			os.WriteFile(p+".yanked", []byte("broken"), 0o644)
		}
	}
	hits = &atomic.Int32{}
	li := localindex.New(wh)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		li.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	index = srv.URL + "/simple/"
	dir = t.TempDir()
	lockText := fmt.Sprintf(`version = 1
requires-python = ">=3.11"

[[package]]
name = "idna"
version = "3.6"
source = { registry = %[1]q }

[[package]]
name = "requests"
version = "2.31.0"
source = { registry = %[1]q }
dependencies = [{ name = "idna" }]

[[package]]
name = "svc"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "requests" }]
`, index)
	os.WriteFile(filepath.Join(dir, "uv.lock"), []byte(lockText), 0o644)
	os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte("[project]\nname = \"svc\"\nversion = \"0.1.0\"\ndependencies = [\"requests\"]\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "pinwheel.yaml"), []byte("service: svc\npython: \"3.11\"\n"+yaml), 0o644)
	os.Mkdir(filepath.Join(dir, ".git"), 0o755)
	return dir, index, hits
}

func TestRefreshOutsideTheWindowDoesNothing(t *testing.T) {
	dir, _, hits := refreshProject(t, "refresh:\n  windows: [\"Mon 06:00-10:00 UTC\"]\n")
	out, errOut, code := runCLI(t, "refresh", dir, "--at", "2026-12-08T12:00:00Z")
	if code != 0 || out != "outside the refresh windows: the next one (Mon 06:00-10:00 UTC) opens 2026-12-14T06:00:00Z (in 5d 18h); nothing done (--now refreshes anyway)\n" {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	if hits.Load() != 0 {
		t.Errorf("the index was asked %d times outside the window", hits.Load())
	}
	out, _, code = runCLI(t, "refresh", dir, "--at", "2026-12-08T12:00:00Z", "-o", "json")
	if code != 0 || out != "{\n  \"inWindow\": false,\n  \"nextOpens\": \"2026-12-14T06:00:00Z\",\n  \"nextWindow\": \"Mon 06:00-10:00 UTC\"\n}\n" || hits.Load() != 0 {
		t.Errorf("json outside the window: exit %d %q", code, out)
	}
	out, _, code = runCLI(t, "refresh", dir, "--at", "2026-12-14T07:00:00Z")
	if code != 0 || !strings.Contains(out, "requests") || hits.Load() == 0 {
		t.Errorf("inside the window: exit %d, %d index requests\n%s", code, hits.Load(), out)
	}
}

func TestRefreshBadConfigIsExit2AtTheLine(t *testing.T) {
	dir, _, _ := refreshProject(t, "refresh:\n  windows: [\"Mon 6-10\"]\n")
	_, errOut, code := runCLI(t, "refresh", dir, "--now")
	if code != 2 || !strings.Contains(errOut, "pinwheel.yaml:4:13: refresh.windows[0]: window \"Mon 6-10\": start: expected HH:MM") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	_, errOut, code = runCLI(t, "refresh", dir, "-o", "yaml")
	if code != 2 || !strings.Contains(errOut, "want text, markdown or json") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func TestRefreshMarkdownPlan(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no uv on PATH
	dir, index, _ := refreshProject(t, "")
	out, errOut, code := runCLI(t, "refresh", dir, "--now", "-o", "markdown")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"## Lock refresh: requests 2.31.0 → 2.32.3",
		"2 packages checked, **1 upgrades**, 1 current",
		"| minor | `requests` | 2.31.0 | 2.32.3 | 🟠 medium | minor, new-dependency |",
		"- **What changed:** [Changelog](https://requests.example/history) · [Releases](https://github.com/psf/requests/releases)",
		"- **New dependencies:** `urllib3`",
		"- Not proposed: 3.0.0 (yanked: broken)",
		"**Not re-locked:** `uv` is not installed",
		"uv lock --upgrade-package requests==2.32.3",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q\n%s", want, out)
		}
	}
	out, _, _ = runCLI(t, "refresh", dir, "--now", "-o", "json")
	var plan struct {
		Updates []struct{ Package, To, Index string }
		Relock  struct{ Installed bool }
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil || len(plan.Updates) != 1 || plan.Updates[0].To != "2.32.3" || plan.Updates[0].Index != index || plan.Relock.Installed {
		t.Errorf("json %v %s", err, out)
	}
}

// TestRefreshOpensPullRequest opens the pull request on a local stand-in
// for the GitHub API that checks every request: method, path, token,
// body. Without uv installed, the commit carries the plan.
func TestRefreshOpensPullRequest(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("GITHUB_TOKEN", "ghs_secret123")
	dir, _, _ := refreshProject(t, "refresh:\n  labels: [dependencies]\n")
	type seen struct {
		method, path string
		body         map[string]any
	}
	var calls []seen
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer ghs_secret123" {
			t.Errorf("%s %s: Authorization %q", r.Method, r.URL, r.Header.Get("Authorization"))
		}
		var body map[string]any
		data, _ := io.ReadAll(r.Body)
		if len(data) > 0 {
			if err := json.Unmarshal(data, &body); err != nil {
				t.Errorf("%s %s: body %s", r.Method, r.URL, data)
			}
		}
		calls = append(calls, seen{r.Method, r.URL.RequestURI(), body})
		switch {
		case r.Method == "GET" && r.URL.Path == "/repos/acme/svc/git/ref/heads/main":
			io.WriteString(w, `{"object":{"sha":"base1"}}`)
		case r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/repos/acme/svc/contents/"):
			w.WriteHeader(404)
			io.WriteString(w, `{"message":"Not Found"}`)
		case r.Method == "POST" && r.URL.Path == "/repos/acme/svc/pulls":
			w.WriteHeader(201)
			io.WriteString(w, `{"number":42,"html_url":"https://github.example/acme/svc/pull/42"}`)
		default:
			w.WriteHeader(201)
			io.WriteString(w, `{}`)
		}
	}))
	defer gh.Close()
	out, errOut, code := runCLI(t, "refresh", dir, "--now", "--open-pr", "--repo", "acme/svc", "--github-api", gh.URL, "--base", "main", "--at", "2026-12-14T07:00:00Z")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out+errOut, "ghs_secret123") {
		t.Error("the token was printed")
	}
	if !strings.Contains(errOut, "opened pull request #42 https://github.example/acme/svc/pull/42 (branch pinwheel/refresh-20261214-") {
		t.Errorf("stderr %s", errOut)
	}
	var got []string
	for _, c := range calls {
		got = append(got, c.method+" "+c.path)
	}
	branch := calls[1].body["ref"].(string)[len("refs/heads/"):]
	want := []string{
		"GET /repos/acme/svc/git/ref/heads/main",
		"POST /repos/acme/svc/git/refs",
		"GET /repos/acme/svc/contents/.pinwheel/refresh-plan.md?ref=" + strings.ReplaceAll(branch, "/", "%2F"),
		"PUT /repos/acme/svc/contents/.pinwheel/refresh-plan.md",
		"POST /repos/acme/svc/pulls",
		"POST /repos/acme/svc/issues/42/labels",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("GitHub requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if calls[1].body["sha"] != "base1" {
		t.Errorf("branch from %v", calls[1].body)
	}
	content, _ := base64.StdEncoding.DecodeString(calls[3].body["content"].(string))
	if calls[3].body["branch"] != branch || !strings.Contains(string(content), "requests") || !strings.Contains(string(content), "uv lock --upgrade-package requests==2.32.3") {
		t.Errorf("commit %v\n%s", calls[3].body, content)
	}
	pr := calls[4].body
	if pr["head"] != branch || pr["base"] != "main" || pr["title"] != "Lock refresh: requests 2.31.0 → 2.32.3" || !strings.Contains(pr["body"].(string), "[Changelog](https://requests.example/history)") {
		t.Errorf("pull request %v", pr)
	}
	if body := pr["body"].(string); strings.Contains(body, dir) || !strings.Contains(body, "`uv.lock` (uv.lock, Python 3.11)") || !strings.Contains(body, "run in `.` and push") {
		t.Errorf("the body names this machine's paths, not the repository's:\n%s", body)
	}
	labels, _ := json.Marshal(calls[5].body["labels"])
	if string(labels) != `["dependencies","risk:medium","minor","new-dependency"]` {
		t.Errorf("labels %s", labels)
	}
}

func TestRefreshOpenPRNeedsRepoAndToken(t *testing.T) {
	dir, _, _ := refreshProject(t, "")
	_, errOut, code := runCLI(t, "refresh", dir, "--now", "--open-pr")
	if code != 2 || !strings.Contains(errOut, "--open-pr needs --repo owner/name") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	t.Setenv("GITHUB_TOKEN", "")
	t.Setenv("PATH", t.TempDir())
	_, errOut, code = runCLI(t, "refresh", dir, "--now", "--open-pr", "--repo", "acme/svc", "--github-api", "http://127.0.0.1:1")
	if code != 2 || !strings.Contains(errOut, "no GitHub token: set GITHUB_TOKEN") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// fakeGitHubRecorder answers like GitHub and records each request's
// method, path and JSON body.
type ghCall struct {
	method, path string
	body         map[string]any
}

func fakeGitHubRecorder(t *testing.T, token string) (*httptest.Server, *[]ghCall) {
	t.Helper()
	var calls []ghCall
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			t.Errorf("%s %s: Authorization %q", r.Method, r.URL, r.Header.Get("Authorization"))
		}
		var body map[string]any
		if data, _ := io.ReadAll(r.Body); len(data) > 0 {
			json.Unmarshal(data, &body)
		}
		calls = append(calls, ghCall{r.Method, r.URL.RequestURI(), body})
		switch {
		case r.Method == "GET" && r.URL.Path == "/repos/acme/svc":
			io.WriteString(w, `{"default_branch":"main"}`)
		case r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/git/ref/heads/main"):
			io.WriteString(w, `{"object":{"sha":"base1"}}`)
		case r.Method == "GET" && r.URL.Path == "/repos/acme/svc/contents/uv.lock":
			io.WriteString(w, `{"sha":"oldblob"}`)
		case r.Method == "GET":
			w.WriteHeader(404)
			io.WriteString(w, `{"message":"Not Found"}`)
		case r.URL.Path == "/repos/acme/svc/pulls":
			w.WriteHeader(201)
			io.WriteString(w, `{"number":5,"html_url":"https://github.example/acme/svc/pull/5"}`)
		default:
			w.WriteHeader(201)
			io.WriteString(w, `{}`)
		}
	}))
	t.Cleanup(gh.Close)
	return gh, &calls
}

// fakeUV puts a stand-in for uv on PATH (no lock tool is installed here):
// it appends its arguments to uv.lock, or fails with exit 1.
func fakeUV(t *testing.T, fail bool) {
	t.Helper()
	bin := t.TempDir()
	script := "#!/bin/sh\necho \"# relocked: $*\" >> uv.lock\necho Resolved 3 packages\n"
	if fail {
		script = "#!/bin/sh\necho 'error: no solution found' >&2\nexit 1\n"
	}
	if err := os.WriteFile(filepath.Join(bin, "uv"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
}

// With uv installed, --open-pr re-locks and commits the re-locked uv.lock
// over the base branch's (the blob sha it read), not the plan.
func TestRefreshOpenPRCommitsTheRelockedLock(t *testing.T) {
	fakeUV(t, false)
	t.Setenv("GITHUB_TOKEN", "tok")
	dir, _, _ := refreshProject(t, "")
	gh, calls := fakeGitHubRecorder(t, "tok")
	out, errOut, code := runCLI(t, "refresh", dir, "--now", "--open-pr", "--repo", "acme/svc", "--github-api", gh.URL)
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	lockNow, _ := os.ReadFile(filepath.Join(dir, "uv.lock"))
	if !strings.HasSuffix(string(lockNow), "# relocked: lock --upgrade-package requests==2.32.3\n") {
		t.Fatalf("uv was not run as expected; uv.lock ends:\n%s", lockNow)
	}
	if !strings.Contains(out, "re-locked with uv: uv lock --upgrade-package requests==2.32.3") {
		t.Errorf("stdout %s", out)
	}
	var put *ghCall
	for i, c := range *calls {
		if c.method == "PUT" {
			put = &(*calls)[i]
		}
	}
	if put == nil || put.path != "/repos/acme/svc/contents/uv.lock" || put.body["sha"] != "oldblob" {
		t.Fatalf("commit %+v", put)
	}
	content, _ := base64.StdEncoding.DecodeString(put.body["content"].(string))
	if string(content) != string(lockNow) {
		t.Errorf("committed %q, want the re-locked file", content)
	}
	for _, c := range *calls {
		if c.method == "POST" && c.path == "/repos/acme/svc/pulls" && !strings.Contains(c.body["body"].(string), "Re-locked with `uv`") {
			t.Errorf("body %s", c.body["body"])
		}
	}
}

// A lock tool that fails: the pull request carries the plan and says why,
// and the command exits 2.
func TestRefreshRelockFailureIsReportedAndExit2(t *testing.T) {
	fakeUV(t, true)
	t.Setenv("GITHUB_TOKEN", "tok")
	dir, _, _ := refreshProject(t, "")
	gh, calls := fakeGitHubRecorder(t, "tok")
	out, errOut, code := runCLI(t, "refresh", dir, "--now", "--open-pr", "--repo", "acme/svc", "--github-api", gh.URL)
	if code != 2 || !strings.Contains(errOut, "re-lock failed: uv lock --upgrade-package requests==2.32.3: exit status 1") ||
		!strings.Contains(out, "re-lock FAILED") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	var committed, body string
	for _, c := range *calls {
		if c.method == "PUT" {
			committed = c.path
		}
		if c.method == "POST" && c.path == "/repos/acme/svc/pulls" {
			body = c.body["body"].(string)
		}
	}
	if committed != "/repos/acme/svc/contents/.pinwheel/refresh-plan.md" || !strings.Contains(body, "**Re-lock failed:** exit status 1") || !strings.Contains(body, "error: no solution found") {
		t.Errorf("committed %s, body:\n%s", committed, body)
	}
}
