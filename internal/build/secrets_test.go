package build_test

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/build"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/publish"
)

const (
	awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	awsKeyID  = "AKIAIOSFODNN7EXAMPLE"
	envSecret = "s3cr3t-value-in-env-9d1f"
)

// Secret-shaped files and VCS/CI folders never reach the app layer, env
// values are recorded only as digests, and nothing the build writes (layers,
// image config, provenance, result) holds a secret value.
func TestBuildKeepsSecretsOut(t *testing.T) {
	dir := copyExample(t, time.Now())
	for rel, body := range map[string]string{
		".env":                     "AWS_SECRET_ACCESS_KEY=" + awsSecret + "\n",
		".env.production":          "AWS_ACCESS_KEY_ID=" + awsKeyID + "\n",
		".env.example":             "AWS_ACCESS_KEY_ID=\n",
		"deploy/id_rsa":            "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n",
		"certs/server.pem":         "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n",
		"gcp.json":                 `{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nx"}`,
		".aws/credentials":         "[default]\naws_secret_access_key = " + awsSecret + "\n",
		".git/config":              "[remote \"origin\"]\n\turl = https://user:" + envSecret + "@git.example/x\n",
		".github/workflows/ci.yml": "on: push\n",
		".gitlab-ci.yml":           "test: {}\n",
		"local/notes.txt":          "dockerignored\n",
		".dockerignore":            "local/\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rewriteConfig(t, dir, "env:\n", "env:\n  FEATURE_FLAG: \""+envSecret+"\"\n")
	rewriteConfig(t, dir, `include: ["hello/**"]`, `include: ["**"]`) // what init writes
	out := t.TempDir()
	o := opts(dir, t.TempDir())
	o.Outputs = []string{"oci:" + filepath.Join(out, "layout")}
	res := run(t, o)

	img, _, err := publish.ReadLayout(filepath.Join(out, "layout"), "")
	if err != nil {
		t.Fatal(err)
	}
	layers, _ := img.Layers()
	var files []string
	for _, l := range layers[len(layers)-3:] { // the layers pinwheel wrote
		rc, _ := l.Uncompressed()
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if err != nil {
				break
			}
			files = append(files, h.Name)
			b, _ := io.ReadAll(tr)
			for _, v := range []string{awsSecret, awsKeyID, envSecret} {
				if strings.Contains(string(b), v) {
					t.Errorf("%s in the image holds a secret value", h.Name)
				}
			}
		}
		rc.Close()
	}
	all := "\n" + strings.Join(files, "\n") + "\n"
	for _, gone := range []string{"app/.env\n", "app/.env.production", "app/deploy/id_rsa", "app/certs/server.pem", "app/gcp.json", "app/.aws/", "app/.git/", "app/.github/", "app/.gitlab-ci.yml", "app/local/", "app/.dockerignore", "app/pinwheel.yaml"} {
		if strings.Contains(all, gone) {
			t.Errorf("image holds %s", gone)
		}
	}
	for _, kept := range []string{"app/.env.example\n", "app/pylock.toml\n"} {
		if !strings.Contains(all, kept) {
			t.Errorf("image lacks %s", kept)
		}
	}
	raw, _ := img.RawConfigFile()
	prov, err := os.ReadFile(filepath.Join(out, "layout.provenance.intoto.json"))
	if err != nil {
		t.Fatal(err)
	}
	for what, b := range map[string][]byte{"image config": raw, "provenance": prov, "result provenance": res.Provenance} {
		for _, v := range []string{awsSecret, awsKeyID} {
			if strings.Contains(string(b), v) {
				t.Errorf("%s holds a secret value", what)
			}
		}
	}
	if strings.Contains(string(prov), envSecret) || !strings.Contains(string(prov), "FEATURE_FLAG") {
		t.Errorf("provenance must name env FEATURE_FLAG with a digest, not its value")
	}
}

// A credential the default exclusions cannot see (inside an app file, in
// env:, in the base's config) fails the build with the layer and path,
// exit-2 input error, and no output written.
func TestBuildRefusesSecrets(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
	}{
		{"aws_key_in_settings", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "settings.py"), []byte("AWS_SECRET_ACCESS_KEY = \""+awsSecret+"\"\n"), 0o644)
		}, "the app layer would hold /app/settings.py: an AWS secret access key"},
		{"private_key_in_module", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "keys.py"), []byte("K = '''-----BEGIN RSA PRIVATE KEY-----\n'''\n"), 0o644)
		}, "/app/keys.py: a private key"},
		{"github_token_in_text", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "token.txt"), []byte("ghp_"+strings.Repeat("a", 36)), 0o644)
		}, "/app/token.txt: a GitHub token"},
		{"env_value_is_a_key", func(t *testing.T, dir string) {
			rewriteConfig(t, dir, "env:\n", "env:\n  CLOUD: \""+awsKeyID+"\"\n")
		}, "env: CLOUD holds what looks like an AWS access key ID"},
		{"env_secret_name_literal", func(t *testing.T, dir string) {
			rewriteConfig(t, dir, "env:\n", "env:\n  DB_PASSWORD: hunter2\n")
		}, "pinwheel.yaml:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyExample(t, time.Now())
			rewriteConfig(t, dir, `include: ["hello/**"]`, `include: ["**"]`)
			tc.setup(t, dir)
			out := filepath.Join(t.TempDir(), "img")
			o := opts(dir, t.TempDir())
			o.Outputs = []string{"oci:" + out}
			_, err := build.Run(context.Background(), o)
			var ie *inputerr.Error
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want an input error saying %q", err, tc.want)
			}
			for _, v := range []string{awsSecret, awsKeyID, "hunter2", "ghp_"} {
				if strings.Contains(err.Error(), v) {
					t.Errorf("the error echoes the secret: %v", err)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Error("a refused build left an output behind")
			}
		})
	}
}
