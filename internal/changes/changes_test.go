package changes_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/lock"
)

func pkg(name, version, sha string) lock.Package {
	return lock.Package{Name: name, Version: version, Source: lock.Source{Kind: lock.SourceRegistry, URL: "https://pypi.org/simple"},
		Artifacts: []lock.Artifact{{Kind: lock.ArtifactWheel, Name: name + "-" + version + "-py3-none-any.whl", Hashes: map[string]string{"sha256": sha}}}}
}

func releases() (changes.Facts, changes.Facts) {
	old := changes.Facts{ID: "shop-1", Service: "shop",
		Info:   attest.BuildInfo{Service: "shop", ImageDigest: "sha256:aaa", LockHash: "sha256:l1", PythonVersion: "3.11", GitCommit: "1111111111111111", Version: "v1"},
		Lock:   &lock.Lock{Format: lock.FormatUV, Packages: []lock.Package{pkg("flask", "3.0.2", "01"), pkg("idna", "3.6", "02")}},
		Config: json.RawMessage(`{"env":{"SHOP_FAULT":""},"rollout":{"steps":[{"setWeight":20}]}}`)}
	new := changes.Facts{ID: "shop-2", Service: "shop",
		Info:   attest.BuildInfo{Service: "shop", ImageDigest: "sha256:bbb", LockHash: "sha256:l2", PythonVersion: "3.11", GitCommit: "2222222222222222", Version: "v2"},
		Lock:   &lock.Lock{Format: lock.FormatUV, Packages: []lock.Package{pkg("flask", "3.1.0", "03"), pkg("idna", "3.6", "09")}},
		Config: json.RawMessage(`{"env":{"SHOP_FAULT":"errors"},"rollout":{"steps":[{"setWeight":20}]}}`)}
	return old, new
}

func TestCompareFindsEveryKindOfChange(t *testing.T) {
	old, new := releases()
	var gitArgs []string
	d := changes.Compare(old, new, changes.Options{GitLog: func(a, b string) ([]string, error) {
		gitArgs = []string{a, b}
		return []string{"2222222 inject fault"}, nil
	}})
	if d.ImageDigest == nil || d.ImageDigest.New != "sha256:bbb" {
		t.Errorf("image digest change missing: %+v", d.ImageDigest)
	}
	if d.LockHash == nil || d.Python != nil {
		t.Errorf("lock hash change %+v, python change %+v (python did not change)", d.LockHash, d.Python)
	}
	if d.GitRange != "111111111111..222222222222" || len(d.Commits) != 1 || gitArgs[0] != old.Info.GitCommit {
		t.Errorf("git range %q commits %v args %v", d.GitRange, d.Commits, gitArgs)
	}
	if len(d.Config) != 1 || d.Config[0].Field != "env.SHOP_FAULT" || d.Config[0].New != "errors" {
		t.Errorf("config changes = %+v", d.Config)
	}
	if d.Lock == nil || d.Lock.Summary.Upgraded != 1 || d.Lock.Summary.Suspicious != 1 {
		t.Fatalf("lock changes = %+v", d.Lock)
	}
	var text bytes.Buffer
	if err := changes.Write(&text, d, "text"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"what changed: shop-1 → shop-2", "imageDigest", "sha256:aaa → sha256:bbb", "env.SHOP_FAULT: (none) → errors", "flask", "3.0.2", "3.1.0", "SUSPICIOUS", "2222222 inject fault"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
	var md bytes.Buffer
	if err := changes.Write(&md, d, "markdown"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"### What changed: `shop-1` → `shop-2`", "| imageDigest | `sha256:aaa` | `sha256:bbb` |", "| `env.SHOP_FAULT` |", "**Dependencies**"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown report lacks %q:\n%s", want, md.String())
		}
	}
}

func TestCompareSameReleaseIsUnchanged(t *testing.T) {
	old, _ := releases()
	d := changes.Compare(old, old, changes.Options{})
	if !d.Unchanged() {
		t.Fatalf("a release compared with itself changed: %+v", d)
	}
	var b bytes.Buffer
	changes.Write(&b, d, "text")
	if !strings.Contains(b.String(), "nothing: same image") {
		t.Fatalf("unchanged text: %s", b.String())
	}
	if err := changes.Write(io.Discard, d, "yaml"); err == nil {
		t.Fatal("unknown format accepted")
	}
}

func bigLock(n int, bump int) *lock.Lock {
	l := &lock.Lock{Format: lock.FormatPylock}
	for i := 0; i < n; i++ {
		v := fmt.Sprintf("1.%d.0", i%17)
		if i%bump == 0 {
			v = fmt.Sprintf("1.%d.1", i%17)
		}
		l.Packages = append(l.Packages, pkg(fmt.Sprintf("package-%04d", i), v, fmt.Sprintf("%064x", i)))
	}
	return l
}

// BenchmarkDiffReleases500 is `pinwheel diff A B` minus process start: two
// releases with 500-package lock snapshots read from the SQLite ledger,
// compared and rendered.
func BenchmarkDiffReleases500(b *testing.B) {
	ctx := context.Background()
	s, err := ledgerdb.Open(ctx, filepath.Join(b.TempDir(), "l.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	a, _ := s.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "svc", Lock: bigLock(500, 1000), Info: attest.BuildInfo{Service: "svc", ImageDigest: "sha256:a"}}})
	c, _ := s.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: "svc", Lock: bigLock(500, 7), Info: attest.BuildInfo{Service: "svc", ImageDigest: "sha256:c"}}})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ra, err := s.GetRelease(ctx, "svc", a.ID)
		if err != nil {
			b.Fatal(err)
		}
		rc, err := s.GetRelease(ctx, "svc", c.ID)
		if err != nil {
			b.Fatal(err)
		}
		d := changes.Compare(ra.Facts, rc.Facts, changes.Options{})
		if d.Lock == nil || d.Lock.Summary.Upgraded == 0 {
			b.Fatal("no lock changes found")
		}
		if err := changes.Write(io.Discard, d, "text"); err != nil {
			b.Fatal(err)
		}
	}
}
