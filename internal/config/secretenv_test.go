package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const secretBase = "service: svc\nbase: oci:base\nentrypoint: [\"python\"]\n"

// secretEnv decodes references and refuses values, without echoing them.
func TestSecretEnv(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string // want "" for success
	}{
		{"from_env", "secretEnv:\n  DB_PASSWORD: {fromEnv: PG_PASS}\n", ""},
		{"from_file_and_secret", "secretEnv:\n  API_TOKEN:\n    fromFile: secrets/token\n    secretKeyRef: {name: shop-secrets, key: api-token}\n", ""},
		{"literal_value", "secretEnv:\n  DB_PASSWORD: hunter2-s3cr3t\n",
			"pinwheel.yaml:5:16: secretEnv.DB_PASSWORD: expected a reference, not a value: {fromEnv: VAR}, {fromFile: PATH} or {secretKeyRef: {name: SECRET, key: KEY}}"},
		{"list_value", "secretEnv:\n  DB_PASSWORD: [hunter2-s3cr3t]\n", "pinwheel.yaml:5:16: secretEnv.DB_PASSWORD: expected a reference, not a value"},
		{"unknown_field", "secretEnv:\n  DB_PASSWORD: {value: hunter2-s3cr3t}\n",
			"pinwheel.yaml:5:17: unknown key \"secretEnv.DB_PASSWORD.value\" (expected one of: fromEnv, fromFile, secretKeyRef)"},
		{"both_local", "secretEnv:\n  A: {fromEnv: X, fromFile: f}\n", "pinwheel.yaml:5:6: secretEnv.A: set fromEnv or fromFile, not both"},
		{"none", "secretEnv:\n  A: {}\n", "pinwheel.yaml:5:6: secretEnv.A: needs a reference"},
		{"file_outside", "secretEnv:\n  A: {fromFile: ../../etc/shadow}\n", "pinwheel.yaml:5:17: secretEnv.A.fromFile: \"../../etc/shadow\" must be a path inside the project"},
		{"bad_secret_name", "secretEnv:\n  A: {secretKeyRef: {name: Bad_Name, key: k}}\n", "secretEnv.A.secretKeyRef.name: \"Bad_Name\" is not a Secret name"},
		{"also_in_env", "env:\n  A: x\nsecretEnv:\n  A: {fromEnv: X}\n", "pinwheel.yaml:7:6: secretEnv.A: A is also set in env:; a variable comes from one place"},
		{"bad_name", "secretEnv:\n  1A: {fromEnv: X}\n", "secretEnv: \"1A\" is not a valid environment variable name"},
		{"not_a_mapping", "secretEnv: [a]\n", "pinwheel.yaml:4:12: secretEnv: expected a mapping of variable names to references"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("pinwheel.yaml", []byte(secretBase+tc.src))
			if err == nil {
				err = c.Validate()
			}
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(c.SecretEnv) != 1 {
					t.Fatalf("SecretEnv = %v", c.SecretEnv)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("the error echoes the literal: %v", err)
			}
		})
	}
}

// The config snapshot (provenance, ledger) keeps secretEnv's references;
// a literal written there is digested, never kept.
func TestSnapshotSecretEnv(t *testing.T) {
	dir := t.TempDir()
	src := secretBase + "secretEnv:\n  A: {fromEnv: PG_PASS}\n  B: hunter2-s3cr3t\n"
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Snapshot(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	se := m["secretEnv"].(map[string]any)
	if got := se["A"].(map[string]any)["fromEnv"]; got != "PG_PASS" {
		t.Errorf("A = %v, want the reference kept", se["A"])
	}
	if got := se["B"]; got != ValueDigest("hunter2-s3cr3t") {
		t.Errorf("B = %v, want its digest", got)
	}
}

// A file secretEnv reads stays out of the app layer, whatever its name and
// whatever app.include says.
func TestAppFilesLeaveSecretEnvFilesOut(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"app/main.py", "config/db-pass", "config/other"} {
		write(t, dir, f, "x")
	}
	c := Defaults()
	c.Dir = dir
	c.SecretEnv = map[string]SecretRef{"DB_PASSWORD": {FromFile: "./config//db-pass"}}
	files, err := c.AppFiles()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Rel)
	}
	if strings.Join(got, " ") != "app/main.py config/other" {
		t.Errorf("AppFiles = %v, want config/db-pass left out", got)
	}
}
