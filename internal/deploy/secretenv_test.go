package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/runtime"
	"pinwheel.dev/pinwheel/internal/runtime/local"
)

const (
	envValue    = "plain-env-value-7731"
	secretValue = "s3cret-from-env-4242"
	fileValue   = "s3cret-from-file-9090"
)

// secretShop is the shop example with an env: value and two secretEnv
// references (a variable of this process, a file in the project).
func secretShop(t *testing.T) string {
	t.Helper()
	dir := shopCopy(t)
	cfg := filepath.Join(dir, config.FileName)
	replaceInFile(t, cfg, `SHOP_FAULT: ""`, `SHOP_FAULT: "`+envValue+`"
secretEnv:
  DB_PASSWORD: {fromEnv: PW_TEST_DB_PASS, secretKeyRef: {name: shop-db, key: password}}
  API_TOKEN: {fromFile: secrets/api-token}`)
	os.MkdirAll(filepath.Join(dir, "secrets"), 0o700)
	os.WriteFile(filepath.Join(dir, "secrets", "api-token"), []byte(fileValue+"\n"), 0o600)
	t.Setenv("PW_TEST_DB_PASS", secretValue)
	return dir
}

// `deploy --source` records env: names with digests and secretEnv's
// references, never a value: not in the deploy record, not anywhere in the
// SQLite file's bytes. The deploying process resolves them again.
func TestSourceDeployRecordsNoValues(t *testing.T) {
	ctx := context.Background()
	dir := secretShop(t)
	p, err := LoadProject(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ledger.db")
	store, err := ledgerdb.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := RecordRelease(ctx, store, p, Artifact{Source: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := string(rel.Deploy)
	for _, want := range []string{`"SHOP_FAULT":"` + config.ValueDigest(envValue) + `"`, `"fromEnv":"PW_TEST_DB_PASS"`, `"fromFile":"secrets/api-token"`} {
		if !strings.Contains(rec, want) {
			t.Errorf("deploy record %s lacks %s", rec, want)
		}
	}
	got, err := store.GetRelease(ctx, "shop", rel.ID)
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, _ := os.ReadFile(path + suffix)
		for _, v := range []string{envValue, secretValue, fileValue} {
			if strings.Contains(string(b), v) {
				t.Errorf("ledger%s holds the value %s", suffix, v)
			}
		}
	}

	var rr runtime.Release
	if err := json.Unmarshal(got.Deploy, &rr); err != nil {
		t.Fatal(err)
	}
	rr.ID = rel.ID
	out, err := NewEnvResolver(dir).Resolve(ctx, rr)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"SHOP_FAULT": envValue, "DB_PASSWORD": secretValue, "API_TOKEN": fileValue, "PYTHONUNBUFFERED": "1"} {
		if out.Env[k] != want {
			t.Errorf("resolved %s = %q, want %q", k, out.Env[k], want)
		}
	}
	if out.EnvDigests != nil || out.SecretEnv != nil {
		t.Errorf("references left after resolving: %+v", out)
	}

	// pinwheel.yaml changed since: the recorded value is gone, so the
	// release cannot be run again with what it ran with.
	replaceInFile(t, filepath.Join(dir, config.FileName), envValue, "another-value")
	_, err = NewEnvResolver(dir).Resolve(ctx, rr)
	wantErr(t, err, "release "+rel.ID+" runs with env: SHOP_FAULT = "+config.ValueDigest(envValue)+", and pinwheel.yaml now has "+config.ValueDigest("another-value"), envValue)
}

// A reference that cannot be resolved is an input error naming the
// variable and the reference, before any release is recorded, and never
// quoting a value.
func TestSecretEnvRefusals(t *testing.T) {
	ctx := context.Background()
	dir := secretShop(t)
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "key"), []byte(fileValue), 0o600)
	os.Symlink(filepath.Join(outside, "key"), filepath.Join(dir, "secrets", "link"))
	resolve := func(ref runtime.SecretRef, env map[string]string) error {
		r := &EnvResolver{Dir: dir, LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
		_, err := r.Resolve(ctx, runtime.Release{ID: "r1", SecretEnv: map[string]runtime.SecretRef{"DB_PASSWORD": ref}})
		return err
	}
	for _, tc := range []struct {
		name string
		ref  runtime.SecretRef
		env  map[string]string
		want string // "" for success
	}{
		{"unset_variable", runtime.SecretRef{FromEnv: "NOPE"}, nil, "secretEnv.DB_PASSWORD: fromEnv NOPE is not set in the environment of this pinwheel process"},
		{"only_kube", runtime.SecretRef{SecretKeyRef: &runtime.SecretKeyRef{Name: "db", Key: "pw"}}, nil,
			"secretEnv.DB_PASSWORD: only a secretKeyRef (db/pw), which Kubernetes resolves; the local target needs fromEnv or fromFile"},
		{"link_out_of_project", runtime.SecretRef{FromFile: "secrets/link"}, nil, "secretEnv.DB_PASSWORD: fromFile \"secrets/link\": "},
		{"absolute_not_allowed", runtime.SecretRef{FromFile: filepath.Join(outside, "key")}, nil, "must be inside a directory listed in $PINWHEEL_SECRET_DIRS"},
		{"absolute_allowed", runtime.SecretRef{FromFile: filepath.Join(outside, "key")}, map[string]string{SecretDirsVar: "/nonexistent:" + outside}, ""},
		{"proc_environ", runtime.SecretRef{FromFile: "/proc/self/environ"}, map[string]string{SecretDirsVar: outside}, "must be inside a directory listed"},
		{"device", runtime.SecretRef{FromFile: "/dev/zero"}, map[string]string{SecretDirsVar: "/dev"}, "is not a regular file"},
		{"nul_byte", runtime.SecretRef{FromEnv: "X"}, map[string]string{"X": "a\x00" + secretValue}, "the value holds a NUL byte"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := resolve(tc.ref, tc.env)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, tc.want, fileValue, secretValue)
		})
	}

	// RecordRelease resolves first: an unset variable records nothing.
	os.Unsetenv("PW_TEST_DB_PASS")
	p, err := LoadProject(dir)
	if err != nil {
		t.Fatal(err)
	}
	store := openStore(t)
	_, err = RecordRelease(ctx, store, p, Artifact{Source: true}, nil)
	wantErr(t, err, "fromEnv PW_TEST_DB_PASS is not set")
	if rels, _ := store.ListReleases(ctx, "shop", 10); len(rels) != 0 {
		t.Errorf("a release was recorded: %v", rels)
	}
}

