package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestAppFiles(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"app/__init__.py", "app/main.py", "app/__pycache__/main.cpython-311.pyc",
		"tests/test_main.py", "static/logo.svg", "secrets.env", ".git/HEAD", "notes/todo.md", "README.md"} {
		write(t, dir, f, "x")
	}
	write(t, dir, IgnoreFile, "# comment\nsecrets.env\nnotes/\n")
	if err := os.Symlink("main.py", filepath.Join(dir, "app", "link.py")); err != nil {
		t.Fatal(err)
	}
	c := Defaults()
	c.Dir = dir
	c.App.Exclude = []string{"tests"}
	files, err := c.AppFiles()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Rel)
	}
	want := []string{"README.md", "app/__init__.py", "app/link.py", "app/main.py", "static/logo.svg"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("AppFiles = %v, want %v", got, want)
	}
	if files[2].Link != "main.py" {
		t.Errorf("symlink target = %q", files[2].Link)
	}

	c.App.Include = []string{"app/*.py"}
	files, _ = c.AppFiles()
	if len(files) != 3 {
		t.Errorf("include app/*.py selected %d files: %v", len(files), files)
	}
}

func TestAppFilesRefusesEscapingSymlink(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.py", "x")
	if err := os.Symlink("../../etc/passwd", filepath.Join(dir, "evil")); err != nil {
		t.Fatal(err)
	}
	c := Defaults()
	c.Dir = dir
	_, err := c.AppFiles()
	if err == nil || !strings.Contains(err.Error(), "outside the project") {
		t.Fatalf("AppFiles = %v, want symlink refusal", err)
	}
}
