package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/ledger"
)

// Open creates the ledger readable by its owner only, through a temporary
// file it leaves no trace of.
func TestOpenCreatesOwnerOnlyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".pinwheel", "ledger.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Fatalf("ledger mode %o, want 600", perm)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".ledger-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// No mode (read-only, existing, create) migrates or changes a damaged ledger: a
// missing (unless creating), empty or corrupt file is an input error naming it, and the file
// is left byte for byte as it was.
func TestOpenRefusesBadLedgerWithoutTouchingIt(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		content []byte // nil: no file
		want    string
	}{
		{name: "missing", want: "no ledger (deploy"},
		{name: "empty", content: []byte{}, want: "the ledger is empty (0 bytes)"},
		{name: "garbage", content: []byte(strings.Repeat("not sqlite at all ", 300)), want: "corrupt or not a pinwheel ledger"},
		{name: "truncated_header", content: []byte("SQLite format 3\x00\x10\x00"), want: "corrupt or not a pinwheel ledger"},
	} {
		for _, mode := range []struct {
			name string
			opt  ledger.Option
		}{{"read_only", ledger.ReadOnly()}, {"existing", ledger.Existing()}, {"create", nil}} {
			t.Run(tc.name+"_"+mode.name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "ledger.db")
				if tc.content != nil {
					if err := os.WriteFile(path, tc.content, 0o600); err != nil {
						t.Fatal(err)
					}
				}
				if mode.opt == nil && tc.content == nil {
					return // creating a missing ledger is Open's job
				}
				var opts []ledger.Option
				if mode.opt != nil {
					opts = append(opts, mode.opt)
				}
				s, err := Open(ctx, path, opts...)
				if err == nil {
					s.Close()
					t.Fatal("opened")
				}
				if !inputerr.Is(err) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error %q: want an input error naming %s and saying %q", err, path, tc.want)
				}
				got, statErr := os.ReadFile(path)
				switch {
				case tc.content == nil && statErr == nil:
					t.Fatal("a missing ledger was created")
				case tc.content != nil && string(got) != string(tc.content):
					t.Fatalf("the ledger was changed: %d bytes, was %d", len(got), len(tc.content))
				}
				entries, _ := os.ReadDir(filepath.Dir(path))
				if tc.content == nil && len(entries) != 0 {
					t.Fatalf("files left behind: %v", entries)
				}
			})
		}
	}
}

// A directory or FIFO where the ledger should be is refused without being
// opened (a FIFO would block the read).
func TestOpenRefusesNonRegularLedger(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(path string) error
	}{
		{"directory", func(p string) error { return os.Mkdir(p, 0o755) }},
		{"fifo", func(p string) error { return syscall.Mkfifo(p, 0o600) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ledger.db")
			if err := tc.make(path); err != nil {
				t.Skip(err)
			}
			for _, opts := range [][]ledger.Option{{ledger.ReadOnly()}, {ledger.Existing()}, nil} {
				if _, err := Open(context.Background(), path, opts...); !inputerr.Is(err) || !strings.Contains(err.Error(), "not a regular file") {
					t.Fatalf("error %v", err)
				}
			}
		})
	}
}

// A ledger in a directory whose name holds URI characters ("#", "?", "%")
// is opened at that path: the data lands in the named file, not in a file
// at the path cut short at the "#" or "?" (which two ledgers would share).
func TestOpenPathWithURICharacters(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	for _, dir := range []string{"run#1", "a?b", "50%25"} {
		path := filepath.Join(base, dir, "ledger.db")
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordBuild(ctx, ledger.Build{Service: dir}); err != nil {
			t.Fatal(err)
		}
		s.Close()
		s, err = Open(ctx, path, ledger.ReadOnly())
		if err != nil {
			t.Fatal(err)
		}
		builds, err := s.ListBuilds(ctx, dir, 10)
		s.Close()
		if err != nil || len(builds) != 1 {
			t.Errorf("%s: builds %+v (%v)", dir, builds, err)
		}
	}
	entries, _ := os.ReadDir(base)
	for _, e := range entries {
		if !e.IsDir() {
			t.Errorf("a file %s was written beside the ledgers' directories", e.Name())
		}
	}
}
