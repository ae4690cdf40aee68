package attest

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/lock"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

type sbomCase struct {
	name    string
	lock    *lock.Lock
	subject Subject
	opts    []SBOMOption
}

func sbomCases() []sbomCase {
	image := Subject{Name: "shop", Version: "1.2.0", ImageRef: "registry.example:5000/team/shop:1.2.0",
		ImageDigest: "sha256:" + hexOf("image", 64)}
	return []sbomCase{
		{name: "kitchen_sink", lock: kitchenSinkLock()},
		{name: "kitchen_sink_image", lock: kitchenSinkLock(), subject: image,
			opts: []SBOMOption{WithCreated(time.Unix(1700000000, 0)), WithTool("pinwheel", "v0.1.0")}},
		{name: "requirements", lock: requirementsLock(), subject: Subject{Name: "svc"}},
		{name: "odd", lock: oddLock()},
		{name: "odd_image", lock: oddLock(), subject: Subject{ImageRef: "Registry.Example/Team/Svc@sha256:abc", ImageDigest: "latest"}},
		{name: "empty", lock: &lock.Lock{}},
		{name: "nil_lock", lock: nil, subject: Subject{Name: "nothing"}},
	}
}

type sbomWriter struct {
	name, ext, schema string
	write             func(*lock.Lock, Subject, ...SBOMOption) ([]byte, error)
}

var sbomWriters = []sbomWriter{
	{"cyclonedx", ".cdx.json", cycloneDXSchemaID, CycloneDX},
	{"spdx", ".spdx.json", spdxSchemaID, SPDX},
}

// TestSBOMGolden renders every case in both formats, validates each document
// against the official JSON schema and compares it with its golden file.
func TestSBOMGolden(t *testing.T) {
	for _, w := range sbomWriters {
		for _, tc := range sbomCases() {
			t.Run(w.name+"/"+tc.name, func(t *testing.T) {
				got, err := w.write(tc.lock, tc.subject, tc.opts...)
				if err != nil {
					t.Fatal(err)
				}
				validateAgainst(t, w.schema, got)
				compareGolden(t, filepath.Join("testdata", "golden", tc.name+w.ext), got)
			})
		}
	}
}

// compareGolden compares got with the golden file, rewriting it under -update.
func compareGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (rerun with -update and review the diff):\n%s", golden, firstDiff(got, want))
	}
}

func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + itoaTest(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return ""
}

func itoaTest(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestSBOMDeterministic: the same input gives the same bytes; a different
// creation time or lock gives a different serial number / namespace.
func TestSBOMDeterministic(t *testing.T) {
	for _, w := range sbomWriters {
		t.Run(w.name, func(t *testing.T) {
			a, err := w.write(kitchenSinkLock(), Subject{})
			if err != nil {
				t.Fatal(err)
			}
			b, err := w.write(kitchenSinkLock(), Subject{})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Fatal("two renders of the same lock differ")
			}
			if strings.Contains(string(a), `"timestamp"`) {
				t.Error("CycloneDX without WithCreated carries a timestamp")
			}
			stamped, err := w.write(kitchenSinkLock(), Subject{}, WithCreated(time.Unix(1700000000, 0)))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(stamped), "2023-11-14T22:13:20Z") {
				t.Error("WithCreated time not in the document")
			}
			if id(t, a) == id(t, stamped) {
				t.Error("serial number / namespace did not change with the content")
			}
			other := kitchenSinkLock()
			other.Packages[1].Version = "2.32.4"
			c, err := w.write(other, Subject{})
			if err != nil {
				t.Fatal(err)
			}
			if id(t, a) == id(t, c) {
				t.Error("serial number / namespace did not change with the lock")
			}
		})
	}
}

// id is a document's identity: CycloneDX serialNumber or SPDX documentNamespace.
func id(t *testing.T, doc []byte) string {
	t.Helper()
	var v struct {
		Serial    string `json:"serialNumber"`
		Namespace string `json:"documentNamespace"`
	}
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	if v.Serial+v.Namespace == "" {
		t.Fatal("document has neither serialNumber nor documentNamespace")
	}
	return v.Serial + v.Namespace
}

func TestParseSourceDateEpoch(t *testing.T) {
	cases := []struct {
		name, in string
		want     time.Time
		ok, err  bool
	}{
		{"empty", "", time.Time{}, false, false},
		{"zero", "0", time.Unix(0, 0).UTC(), true, false},
		{"typical", "1700000000", time.Unix(1700000000, 0).UTC(), true, false},
		{"spaces", " 1700000000\n", time.Unix(1700000000, 0).UTC(), true, false},
		{"negative", "-5", time.Time{}, false, true},
		{"not_a_number", "yesterday", time.Time{}, false, true},
		{"fraction", "1.5", time.Time{}, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := ParseSourceDateEpoch(tc.in)
			if (err != nil) != tc.err || ok != tc.ok || !got.Equal(tc.want) {
				t.Fatalf("ParseSourceDateEpoch(%q) = %v, %v, %v", tc.in, got, ok, err)
			}
		})
	}
}

// TestSBOMWithSelection: with a selection the SBOM lists what it selects
// and nothing else: development packages and the edges to them are gone,
// an extra's package only when the extra is asked for.
func TestSBOMWithSelection(t *testing.T) {
	tests := []struct {
		name       string
		want       lock.Want
		gone, kept []string
	}{
		{"production", lock.Want{}, []string{"pytest", "pluggy", "wheelhouse-pkg"}, []string{"pkg:pypi/requests@2.32.3", "pkg:pypi/urllib3@2.2.3"}},
		{"extra", lock.Want{Extras: []string{"extra-fast"}}, []string{"pytest", "pluggy"}, []string{"pkg:pypi/requests@2.32.3", "pkg:pypi/wheelhouse-pkg@0.1"}},
	}
	for _, tc := range tests {
		for _, w := range sbomWriters {
			t.Run(tc.name+"_"+w.name, func(t *testing.T) {
				l := kitchenSinkLock()
				sel, err := lock.Select(l, tc.want)
				if err != nil {
					t.Fatal(err)
				}
				out, err := w.write(l, Subject{}, WithSelection(sel))
				if err != nil {
					t.Fatal(err)
				}
				validateAgainst(t, w.schema, out)
				for _, gone := range tc.gone {
					if strings.Contains(string(out), gone) {
						t.Errorf("unselected package %s still in the SBOM", gone)
					}
				}
				for _, kept := range tc.kept {
					if !strings.Contains(string(out), kept) {
						t.Errorf("selected package %s missing", kept)
					}
				}
			})
		}
	}
}
