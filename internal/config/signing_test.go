package config

import (
	"strings"
	"testing"
)

// The signing: section decodes with positions; bad values are reported at
// file:line:col with what was expected.
func TestSigning(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string // want "" for success
	}{
		{"sign_and_require", "signing:\n  key: keys/p.key\n  passwordEnv: PW\n  publicKey: keys/p.pub\n  requireSignedProvenance: true\n", ""},
		{"require_without_key", "signing:\n  requireSignedProvenance: true\n",
			"pinwheel.yaml:5:28: signing.requireSignedProvenance: needs signing.publicKey"},
		{"require_not_bool", "signing:\n  publicKey: p.pub\n  requireSignedProvenance: yes please\n",
			"pinwheel.yaml:6:28: signing.requireSignedProvenance: expected true or false, got \"yes please\""},
		{"key_outside", "signing:\n  key: ../../home/me/.ssh/id\n", "pinwheel.yaml:5:8: signing.key: \"../../home/me/.ssh/id\" must be a relative path inside the project"},
		{"public_absolute", "signing:\n  publicKey: /etc/p.pub\n", "pinwheel.yaml:5:14: signing.publicKey: \"/etc/p.pub\" must be a relative path"},
		{"bad_env", "signing:\n  passwordEnv: 1PW\n", "pinwheel.yaml:5:16: signing.passwordEnv: \"1PW\" is not an environment variable name"},
		{"unknown_key", "signing:\n  password: hunter2\n", "pinwheel.yaml:5:3: unknown key \"signing.password\" (expected one of: key, passwordEnv, publicKey, requireSignedProvenance)"},
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
				if !c.Signing.RequireSignedProvenance || c.Signing.Key != "keys/p.key" || c.Signing.PublicKey != "keys/p.pub" || c.Signing.PasswordEnv != "PW" {
					t.Errorf("decoded %+v", c.Signing)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant %s", err, tc.want)
			}
			if strings.Contains(tc.src, "hunter2") && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error echoes a value: %v", err)
			}
		})
	}
}

// The file signing.key names never goes into the app layer, whatever its
// name (a name the secret scan would not open).
func TestSigningKeyNotInAppFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "app.py", "x")
	write(t, dir, "keys/release-signer", "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJ9\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n")
	c := Defaults()
	c.Dir = dir
	rels := func() []string {
		files, err := c.AppFiles()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range files {
			out = append(out, f.Rel)
		}
		return out
	}
	if got := rels(); len(got) != 2 {
		t.Fatalf("without signing.key: %v (the fixture must be a file only signing.key excludes)", got)
	}
	c.Signing.Key = "./keys/release-signer"
	if got := rels(); len(got) != 1 || got[0] != "app.py" {
		t.Errorf("with signing.key: %v, want [app.py]", got)
	}
}
