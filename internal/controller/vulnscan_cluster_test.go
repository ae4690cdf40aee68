package controller

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/imagepkgs"
	"pinwheel.dev/pinwheel/internal/kubetest"
	"pinwheel.dev/pinwheel/internal/lock"
	"pinwheel.dev/pinwheel/internal/notify"
	"pinwheel.dev/pinwheel/internal/publish"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/vuln"
)

// issueServer is GitHub's issues API as the tracker uses it, counting the
// issues opened and comments added, and checking the token.
type issueServer struct {
	t        *testing.T
	mu       sync.Mutex
	opened   []map[string]any
	comments int
}

func (s *issueServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer tok" || !strings.HasPrefix(r.URL.Path, "/repos/acme/shop/issues") {
		s.t.Errorf("unexpected request %s %s", r.Method, r.URL)
	}
	switch {
	case r.Method == http.MethodGet:
		json.NewEncoder(w).Encode(s.opened)
	case strings.HasSuffix(r.URL.Path, "/comments"):
		s.comments++
		io.WriteString(w, `{"html_url": "https://github.test/acme/shop/issues/1#c"}`)
	default:
		var in map[string]any
		json.NewDecoder(r.Body).Decode(&in)
		in["number"], in["html_url"] = len(s.opened)+1, "https://github.test/acme/shop/issues/1"
		s.opened = append(s.opened, in)
		json.NewEncoder(w).Encode(in)
	}
}

func (s *issueServer) counts() (int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.opened), s.comments
}

// TestClusterVulnScanReportsANewAdvisoryOnce: a Release runs an image (in
// a registry, with pinwheel's SBOM attached: requests 2.30.0); the
// advisory database is refreshed with GHSA-j8r2-6x86-q33q → exactly one
// webhook notification carrying the release's build metadata and one
// issue; the passes after it → nothing more.
func TestClusterVulnScanReportsANewAdvisoryOnce(t *testing.T) {
	reg := httptest.NewServer(registry.New(registry.WithReferrersSupport(true), registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(reg.Close)
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	l, err := lock.Parse("requirements.txt", lock.FormatRequirements, []byte("requests==2.30.0 \\\n    --hash=sha256:10e94cc4f3121ee6da529d358cdaeaff2f1c409cd377dbc72b825852f2f7e294\n"))
	if err != nil {
		t.Fatal(err)
	}
	sbom, err := attest.CycloneDX(l, attest.Subject{Name: "shop", ImageDigest: d.String()})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := publish.New(strings.TrimPrefix(reg.URL, "http://") + "/shop:v2")
	if err != nil {
		t.Fatal(err)
	}
	res, err := pub.Publish(context.Background(), publish.Artifact{Image: img,
		Attachments: []publish.Attachment{{Kind: "sbom", ArtifactType: imagepkgs.SBOMArtifactType, Data: sbom}}})
	if err != nil {
		t.Fatal(err)
	}

	db := t.TempDir()
	testdata := filepath.Join("..", "vuln", "testdata", "osv")
	copyInto := func(src string) {
		data, err := os.ReadFile(filepath.Join(testdata, src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(db, filepath.Base(src)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyInto("pypa/jinja2/PYSEC-2021-66.yaml")
	var passes atomic.Int64

	issues := &issueServer{t: t}
	gh := httptest.NewServer(issues)
	t.Cleanup(gh.Close)
	tracker, err := notify.NewGitHub("acme/shop", "tok", notify.WithBaseURL(gh.URL), notify.WithGitHubClient(gh.Client()))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var events []notify.Event
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev notify.Event
		json.NewDecoder(r.Body).Decode(&ev)
		if ev.Type != notify.VulnerabilityFound {
			return // the rollout's own events
		}
		mu.Lock()
		events = append(events, ev)
		mu.Unlock()
	}))
	t.Cleanup(hook.Close)
	webhook, err := notify.NewWebhook(hook.URL)
	if err != nil {
		t.Fatal(err)
	}

	e := clusterEnv(t, 1)
	startController(t, e, Options{Notifier: webhook, Tracker: tracker, VulnScan: &VulnScan{
		Interval:  200 * time.Millisecond,
		StateFile: filepath.Join(t.TempDir(), "vulnscan.json"),
		Source: func(context.Context) (vuln.Source, error) {
			passes.Add(1)
			return vuln.Load(db)
		},
	}})
	rel := newRelease(e.Namespace, "shop-v2", res.Ref, weight(50))
	if err := e.Client.Create(context.Background(), rel); err != nil {
		t.Fatal(err)
	}
	waitPhase(t, e, rel.Name, rollout.Promoted)
	// Passes over the running release with no advisory for requests yet.
	seen := passes.Load()
	kubetest.Eventually(t, "two scans of the running release", func() (bool, string) { return passes.Load() >= seen+2, "" })
	if n, _ := issues.counts(); n != 0 {
		t.Fatalf("%d issues before any advisory matched", n)
	}

	copyInto("ghsa/GHSA-j8r2-6x86-q33q.json") // the database is refreshed
	kubetest.Eventually(t, "the issue for the new advisory", func() (bool, string) {
		n, _ := issues.counts()
		return n == 1, ""
	})
	seen = passes.Load()
	kubetest.Eventually(t, "three more scans", func() (bool, string) { return passes.Load() >= seen+3, "" })
	opened, comments := issues.counts()
	mu.Lock()
	defer mu.Unlock()
	if opened != 1 || comments != 0 || len(events) != 1 {
		t.Fatalf("%d issues, %d comments, %d notifications; want 1, 0, 1", opened, comments, len(events))
	}
	ev := events[0]
	if ev.Type != notify.VulnerabilityFound || ev.Release.ID != e.Namespace+"/shop-v2" || ev.Release.Build.GitCommit != "c0ffee-shop-v2" ||
		!strings.Contains(ev.Reason, "GHSA-j8r2-6x86-q33q (requests 2.30.0, MEDIUM)") {
		t.Errorf("notification = %+v", ev)
	}
	if title := issues.opened[0]["title"].(string); !strings.Contains(title, "shop-v2") || !strings.Contains(title, d.String()[:19]) {
		t.Errorf("issue title %q does not name the release and digest", title)
	}
}
