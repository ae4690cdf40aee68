package cli

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"

	"pinwheel.dev/pinwheel/internal/attest"
)

// cosignVersion is the cosign scripts/cosign-build.sh builds from the Go
// module proxy into the tools cache.
const cosignVersion = "v2.6.5"

// cosignBin is the cached cosign; missing, the test fails under CI (which
// builds it in setup) and is skipped elsewhere with the command to build it.
func cosignBin(t *testing.T) string {
	t.Helper()
	p := os.Getenv("PINWHEEL_COSIGN")
	if p == "" {
		cache := os.Getenv("PINWHEEL_TOOLS_CACHE")
		if cache == "" {
			home, _ := os.UserHomeDir()
			cache = filepath.Join(home, ".cache", "pinwheel", "tools")
		}
		p = filepath.Join(cache, "cosign-"+cosignVersion, "cosign")
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no cosign at %s: CI builds it with scripts/cosign-build.sh", p)
		}
		t.Skipf("no cosign at %s (run scripts/cosign-build.sh)", p)
	}
	return p
}

// cosign runs the cosign binary with a home of its own (no sigstore state
// of the machine's) and the password of the test's key pair.
func cosign(t *testing.T, bin, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir, "COSIGN_PASSWORD="+signPassword, "TUF_ROOT="+filepath.Join(dir, "tuf"))
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Interoperability with a real verifier: cosign verifies what pinwheel
// build --sign-key pushed (signed with a key cosign generated), and pinwheel
// verify accepts an attestation cosign signed.
func TestCosignInterop(t *testing.T) {
	bin := cosignBin(t)
	keys := t.TempDir()
	if out, err := cosign(t, bin, keys, "generate-key-pair"); err != nil {
		t.Fatalf("cosign generate-key-pair: %v\n%s", err, out)
	}
	cosignKey, cosignPub := filepath.Join(keys, "cosign.key"), filepath.Join(keys, "cosign.pub")
	_, otherPub := keyPair(t, keys, "other")
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")

	dir := copyHello(t)
	t.Setenv("COSIGN_PASSWORD", signPassword)
	code, stdout, stderr := runPinwheel(t, "build", dir, "--output", host+"/team/hello:1.0.0", "--cache-dir", t.TempDir(), "--sign-key", cosignKey, "-o", "json")
	if code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	var res struct {
		Digest    string
		BuildInfo struct{ LockHash string }
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	image := host + "/team/hello@" + res.Digest

	t.Run("cosign_verifies_pinwheel", func(t *testing.T) {
		for typ, want := range map[string]string{"slsaprovenance1": attest.SLSAPredicateType, "cyclonedx": attest.CycloneDXPredicateType} {
			out, err := cosign(t, bin, keys, "verify-attestation", "--key", cosignPub, "--insecure-ignore-tlog", "--allow-http-registry", "--type", typ, image)
			if err != nil {
				t.Fatalf("cosign verify-attestation --type %s: %v\n%s", typ, err, out)
			}
			st := cosignStatement(t, out)
			if st.PredicateType != want || len(st.Subject) != 1 || "sha256:"+st.Subject[0].Digest["sha256"] != res.Digest {
				t.Errorf("--type %s: cosign printed a statement %+v", typ, st)
			}
		}
		// cosign checks the key: another key fails.
		if out, err := cosign(t, bin, keys, "verify-attestation", "--key", otherPub, "--insecure-ignore-tlog", "--allow-http-registry", "--type", "slsaprovenance1", image); err == nil {
			t.Errorf("cosign verified with the wrong key:\n%s", out)
		}
	})

	t.Run("cosign_verifies_pinwheel_layout", func(t *testing.T) {
		layout := filepath.Join(t.TempDir(), "hello.oci")
		if code, _, stderr := runPinwheel(t, "build", dir, "--output", "oci:"+layout, "--cache-dir", t.TempDir(), "--sign-key", cosignKey); code != 0 {
			t.Fatalf("build: exit %d\n%s", code, stderr)
		}
		out, err := cosign(t, bin, keys, "verify-attestation", "--key", cosignPub, "--insecure-ignore-tlog", "--local-image", "--type", "slsaprovenance1", layout)
		if err != nil {
			t.Fatalf("cosign verify-attestation --local-image: %v\n%s", err, out)
		}
		if st := cosignStatement(t, out); "sha256:"+st.Subject[0].Digest["sha256"] != res.Digest {
			t.Errorf("cosign printed a statement about %v, want %s", st.Subject, res.Digest)
		}
		if out, err := cosign(t, bin, keys, "verify-attestation", "--key", otherPub, "--insecure-ignore-tlog", "--local-image", "--type", "slsaprovenance1", layout); err == nil {
			t.Errorf("cosign verified the layout with the wrong key:\n%s", out)
		}
	})

	t.Run("pinwheel_verifies_cosign", func(t *testing.T) {
		// The same image under another repository, attested by cosign
		// with pinwheel's provenance predicate.
		code, stdout, stderr := runPinwheel(t, "build", dir, "--output", host+"/team/hello-cosign:1.0.0", "--cache-dir", t.TempDir(), "--output", "oci:"+filepath.Join(t.TempDir(), "plain"), "-o", "json")
		if code != 0 {
			t.Fatalf("build: exit %d\n%s", code, stderr)
		}
		var again struct{ Outputs []struct{ Ref string } }
		_ = json.Unmarshal([]byte(stdout), &again)
		plain := again.Outputs[1].Ref // oci:PATH@digest
		layoutPath := strings.TrimPrefix(plain[:strings.Index(plain, "@")], "oci:")
		st, err := os.ReadFile(layoutPath + ".provenance.intoto.json")
		if err != nil {
			t.Fatal(err)
		}
		var statement struct{ Predicate json.RawMessage }
		if err := json.Unmarshal(st, &statement); err != nil {
			t.Fatal(err)
		}
		pred := filepath.Join(keys, "predicate.json")
		if err := os.WriteFile(pred, statement.Predicate, 0o644); err != nil {
			t.Fatal(err)
		}
		target := host + "/team/hello-cosign@" + res.Digest
		if code, out, _ := runPinwheel(t, "verify", target, "--key", cosignPub); code != ExitNo {
			t.Fatalf("before cosign attest: exit %d\n%s", code, out)
		}
		if out, err := cosign(t, bin, keys, "attest", "--yes", "--key", cosignKey, "--tlog-upload=false", "--allow-http-registry", "--type", "slsaprovenance1", "--predicate", pred, target); err != nil {
			t.Fatalf("cosign attest: %v\n%s", err, out)
		}
		code, out, errOut := runPinwheel(t, "verify", target, "--key", cosignPub, "--lock-hash", res.BuildInfo.LockHash)
		if code != 0 || !strings.HasSuffix(out, "\nverified\n") {
			t.Fatalf("pinwheel verify of cosign's attestation: exit %d\n%s%s", code, out, errOut)
		}
		if code, out, _ := runPinwheel(t, "verify", target, "--key", otherPub); code != ExitNo || !strings.Contains(out, "signature does not verify") {
			t.Errorf("wrong key: exit %d\n%s", code, out)
		}
	})
}

type cosignStmt struct {
	PredicateType string `json:"predicateType"`
	Subject       []struct {
		Digest map[string]string `json:"digest"`
	} `json:"subject"`
}

// cosignStatement decodes the statement in the first envelope cosign
// verify-attestation printed (one JSON envelope per line on stdout).
func cosignStatement(t *testing.T, out string) cosignStmt {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		var env struct{ Payload string }
		if json.Unmarshal([]byte(line), &env) != nil || env.Payload == "" {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(env.Payload)
		if err != nil {
			t.Fatal(err)
		}
		var st cosignStmt
		if err := json.Unmarshal(raw, &st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	t.Fatalf("no envelope in cosign's output:\n%s", out)
	return cosignStmt{}
}
