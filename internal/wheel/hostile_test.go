package wheel

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/wheel/wheeltest"
)

func basicWheel() wheeltest.Wheel {
	return wheeltest.Wheel{Name: "demo", Version: "1.0", Files: map[string]string{
		"demo/__init__.py": "X = 1\n",
		"demo/util.py":     "Y = 2\n",
	}}
}

// filesUnder lists every non-directory under root.
func filesUnder(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func TestInstallRejectsHostileWheels(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*wheeltest.Wheel)
		raw     func([]byte) []byte // applied to the built bytes
		wantMsg string
	}{
		{name: "path_traversal", edit: func(w *wheeltest.Wheel) { w.Raw = []wheeltest.Entry{{Name: "../../evil.py", Content: "x"}} }, wantMsg: "escapes the target"},
		{name: "nested_traversal", edit: func(w *wheeltest.Wheel) { w.Raw = []wheeltest.Entry{{Name: "demo/../../evil.py", Content: "x"}} }, wantMsg: "not clean"},
		{name: "absolute_path", edit: func(w *wheeltest.Wheel) { w.Raw = []wheeltest.Entry{{Name: "/tmp/evil.py", Content: "x"}} }, wantMsg: "absolute path"},
		{name: "backslash_path", edit: func(w *wheeltest.Wheel) { w.Raw = []wheeltest.Entry{{Name: `..\evil.py`, Content: "x"}} }, wantMsg: "backslash"},
		{name: "symlink", edit: func(w *wheeltest.Wheel) {
			w.Raw = []wheeltest.Entry{{Name: "demo/link", Content: "/etc/passwd", Mode: fs.ModeSymlink | 0o777}}
		}, wantMsg: "symlinks are not allowed"},
		{name: "device_file", edit: func(w *wheeltest.Wheel) {
			w.Raw = []wheeltest.Entry{{Name: "demo/dev", Mode: fs.ModeDevice | fs.ModeCharDevice | 0o644}}
		}, wantMsg: "special files"},
		{name: "duplicate_entry", edit: func(w *wheeltest.Wheel) { w.Raw = []wheeltest.Entry{{Name: "demo/util.py", Content: "evil"}} }, wantMsg: "duplicate entry"},
		{name: "case_duplicate_entry", edit: func(w *wheeltest.Wheel) { w.Raw = []wheeltest.Entry{{Name: "demo/UTIL.py", Content: "evil"}} }, wantMsg: "duplicate entry"},
		{name: "unrecorded_file", edit: func(w *wheeltest.Wheel) { w.Raw = []wheeltest.Entry{{Name: "demo/extra.py", Content: "x"}} }, wantMsg: "not listed in"},
		{name: "bad_record_hash", edit: func(w *wheeltest.Wheel) {
			w.EditRecord = func(r string) string {
				return strings.Replace(r, "demo/util.py,sha256=", "demo/util.py,sha256=AAAA", 1)
			}
		}, wantMsg: "bad sha256 digest"},
		{name: "record_hash_of_other_content", edit: func(w *wheeltest.Wheel) {
			w.EditRecord = func(r string) string {
				lines := strings.Split(r, "\n")
				var initHash string
				for _, l := range lines {
					if strings.HasPrefix(l, "demo/__init__.py,") {
						initHash = strings.Split(l, ",")[1]
					}
				}
				for i, l := range lines {
					if strings.HasPrefix(l, "demo/util.py,") {
						lines[i] = "demo/util.py," + initHash + ",6"
					}
				}
				return strings.Join(lines, "\n")
			}
		}, wantMsg: "demo/util.py: sha256 does not match RECORD"},
		{name: "record_size_mismatch", edit: func(w *wheeltest.Wheel) {
			w.EditRecord = func(r string) string {
				i := strings.Index(r, "demo/util.py,")
				j := i + strings.Index(r[i:], "\n")
				line := r[i:j]
				return r[:i] + line[:strings.LastIndex(line, ",")] + ",999" + r[j:]
			}
		}, wantMsg: "size 6 does not match RECORD (999)"},
		{name: "record_names_missing_file", edit: func(w *wheeltest.Wheel) {
			w.EditRecord = func(r string) string {
				return r + "demo/ghost.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\n"
			}
		}, wantMsg: `"demo/ghost.py" is not in the archive`},
		{name: "md5_in_record", edit: func(w *wheeltest.Wheel) {
			w.EditRecord = func(r string) string { return strings.Replace(r, "demo/util.py,sha256=", "demo/util.py,md5=", 1) }
		}, wantMsg: "needs a sha256"},
		{name: "missing_wheel_file", edit: func(w *wheeltest.Wheel) { w.Omit = []string{"WHEEL"} }, wantMsg: "missing demo-1.0.dist-info/WHEEL"},
		{name: "missing_metadata", edit: func(w *wheeltest.Wheel) { w.Omit = []string{"METADATA"} }, wantMsg: "missing demo-1.0.dist-info/METADATA"},
		{name: "missing_record", edit: func(w *wheeltest.Wheel) { w.Omit = []string{"RECORD"} }, wantMsg: "missing demo-1.0.dist-info/RECORD"},
		{name: "wheel_version_2", edit: func(w *wheeltest.Wheel) { w.WheelVersion = "2.0" }, wantMsg: "unsupported Wheel-Version 2.0"},
		{name: "unknown_data_scheme", edit: func(w *wheeltest.Wheel) { w.Data = map[string]string{"etc/passwd": "x"} }, wantMsg: "must hold only purelib"},
		{name: "second_dist_info", edit: func(w *wheeltest.Wheel) {
			w.Raw = []wheeltest.Entry{{Name: "other-2.0.dist-info/WHEEL", Content: "Wheel-Version: 1.0\n"}}
		}, wantMsg: "exactly one top-level .dist-info"},
		{name: "entry_point_injection", edit: func(w *wheeltest.Wheel) {
			w.EntryPoints = "[console_scripts]\nevil = os:system('rm -rf /')\n"
		}, wantMsg: "bad object reference"},
		{name: "entry_point_name_traversal", edit: func(w *wheeltest.Wheel) {
			w.EntryPoints = "[console_scripts]\n../../evil = demo:main\n"
		}, wantMsg: "bad script name"},
		{name: "truncated_zip", raw: func(b []byte) []byte { return b[:len(b)/2] }, wantMsg: "not a readable zip"},
		{name: "not_a_zip", raw: func([]byte) []byte { return []byte("PK\x03\x04 definitely not") }, wantMsg: "not a readable zip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := basicWheel()
			if tt.edit != nil {
				tt.edit(&w)
			}
			data := w.Bytes()
			if tt.raw != nil {
				data = tt.raw(data)
			}
			root := t.TempDir()
			whl := filepath.Join(root, w.Filename())
			if err := os.WriteFile(whl, data, 0o644); err != nil {
				t.Fatal(err)
			}
			s := PosixScheme(filepath.Join(root, "stage", "a", "b"), "/usr/local", "3.11")
			_, err := Install(context.Background(), whl, s)
			var ie *InvalidError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *InvalidError", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %v, want containing %q", err, tt.wantMsg)
			}
			if files := filesUnder(t, root); len(files) != 1 {
				t.Errorf("files left after a rejected install: %v", files)
			}
		})
	}
}

