package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sbomTestRequirements = `flask==3.0.3 \
    --hash=sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    # via -r requirements.in
werkzeug==3.0.4 \
    --hash=sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
    # via flask
`

func sbomProject(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "billing")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte(sbomTestRequirements), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func runPinwheel(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Execute(context.Background(), Streams{In: strings.NewReader(""), Out: &out, Err: &errb}, args)
	return code, out.String(), errb.String()
}

func TestSBOMCommand(t *testing.T) {
	dir := sbomProject(t)
	cases := []struct {
		name     string
		args     []string
		epoch    string
		wantCode int
		want     []string // substrings of stdout (exit 0) or stderr
	}{
		{"cyclonedx_default", []string{"sbom", dir}, "", 0, []string{`"specVersion": "1.6"`, `"purl": "pkg:pypi/flask@3.0.3"`, `"name": "billing"`}},
		{"spdx", []string{"sbom", dir, "-o", "spdx"}, "", 0, []string{`"spdxVersion": "SPDX-2.3"`, `"created": "1970-01-01T00:00:00Z"`, "pkg:pypi/werkzeug@3.0.4"}},
		{"source_date_epoch", []string{"sbom", dir}, "1700000000", 0, []string{`"timestamp": "2023-11-14T22:13:20Z"`}},
		{"name_flag", []string{"sbom", dir, "--name", "billing-api", "--version", "2.0.0"}, "", 0, []string{`"name": "billing-api"`, `"version": "2.0.0"`}},
		{"no_dev", []string{"sbom", dir, "--no-dev"}, "", 0, []string{"pkg:pypi/flask@3.0.3"}},
		{"lockfile_path", []string{"sbom", filepath.Join(dir, "requirements.txt")}, "", 0, []string{"pkg:pypi/werkzeug@3.0.4"}},
		{"bad_format", []string{"sbom", dir, "-o", "xml"}, "", 2, []string{`unknown SBOM format "xml"`}},
		{"image", []string{"sbom", dir, "--image-ref", "registry.example/billing:1", "--image-digest", "sha256:" + strings.Repeat("c", 64)}, "", 0, []string{`"type": "container"`, "pkg:oci/billing@sha256:"}},
		{"image_ref_alone", []string{"sbom", dir, "--image-ref", "registry.example/billing"}, "", 2, []string{"--image-digest"}},
		{"bad_epoch", []string{"sbom", dir}, "soon", 2, []string{"SOURCE_DATE_EPOCH"}},
		{"no_lockfile", []string{"sbom", t.TempDir()}, "", 2, []string{"no lockfile found"}},
		{"missing_path", []string{"sbom", filepath.Join(dir, "nope")}, "", 2, []string{"nope"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("SOURCE_DATE_EPOCH", tc.epoch)
			code, stdout, stderr := runPinwheel(t, tc.args...)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d\nstderr: %s", code, tc.wantCode, stderr)
			}
			got := stdout
			if tc.wantCode != 0 {
				got = stderr
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
			if tc.wantCode == 0 && !json.Valid([]byte(stdout)) {
				t.Error("stdout is not JSON")
			}
		})
	}
}

func TestSBOMCommandIsReproducible(t *testing.T) {
	dir := sbomProject(t)
	t.Setenv("SOURCE_DATE_EPOCH", "")
	for _, format := range []string{"cyclonedx", "spdx"} {
		t.Run(format, func(t *testing.T) {
			_, a, _ := runPinwheel(t, "sbom", dir, "-o", format)
			_, b, _ := runPinwheel(t, "sbom", dir, "-o", format)
			if a == "" || a != b {
				t.Fatal("two runs on the same lock gave different output")
			}
		})
	}
}

func TestSBOMCommandOutputFile(t *testing.T) {
	dir := sbomProject(t)
	outDir := t.TempDir()
	target := filepath.Join(outDir, "sbom.cdx.json")
	code, stdout, stderr := runPinwheel(t, "sbom", dir, "--output-file", target)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout should be empty with --output-file, got %q", stdout)
	}
	data, err := os.ReadFile(target)
	if err != nil || !json.Valid(data) || !bytes.Contains(data, []byte("pkg:pypi/flask@3.0.3")) {
		t.Fatalf("output file wrong (err %v):\n%s", err, data)
	}
	entries, _ := os.ReadDir(outDir)
	if len(entries) != 1 {
		t.Errorf("output dir holds %d entries, want only the SBOM (temp file left behind?)", len(entries))
	}

	// A failed run leaves an existing file untouched.
	code, _, _ = runPinwheel(t, "sbom", t.TempDir(), "--output-file", target)
	if code != 2 {
		t.Fatalf("exit %d, want 2 for a directory without a lockfile", code)
	}
	again, _ := os.ReadFile(target)
	if !bytes.Equal(again, data) {
		t.Error("failed run changed the existing output file")
	}
}
