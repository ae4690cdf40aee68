package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/ledger/ledgerdb"
	"pinwheel.dev/pinwheel/internal/ledger/postgres"
	"pinwheel.dev/pinwheel/internal/pgtest"
	"pinwheel.dev/pinwheel/internal/runtime/local"
)

// runner is one CI runner's checkout of the shop service with its own
// `pinwheel up`, stopped when the test ends.
func newRunner(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	os.MkdirAll(dir, 0o755)
	app, _ := os.ReadFile("../runtime/local/testdata/app/app.py")
	os.WriteFile(filepath.Join(dir, "app.py"), app, 0o644)
	os.WriteFile(filepath.Join(dir, "requirements.txt"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "pinwheel.yaml"), []byte("service: shop\nbase: oci:base\nlockfile: requirements.txt\nentrypoint: [\"python3\", \"app.py\"]\nrollout:\n  steps:\n    - setWeight: 100\n"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	var upOut, upErr upOutput
	done := make(chan int, 1)
	go func() {
		done <- Execute(ctx, Streams{In: strings.NewReader(""), Out: &upOut, Err: &upErr}, []string{"up", dir})
	}()
	t.Cleanup(func() { cancel(); <-done })
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if _, err := local.Dial(ctx, filepath.Join(dir, ".pinwheel")); err == nil {
			return dir
		}
		if time.Now().After(deadline) {
			t.Fatalf("up in %s never became reachable: %s", dir, upErr.String())
		}
	}
}

// Two runners (two working directories, one PostgreSQL ledger) deploy the
// same service at once: one rollout starts, the other deploy exits 1 naming
// it, and history from either directory shows the same releases. The
// ledger comes from PINWHEEL_LEDGER (as CI sets it), its password from
// PINWHEEL_LEDGER_PASSWORD_FILE, and nothing printed holds the password.
func TestTwoRunnersDeployOnOnePostgresLedger(t *testing.T) {
	if testing.Short() {
		t.Skip("builds pinwheel and starts processes")
	}
	where := pgtest.Database(t)
	noPassword := strings.Replace(where, ":"+pgtest.Password+"@", "@", 1)
	pwFile := filepath.Join(t.TempDir(), "ledger-password")
	os.WriteFile(pwFile, []byte(pgtest.Password+"\n"), 0o600)
	env := append(os.Environ(), "PINWHEEL_LEDGER="+noPassword, postgres.PasswordFileEnv+"="+pwFile)
	bin := buildPinwheel(t, t.TempDir())
	dirs := []string{newRunner(t, "runner-a"), newRunner(t, "runner-b")}

	type result struct {
		code           int
		stdout, stderr string
	}
	results := make([]result, len(dirs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, dir := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(bin, "deploy", dir, "--source", "--wait=false", "--replicas", "1")
			cmd.Dir, cmd.Env = dir, env
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			<-start
			err := cmd.Run()
			results[i] = result{cmd.ProcessState.ExitCode(), out.String(), errb.String()}
			if err != nil && cmd.ProcessState == nil {
				results[i].stderr += err.Error()
			}
		}()
	}
	close(start)
	wg.Wait()
	won, refused := -1, -1
	for i, r := range results {
		switch r.code {
		case 0:
			won = i
		case ExitNo:
			refused = i
		}
		for _, s := range []string{r.stdout, r.stderr} {
			if strings.Contains(s, pgtest.Password) {
				t.Errorf("deploy in %s printed the ledger password: %s", dirs[i], s)
			}
		}
	}
	if won < 0 || refused < 0 {
		t.Fatalf("want one deploy to win and one to exit %d: %+v", ExitNo, results)
	}
	if !strings.Contains(results[won].stdout, "rollout #1: (none) → shop-") {
		t.Fatalf("the winning deploy printed %q", results[won].stdout)
	}
	if msg := results[refused].stderr; !strings.Contains(msg, "shop: a rollout is already in progress: rollout #1 → shop-") || !strings.Contains(msg, "see pinwheel status") {
		t.Fatalf("the refused deploy said %q; want which rollout holds shop", msg)
	}

	var histories [][]byte
	for _, dir := range dirs {
		cmd := exec.Command(bin, "history", "-o", "json")
		cmd.Dir, cmd.Env = dir, env
		var errb bytes.Buffer
		cmd.Stderr = &errb
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("history in %s: %v\n%s", dir, err, errb.String())
		}
		histories = append(histories, out)
	}
	if !bytes.Equal(histories[0], histories[1]) {
		t.Fatalf("history differs between the runners:\n%s\n---\n%s", histories[0], histories[1])
	}
	var entries []struct {
		Rollout int64  `json:"rollout"`
		Release string `json:"release"`
	}
	if err := json.Unmarshal(histories[0], &entries); err != nil || len(entries) != 1 || entries[0].Rollout != 1 || !strings.HasPrefix(entries[0].Release, "shop-") {
		t.Fatalf("history: %s (%v); want the one rollout", histories[0], err)
	}
}

