package gate

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	intoto "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
)

func openLedger(t *testing.T) ledger.Store {
	t.Helper()
	store, err := ledgerdb.Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// A report recorded in the ledger reads back whole, newest first, and
// decides what Admit answers for its digest.
func TestRecordedResultsDecideAdmission(t *testing.T) {
	ctx := context.Background()
	store := openLedger(t)
	doc := "service: hello\ngates:\n  - name: no-critical\n    expr: 'vulns.all(v, v.severity != \"CRITICAL\")'\n  - name: lock-pinned\n    expr: 'lock.packages.all(p, size(p.hashes) > 0)'\n"
	gs := gatesOf(t, doc)
	f := facts()
	digest := f.Build.ImageDigest
	var re *RefusedError
	if err := Admit(ctx, store, digest, gs); !errors.As(err, &re) || !strings.Contains(err.Error(), "its gates never ran") {
		t.Fatalf("no results: %v", err)
	}
	at := time.Date(2026, 12, 7, 23, 0, 0, 0, time.UTC)
	failed, err := Run(ctx, Options{Gates: gs, Facts: f, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	if err := Record(ctx, store, failed); err != nil {
		t.Fatal(err)
	}
	err = Admit(ctx, store, digest, gs)
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "failed its gates at 2026-12-07T23:00:00Z: no-critical (evaluated to false)") {
		t.Fatalf("failed gates: %v", err)
	}
	if strings.Contains(err.Error(), "lock-pinned") {
		t.Fatalf("a passed gate is named as failed: %v", err)
	}
	// Another image's results say nothing about this one.
	other := f
	other.Build.ImageDigest = "sha256:" + strings.Repeat("c", 64)
	other.Vulns = nil
	passedOther, _ := Run(ctx, Options{Gates: gs, Facts: other})
	if err := Record(ctx, store, passedOther); err != nil {
		t.Fatal(err)
	}
	if err := Admit(ctx, store, digest, gs); !errors.As(err, &re) {
		t.Fatalf("another digest's pass admitted this one: %v", err)
	}
	if err := Admit(ctx, store, other.Build.ImageDigest, gs); err != nil {
		t.Fatalf("passed gates refused: %v", err)
	}
	// The newest run counts: fixed (the advisory is gone), the image passes.
	f.Vulns = nil
	passed, _ := Run(ctx, Options{Gates: gs, Facts: f, Now: func() time.Time { return at.Add(time.Hour) }})
	if err := Record(ctx, store, passed); err != nil {
		t.Fatal(err)
	}
	if err := Admit(ctx, store, digest, gs); err != nil {
		t.Fatalf("newest run passed, still refused: %v", err)
	}
	back, err := Latest(ctx, store, digest)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Passed || back.ImageDigest != digest || back.Service != "hello" || len(back.Gates) != 2 || !back.At.Equal(at.Add(time.Hour)) || back.Gates[0].Reason != "true" {
		t.Fatalf("read back %+v", back)
	}
	// A gate added to pinwheel.yaml since never ran for the image.
	more := gatesOf(t, doc+"  - name: tests\n    run: [python3, -m, unittest]\n")
	if err := Admit(ctx, store, digest, more); !errors.As(err, &re) || !strings.Contains(err.Error(), "has no result for gate tests") {
		t.Fatalf("new gate: %v", err)
	}
}

func TestStatementIsAnInTotoStatementAboutTheImage(t *testing.T) {
	rep, err := Run(context.Background(), Options{Gates: gatesOf(t, "service: hello\ngates:\n  - {name: a, expr: 'true'}\n"), Facts: facts(),
		Now: func() time.Time { return time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Statement("registry.example/hello", rep)
	if err != nil {
		t.Fatal(err)
	}
	var st intoto.Statement
	if err := protojson.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	if err := st.Validate(); err != nil {
		t.Fatal(err)
	}
	if st.PredicateType != PredicateType || st.Subject[0].Name != "registry.example/hello" || st.Subject[0].Digest["sha256"] != strings.Repeat("b", 64) {
		t.Fatalf("statement %s", b)
	}
	var pred Report
	raw, _ := st.Predicate.MarshalJSON()
	if err := json.Unmarshal(raw, &pred); err != nil || !pred.Passed || pred.Gates[0].Name != "a" {
		t.Fatalf("predicate %s: %v", raw, err)
	}
	again, _ := Statement("registry.example/hello", rep)
	if string(again) != string(b) {
		t.Fatal("the same report gave different statement bytes")
	}
	if _, err := Statement("x", Report{ImageDigest: "md5:00"}); err == nil {
		t.Fatal("a non-sha256 subject was accepted")
	}
}

func TestReadVulns(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "vulns.json")
	os.WriteFile(good, []byte(`[{"id": "GHSA-jjg7-2v4v-x38h", "package": "idna", "version": "3.6", "severity": "critical"}]`), 0o644)
	vs, err := ReadVulns(good)
	if err != nil || len(vs) != 1 || vs[0].Severity != "CRITICAL" || vs[0].Aliases == nil || vs[0].Fixed == nil {
		t.Fatalf("ReadVulns = %+v, %v", vs, err)
	}
	for name, body := range map[string]string{
		"syntax":     "[\n  {\"id\": \"A\", \"package\": \"b\"},\n  {\"id\": }\n]",
		"type":       "[\n  {\"id\": \"A\",\n   \"package\": 3}\n]",
		"no_package": "[{\"id\": \"A\"}]",
	} {
		p := filepath.Join(dir, name+".json")
		os.WriteFile(p, []byte(body), 0o644)
		_, err := ReadVulns(p)
		want := map[string]string{"syntax": p + ":3:", "type": p + ":3:", "no_package": "entry 0: expected id and package"}[name]
		if !inputerr.Is(err) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want an input error with %q", name, err, want)
		}
	}
}
