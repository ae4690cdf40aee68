package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/signing"
)

const signPassword = "tr0ub4dor&3-sign-pw"

// keyPair writes a cosign-style encrypted private key and its public key
// into dir and returns their paths.
func keyPair(t *testing.T, dir, name string) (priv, pub string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	privPEM, err := signing.MarshalEncryptedKey(k, []byte(signPassword))
	if err != nil {
		t.Fatal(err)
	}
	pubPEM, _ := signing.MarshalPublicKey(k.Public())
	priv, pub = filepath.Join(dir, name+".key"), filepath.Join(dir, name+".pub")
	if err := os.WriteFile(priv, privPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pub, pubPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	return priv, pub
}

// noSecrets fails when any output holds the password or the key file's body.
func noSecrets(t *testing.T, keyFile string, outputs ...string) {
	t.Helper()
	key, _ := os.ReadFile(keyFile)
	body := strings.Split(string(key), "\n")[1] // first base64 line of the PEM
	for _, o := range outputs {
		if strings.Contains(o, signPassword) || strings.Contains(o, body) {
			t.Errorf("an output holds the password or the key:\n%.400s", o)
		}
	}
}

// filesUnder returns the contents of every file under dir, joined.
func filesUnder(t *testing.T, dir string) string {
	var b strings.Builder
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			data, _ := os.ReadFile(p)
			b.Write(data)
		}
		return nil
	})
	return b.String()
}

func TestBuildSignsAndVerifyChecks(t *testing.T) {
	dir := copyHello(t)
	keys := t.TempDir()
	priv, pub := keyPair(t, keys, "pinwheel")
	_, otherPub := keyPair(t, keys, "other")
	out := filepath.Join(t.TempDir(), "hello.oci")
	t.Setenv("PINWHEEL_SIGNING_PASSWORD", signPassword)
	code, stdout, stderr := runPinwheel(t, "build", dir, "--output", "oci:"+out, "--cache-dir", t.TempDir(), "--sign-key", priv, "-o", "json")
	if code != 0 {
		t.Fatalf("build exit %d: %s", code, stderr)
	}
	noSecrets(t, priv, stdout, stderr, filesUnder(t, filepath.Dir(out)))
	var res struct {
		Digest    string
		BuildInfo struct{ LockHash, GitCommit string }
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out + ".provenance.dsse.json"); err != nil {
		t.Errorf("no envelope beside the layout: %v", err)
	}

	code, stdout, stderr = runPinwheel(t, "verify", "oci:"+out, "--key", pub, "--lock-hash", res.BuildInfo.LockHash)
	if code != 0 || !strings.HasSuffix(stdout, "\nverified\n") || !strings.Contains(stdout, "https://cyclonedx.org/bom") || !strings.Contains(stdout, res.Digest) {
		t.Fatalf("verify exit %d:\n%s%s", code, stdout, stderr)
	}

	// The project's own policy: its public key and its lock's hash.
	cfg := filepath.Join(dir, "pinwheel.yaml")
	if err := os.Rename(pub, filepath.Join(dir, "signing.pub")); err != nil {
		t.Fatal(err)
	}
	appendFile(t, cfg, "signing: {publicKey: signing.pub}\n")
	if code, stdout, stderr = runPinwheel(t, "verify", "oci:"+out, "--project", dir, "-o", "json"); code != 0 {
		t.Fatalf("verify --project exit %d:\n%s%s", code, stdout, stderr)
	}
	var rep struct {
		Verified bool
		LockHash string
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || !rep.Verified || rep.LockHash != res.BuildInfo.LockHash {
		t.Errorf("verify -o json: %+v %v\n%s", rep, err, stdout)
	}

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"wrong_key", []string{"--key", otherPub}, ExitNo, "signature does not verify with the key"},
		{"wrong_lock", []string{"--project", dir, "--lock-hash", "sha256:" + strings.Repeat("0", 64)}, ExitNo, "provenance lock hash is"},
		{"wrong_commit", []string{"--project", dir, "--source-commit", strings.Repeat("a", 40)}, ExitNo, "provenance source commit is"},
		{"no_key", nil, ExitUsage, "name the public key"},
		{"key_missing", []string{"--key", filepath.Join(keys, "nope.pub")}, ExitUsage, "nope.pub"},
		{"private_as_public", []string{"--key", priv}, ExitUsage, "expected PUBLIC KEY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runPinwheel(t, append([]string{"verify", "oci:" + out}, tc.args...)...)
			if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
				t.Errorf("exit %d (want %d), want %q in:\n%s%s", code, tc.code, tc.want, stdout, stderr)
			}
		})
	}
	if code, _, stderr := runPinwheel(t, "verify", "oci:"+filepath.Join(keys, "none"), "--project", dir); code != ExitUsage {
		t.Errorf("missing layout: exit %d %s", code, stderr)
	}
}