// pinwheel ledger export | import moves a history from a SQLite file to
// PostgreSQL and back, equal; migrate says what it applied; export of an
// older ledger is refused (read-only commands never migrate).
func TestLedgerExportImportMigrateCommands(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "ledger.db")
	seedActiveRollout(t, file, "svc")
	code, first, stderr := runPinwheel(t, "ledger", "export", "--ledger", file)
	if code != 0 || !strings.Contains(first, `"table":"rollouts"`) {
		t.Fatalf("export: exit %d\n%s%s", code, first, stderr)
	}
	exported := filepath.Join(dir, "export.jsonl")
	os.WriteFile(exported, []byte(first), 0o600)

	pg := pgtest.Database(t)
	code, out, stderr := runPinwheel(t, "ledger", "import", exported, "--ledger", pg)
	if code != 0 || !strings.Contains(out, "imported ") || strings.Contains(out+stderr, pgtest.Password) {
		t.Fatalf("import into postgres: exit %d\n%s%s", code, out, stderr)
	}
	back := filepath.Join(dir, "back.jsonl")
	if code, _, stderr := runPinwheel(t, "ledger", "export", "--ledger", pg, "--file", back); code != 0 {
		t.Fatalf("export from postgres: exit %d %s", code, stderr)
	}
	again := filepath.Join(dir, "again.db")
	if code, _, stderr := runPinwheel(t, "ledger", "import", back, "--ledger", again); code != 0 {
		t.Fatalf("import into sqlite: exit %d %s", code, stderr)
	}
	if code, last, _ := runPinwheel(t, "ledger", "export", "--ledger", again); code != 0 || last != first {
		t.Fatalf("sqlite → postgres → sqlite changed the export:\n%s\n---\n%s", first, last)
	}
	code, _, stderr = runPinwheel(t, "ledger", "import", exported, "--ledger", again)
	if code != ExitUsage || !strings.Contains(stderr, "not empty") {
		t.Fatalf("import into a ledger with records: exit %d %s", code, stderr)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(strings.SplitN(first, "\n", 2)[0]+"\n{\"table\":\"nope\",\"row\":{}}\n"), 0o600)
	code, _, stderr = runPinwheel(t, "ledger", "import", bad, "--ledger", filepath.Join(dir, "fresh.db"))
	if code != ExitUsage || !strings.Contains(stderr, bad+":2:") {
		t.Fatalf("bad export line: exit %d %s; want exit 2 naming %s:2", code, stderr, bad)
	}

	// Read-only: export never migrates; it refuses an older ledger and
	// leaves it as it was.
	older := filepath.Join(dir, "older.db")
	seedActiveRollout(t, older, "svc")
	store, err := ledgerdb.Open(context.Background(), older)
	if err != nil {
		t.Fatal(err)
	}
	store.(interface{ DB() *sql.DB }).DB().Exec(fmt.Sprintf(`DELETE FROM schema_migrations WHERE version = %d`, len(ledger.Migrations)))
	store.Close()
	before, _ := os.ReadFile(older)
	code, _, stderr = runPinwheel(t, "ledger", "export", "--ledger", older)
	if after, _ := os.ReadFile(older); code != ExitUsage || !strings.Contains(stderr, "pinwheel ledger migrate") || !bytes.Equal(before, after) {
		t.Fatalf("export of an older ledger: exit %d %s (file changed: %v)", code, stderr, !bytes.Equal(before, after))
	}

	fresh := pgtest.Database(t)
	code, out, _ = runPinwheel(t, "ledger", "migrate", "--ledger", fresh)
	all := ""
	for v := range ledger.Migrations {
		all += fmt.Sprintf(" %d", v+1)
	}
	want := fmt.Sprintf("schema version %d (applied now:%s)", len(ledger.Migrations), all)
	if code != 0 || !strings.Contains(out, want) || strings.Contains(out, pgtest.Password) || !strings.Contains(out, "xxxxx@") {
		t.Fatalf("migrate of an empty database: exit %d %q", code, out)
	}
	if code, out, _ = runPinwheel(t, "ledger", "migrate", "--ledger", fresh); code != 0 || !strings.Contains(out, "(up to date)") {
		t.Fatalf("second migrate: exit %d %q", code, out)
	}
}
