package localindex

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/wheel/wheeltest"
)

func serve(t *testing.T, dir string, opts ...Option) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(New(dir, opts...))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url, accept string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestNegotiation(t *testing.T) {
	dir := t.TempDir()
	wheeltest.Write(t, dir, wheeltest.Wheel{Name: "Demo.Pkg", Version: "1.0", Files: map[string]string{"demo_pkg.py": ""}})
	srv := serve(t, dir)
	tests := []struct {
		name, path, accept, wantType string
		wantStatus                   int
	}{
		{"json", "/simple/demo-pkg/", "application/vnd.pypi.simple.v1+json", typeJSON, 200},
		{"latest_json", "/simple/demo-pkg/", "application/vnd.pypi.simple.latest+json", typeJSON, 200},
		{"html_v1", "/simple/demo-pkg/", "application/vnd.pypi.simple.v1+html", typeHTML, 200},
		{"no_accept", "/simple/demo-pkg/", "", typeLegacyHTML, 200},
		{"quality_prefers_html", "/simple/demo-pkg/", "application/vnd.pypi.simple.v1+json;q=0.1, text/html", typeLegacyHTML, 200},
		{"unacceptable", "/simple/demo-pkg/", "application/xml", "", 406},
		{"redirect_to_normalised", "/simple/Demo.Pkg/", "", typeLegacyHTML, 200},
		{"unknown_project", "/simple/nope/", "", "", 404},
		{"root_json", "/simple/", "application/vnd.pypi.simple.v1+json", typeJSON, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := get(t, srv.URL+tt.path, tt.accept)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if tt.wantType != "" && resp.Header.Get("Content-Type") != tt.wantType {
				t.Errorf("Content-Type %q, want %q", resp.Header.Get("Content-Type"), tt.wantType)
			}
		})
	}
}

func TestProjectJSONAndMetadata(t *testing.T) {
	dir := t.TempDir()
	p := wheeltest.Write(t, dir, wheeltest.Wheel{Name: "demo", Version: "1.0", RequiresPython: ">=3.9", Files: map[string]string{"demo.py": ""}})
	if err := os.WriteFile(p+".yanked", []byte("bad release\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := serve(t, dir)
	_, body := get(t, srv.URL+"/simple/demo/", typeJSON)
	var doc struct {
		Files []struct {
			Filename       string            `json:"filename"`
			URL            string            `json:"url"`
			Hashes         map[string]string `json:"hashes"`
			RequiresPython string            `json:"requires-python"`
			Yanked         any               `json:"yanked"`
			CoreMetadata   map[string]string `json:"core-metadata"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	f := doc.Files[0]
	if f.Hashes["sha256"] != wheeltest.SHA256(t, p) || f.RequiresPython != ">=3.9" || f.Yanked != "bad release" || f.CoreMetadata["sha256"] == "" {
		t.Errorf("file entry %+v", f)
	}
	resp, meta := get(t, srv.URL+"/files/"+filepath.Base(p)+".metadata", "")
	if resp.StatusCode != 200 || !strings.Contains(meta, "Requires-Python: >=3.9") {
		t.Errorf("metadata %d %q", resp.StatusCode, meta)
	}
	if resp, _ := get(t, srv.URL+"/files/..%2f..%2fetc%2fpasswd", ""); resp.StatusCode != 404 {
		t.Errorf("traversal got %d", resp.StatusCode)
	}
}

// TestRealPipUsesIndex points the machine's pip at the server: a real
// client of both the HTML (pip 23 asks for JSON too) and file routes.
func TestRealPipUsesIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("runs pip")
	}
	py := wheeltest.Python(t)
	bundled := wheeltest.BundledWheels(t)
	srv := serve(t, filepath.Dir(bundled["pip"]), WithBasicAuth("u", "p"))
	dest := t.TempDir()
	index := strings.Replace(srv.URL, "http://", "http://u:p@", 1) + "/simple/"
	cmd := exec.Command(py, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "--no-cache-dir",
		"--index-url", index, "--dest", dest, "setuptools")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pip download: %v\n%s", err, out)
	}
	got, _ := filepath.Glob(filepath.Join(dest, "setuptools-*.whl"))
	if len(got) != 1 || wheeltest.SHA256(t, got[0]) != wheeltest.SHA256(t, bundled["setuptools"]) {
		t.Errorf("pip downloaded %v\n%s", got, out)
	}
}
