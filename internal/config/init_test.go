package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestDetectAndRender(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		python string
		entry  []string
		lock   string
	}{
		{"python_version_file", map[string]string{".python-version": "3.12.4\n", "main.py": "", "requirements.txt": "x==1\n"}, "3.12", []string{"python3", "main.py"}, "requirements.txt"},
		{"pyproject", map[string]string{"pyproject.toml": "[project]\nname = \"My_Service\"\nrequires-python = \">=3.10\"\n[project.scripts]\nserve = \"svc:main\"\n"}, "3.10", []string{"serve"}, ""},
		{"package_main", map[string]string{"svc/__main__.py": "", "uv.lock": "version = 1\n"}, "3.11", []string{"python3", "-m", "svc"}, "uv.lock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for f, data := range tt.files {
				write(t, dir, f, data)
			}
			d := Detect(dir)
			if d.Python != tt.python || !reflect.DeepEqual(d.Entrypoint, tt.entry) || d.Lockfile != tt.lock {
				t.Errorf("Detect = %+v", d)
			}
			out := Render(d)
			c, err := Parse("pinwheel.yaml", out)
			if err != nil {
				t.Fatalf("rendered file does not parse: %v\n%s", err, out)
			}
			if c.Python != tt.python || !reflect.DeepEqual(c.Entrypoint, tt.entry) {
				t.Errorf("round trip: python %q entry %v", c.Python, c.Entrypoint)
			}
			// The commented secretEnv example is valid once uncommented.
			uncommented := strings.NewReplacer("# secretEnv:", "secretEnv:", "#   DB_PASSWORD:", "  DB_PASSWORD:", "#     ", "    ").Replace(string(out))
			if c, err := Parse("pinwheel.yaml", []byte(uncommented)); err != nil || c.SecretEnv["DB_PASSWORD"].SecretKeyRef == nil || c.SecretEnv["DB_PASSWORD"].FromEnv != "DB_PASSWORD" {
				t.Errorf("the secretEnv example, uncommented: %+v, %v", c, err)
			}
			// The placeholder base must be the only thing Validate complains about.
			err = c.Validate()
			if err == nil || !strings.Contains(err.Error(), "placeholder digest") || strings.Count(err.Error(), "\n") != 0 {
				t.Errorf("Validate of fresh init = %v", err)
			}
		})
	}
}

func TestWriteInitRefusesOverwrite(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.py", "")
	p, _, err := WriteInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(p)
	os.WriteFile(p, []byte("mine"), 0o644)
	if _, _, err := WriteInit(dir, false); !errors.Is(err, ErrExists) {
		t.Fatalf("second WriteInit = %v, want ErrExists", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "mine" {
		t.Errorf("file overwritten without force")
	}
	if _, _, err := WriteInit(dir, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != string(first) {
		t.Errorf("force did not rewrite")
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".pinwheel-*"))
	if len(left) != 0 {
		t.Errorf("temp files left: %v", left)
	}
}
