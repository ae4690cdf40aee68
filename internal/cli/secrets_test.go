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
			for _, want := range []string{"PW403", "PW404", "PW405", "PW406", "CLOUD", "DB_PASSWORD", "app/settings.py"} {
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