// wantErr checks err is an input error (exit 2) holding want and none of
// the values.
func wantErr(t *testing.T, err error, want string, values ...string) {
	t.Helper()
	var ie *inputerr.Error
	if err == nil || !errors.As(err, &ie) || !strings.Contains(err.Error(), want) {
		t.Fatalf("error = %v (%T), want an input error with %q", err, err, want)
	}
	for _, v := range values {
		if strings.Contains(err.Error(), v) {
			t.Fatalf("error %q quotes a value", err)
		}
	}
}

// The wrapper resolves only releases the runtime does not hold yet: after
// pinwheel.yaml's env: changed (or in a shell without the secret), the
// running release is applied again as it runs — what a rollback to the
// stable release does — while a release the runtime does not hold is
// refused. The runtime is the real local one, with python3 replicas.
func TestResolvedEnvOnlyForNewReleases(t *testing.T) {
	if testing.Short() {
		t.Skip("starts python3 replicas")
	}
	ctx := context.Background()
	dir := secretShop(t)
	p, err := LoadProject(dir)
	if err != nil {
		t.Fatal(err)
	}
	store := openStore(t)
	rel, err := RecordRelease(ctx, store, p, Artifact{Source: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var r1 runtime.Release
	if err := json.Unmarshal(rel.Deploy, &r1); err != nil {
		t.Fatal(err)
	}
	r1.ID = rel.ID
	rt, err := local.New(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	tgt := WithResolvedEnv(rt, NewEnvResolver(dir))
	d := runtime.Desired{Service: "shop", Stable: &r1, Replicas: 1, ReadinessPath: "/healthz"}
	if err := tgt.Apply(ctx, d); err != nil {
		t.Fatal(err)
	}

	// A later pinwheel process (rollback, --resume), after the edit.
	replaceInFile(t, filepath.Join(dir, config.FileName), envValue, "another-value")
	os.Unsetenv("PW_TEST_DB_PASS")
	tgt = WithResolvedEnv(rt, NewEnvResolver(dir))
	if err := tgt.Apply(ctx, d); err != nil {
		t.Fatalf("re-applying the running release after env: changed: %v", err)
	}
	r2 := r1
	r2.ID = "shop-other"
	err = tgt.Apply(ctx, runtime.Desired{Service: "shop", Stable: &r1, Canary: &r2, Replicas: 1, CanaryReplicas: 1, ReadinessPath: "/healthz"})
	wantErr(t, err, "release shop-other runs with env: SHOP_FAULT = "+config.ValueDigest(envValue), envValue, secretValue)
}