// A build without a signing key leaves nothing to verify: exit 1, saying so.
func TestVerifyUnsignedImage(t *testing.T) {
	dir := copyHello(t)
	_, pub := keyPair(t, t.TempDir(), "k")
	out := filepath.Join(t.TempDir(), "hello.oci")
	if code, _, stderr := runPinwheel(t, "build", dir, "--output", "oci:"+out, "--cache-dir", t.TempDir()); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, _ := runPinwheel(t, "verify", "oci:"+out, "--key", pub)
	if code != ExitNo || !strings.Contains(stdout, "no signed attestations for sha256:") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}

// A key that cannot be decrypted stops the build before it builds (exit
// 2), naming the file and never the password tried.
func TestBuildSignKeyErrors(t *testing.T) {
	dir := copyHello(t)
	priv, _ := keyPair(t, t.TempDir(), "k")
	const wrong = "not-the-password-7731"
	t.Setenv("PINWHEEL_SIGNING_PASSWORD", wrong)
	out := filepath.Join(t.TempDir(), "hello.oci")
	code, stdout, stderr := runPinwheel(t, "build", dir, "--output", "oci:"+out, "--cache-dir", t.TempDir(), "--sign-key", priv)
	if code != ExitUsage || !strings.Contains(stderr, priv) || !strings.Contains(stderr, "wrong password") || strings.Contains(stdout+stderr, wrong) {
		t.Errorf("wrong password: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused build wrote %s", out)
	}
	t.Setenv("PINWHEEL_SIGNING_PASSWORD", "")
	t.Setenv("COSIGN_PASSWORD", "")
	code, _, stderr = runPinwheel(t, "build", dir, "--sign-key", priv)
	if code != ExitUsage || !strings.Contains(stderr, "PINWHEEL_SIGNING_PASSWORD or COSIGN_PASSWORD") {
		t.Errorf("no password: exit %d %s", code, stderr)
	}
}

// signing.key in pinwheel.yaml signs every build (its password from
// signing.passwordEnv); verify-reproducible rebuilds without it.
func TestSigningKeyFromConfig(t *testing.T) {
	dir := copyHello(t)
	priv, pub := keyPair(t, dir, "release")
	appendFile(t, filepath.Join(dir, "pinwheel.yaml"), "signing: {key: release.key, passwordEnv: RELEASE_KEY_PW}\n")
	out := filepath.Join(t.TempDir(), "hello.oci")
	cache := t.TempDir()
	t.Setenv("RELEASE_KEY_PW", signPassword)
	if code, _, stderr := runPinwheel(t, "build", dir, "--output", "oci:"+out, "--cache-dir", cache); code != 0 {
		t.Fatalf("build: %s", stderr)
	}
	if code, stdout, _ := runPinwheel(t, "verify", "oci:"+out, "--key", pub); code != 0 {
		t.Fatalf("verify: exit %d\n%s", code, stdout)
	}
	t.Setenv("RELEASE_KEY_PW", "")
	if code, _, stderr := runPinwheel(t, "build", dir, "--cache-dir", cache); code != ExitUsage || !strings.Contains(stderr, "set RELEASE_KEY_PW or PINWHEEL_SIGNING_PASSWORD") || !strings.Contains(stderr, priv) {
		t.Errorf("no password: exit %d %s", code, stderr)
	}
	if code, stdout, stderr := runPinwheel(t, "verify-reproducible", dir, "--against", "oci:"+out, "--cache-dir", cache); code != 0 || !strings.Contains(stdout, "reproducible:") {
		t.Errorf("verify-reproducible needs no key: exit %d\n%s%s", code, stdout, stderr)
	}
}

// controller --verify-key reads its key before reaching any cluster.
func TestControllerVerifyKeyInput(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.pub")
	code, _, stderr := runPinwheel(t, "controller", "--verify-key", missing)
	if code != ExitUsage || !strings.Contains(stderr, "--verify-key: public key: open "+missing) {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
