package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `pinwheel check` on a project built without a Dockerfile names every
// secret it finds — in files, in pinwheel.yaml's env:, in app.include — and
// no output format repeats a secret value.
func TestCheckReportsSecretsWithoutTheirValues(t *testing.T) {
	const (
		awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
		awsKeyID  = "AKIAIOSFODNN7EXAMPLE"
		password  = "hunter2-not-here"
	)
	dir := t.TempDir()
	for rel, body := range map[string]string{
		"pinwheel.yaml":    "service: app\nbase: oci:base\napp:\n  include: [\"app/**\", \".env\"]\nentrypoint: [\"python\", \"-m\", \"app\"]\nenv:\n  CLOUD: \"" + awsKeyID + "\"\n  DB_PASSWORD: " + password + "\n",
		"requirements.txt": "flask==3.0.3 --hash=sha256:" + strings.Repeat("a", 64) + "\n",
		".env":             "AWS_SECRET_ACCESS_KEY=" + awsSecret + "\n",
		"app/settings.py":  "AWS_SECRET_ACCESS_KEY = \"" + awsSecret + "\"\n",
		"app/__main__.py":  "print('hi')\n",
	} {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o600)
	}
	for _, format := range []string{"text", "json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, "check", dir, "-o", format)
			if code != ExitNo {
				t.Fatalf("exit %d, want 1; stderr %s", code, stderr)
			}
			for _, want := range []string{"PW403", "PW404", "PW405", "PW406", "use secretEnv: DB_PASSWORD: {fromEnv: …}", "CLOUD", "DB_PASSWORD", "app/settings.py"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("%s output lacks %s", format, want)
				}
			}
			for _, secret := range []string{awsSecret, awsKeyID, password} {
				if strings.Contains(stdout+stderr, secret) {
					t.Errorf("%s output repeats a secret value", format)
				}
			}
		})
	}
}

// `pinwheel build` of a project whose app file holds a credential exits 2
// naming the layer and path, writes no output and records the failed build
// in the ledger without the value; the same project minus that file builds,
// and no file it writes in plain text (ledger, provenance, SBOM, index)
// holds the value (layers are read uncompressed in internal/build's tests).
func TestBuildRefusesSecretsEndToEnd(t *testing.T) {
	const awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	dir := copyHello(t)
	os.WriteFile(filepath.Join(dir, ".env"), []byte("AWS_SECRET_ACCESS_KEY="+awsSecret+"\n"), 0o600)
	settings := filepath.Join(dir, "hello", "settings.py")
	os.WriteFile(settings, []byte("AWS_SECRET_ACCESS_KEY = \""+awsSecret+"\"\n"), 0o644)
	outDir := t.TempDir()
	out := filepath.Join(outDir, "img")
	ledgerFile := filepath.Join(outDir, "ledger.db")
	code, stdout, stderr := runPinwheel(t, "build", dir, "--output", "oci:"+out, "--cache-dir", t.TempDir(), "--ledger", ledgerFile)
	if code != ExitUsage || !strings.Contains(stderr, "the app layer would hold /app/hello/settings.py: an AWS secret access key") {
		t.Fatalf("exit %d, stderr %q; want 2 naming the layer and path", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a refused build wrote its output")
	}
	os.Remove(settings)
	if code, _, stderr = runPinwheel(t, "build", dir, "--output", "oci:"+out, "--cache-dir", t.TempDir(), "--ledger", ledgerFile); code != 0 {
		t.Fatalf("build without the settings file: exit %d: %s", code, stderr)
	}
	err := filepath.WalkDir(outDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		if strings.Contains(string(b), awsSecret) {
			t.Errorf("%s holds the secret value", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stdout+stderr, awsSecret) {
		t.Error("the build's output repeats the secret")
	}
}