func TestInstallFilenameMustMatch(t *testing.T) {
	w := basicWheel()
	p := wheeltest.Write(t, t.TempDir(), w)
	s := PosixScheme(t.TempDir(), "/usr/local", "3.11")
	_, err := Install(context.Background(), p, s, WithFilename("other-1.0-py3-none-any.whl"))
	if err == nil || !strings.Contains(err.Error(), "does not match its metadata") {
		t.Fatalf("err = %v, want a name mismatch", err)
	}
	if _, err := Install(context.Background(), p, s, WithFilename("Demo-1.0.0-py3-none-any.whl")); err != nil {
		t.Fatalf("normalised name and version should match: %v", err)
	}
}

func TestInstallConflictIsUndone(t *testing.T) {
	dir, s := t.TempDir(), PosixScheme(t.TempDir(), "/usr/local", "3.11")
	first := wheeltest.Wheel{Name: "one", Version: "1", Files: map[string]string{"shared/__init__.py": "same\n", "shared/a.py": "A\n"}}
	same := wheeltest.Wheel{Name: "two", Version: "1", Files: map[string]string{"shared/__init__.py": "same\n", "shared/b.py": "B\n"}}
	clash := wheeltest.Wheel{Name: "three", Version: "1", Files: map[string]string{"shared/c.py": "C\n", "shared/a.py": "not A\n"}}
	for _, w := range []wheeltest.Wheel{first, same} {
		if _, err := Install(context.Background(), wheeltest.Write(t, dir, w), s); err != nil {
			t.Fatalf("%s: %v", w.Name, err)
		}
	}
	before := filesUnder(t, s.Purelib)
	_, err := Install(context.Background(), wheeltest.Write(t, dir, clash), s)
	if err == nil || !strings.Contains(err.Error(), "already exists with different content") {
		t.Fatalf("err = %v, want a conflict", err)
	}
	after := filesUnder(t, s.Purelib)
	if strings.Join(before, "\n") != strings.Join(after, "\n") {
		t.Errorf("failed install left changes:\nbefore %v\nafter  %v", before, after)
	}
	if got, _ := os.ReadFile(filepath.Join(s.Purelib, "shared", "a.py")); string(got) != "A\n" {
		t.Errorf("shared/a.py = %q, want the first install's content", got)
	}
}

func TestInstallRequiresPython(t *testing.T) {
	tests := []struct {
		name, requires, python string
		ok                     bool
	}{
		{"no_constraint", "", "3.11", true},
		{"satisfied", ">=3.8", "3.11", true},
		{"too_old", ">=3.12", "3.11", false},
		{"patch_level_admits_minor", ">=3.11.2", "3.11", true},
		{"patch_level_exact", ">=3.11.2", "3.11.1", false},
		{"excluded_series", "!=3.11.*,>=3.8", "3.11", false},
		{"no_target_version", ">=4", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := basicWheel()
			w.RequiresPython = tt.requires
			s := PosixScheme(t.TempDir(), "/usr/local", "3.11")
			_, err := Install(context.Background(), wheeltest.Write(t, t.TempDir(), w), s, WithPythonVersion(tt.python))
			if tt.ok && err != nil {
				t.Fatal(err)
			}
			if !tt.ok && (err == nil || !strings.Contains(err.Error(), "demo 1.0 requires Python "+tt.requires+", the target is "+tt.python)) {
				t.Fatalf("err = %v, want a Requires-Python refusal", err)
			}
		})
	}
}
