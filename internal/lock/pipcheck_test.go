package lock

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// pipRequirement is what pip's own parser understood of one line.
type pipRequirement struct {
	Name       string   `json:"name"`
	Constraint bool     `json:"constraint"`
	Specifier  string   `json:"specifier"`
	Marker     string   `json:"marker"`
	Editable   bool     `json:"editable"`
	URL        string   `json:"url"`
	Hashes     []string `json:"hashes"`
}

// TestRequirementsAgreeWithPip parses the requirements corpus with pip (the
// wheel bundled with the machine's Python) and with internal/lock, and
// compares names, pins, markers, hashes and editables.
func TestRequirementsAgreeWithPip(t *testing.T) {
	if testing.Short() {
		t.Skip("runs python3")
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	wheelOut, err := exec.Command(python, "-c", `import ensurepip,os,glob;print(glob.glob(os.path.join(os.path.dirname(ensurepip.__file__),"_bundled","pip-*.whl"))[0])`).Output()
	if err != nil {
		t.Skipf("no bundled pip wheel: %v", err)
	}
	script, _ := filepath.Abs(filepath.Join("testdata", "pipcheck", "parse_with_pip.py"))
	for _, file := range []string{
		"requirements/pip-compile/requirements.txt",
		"requirements/uv/requirements.txt",
		"requirements/includes/requirements/dev.txt",
		"hash/same/requirements.txt",
		"diff/new/requirements.txt",
	} {
		t.Run(strings.ReplaceAll(filepath.Dir(file), "/", "_"), func(t *testing.T) {
			path := filepath.Join("testdata", filepath.FromSlash(file))
			cmd := exec.Command(python, script, strings.TrimSpace(string(wheelOut)), filepath.Base(path))
			cmd.Dir = filepath.Dir(path)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("pip: %v\n%s", err, out)
			}
			var pipReqs []pipRequirement
			if err := json.Unmarshal(out, &pipReqs); err != nil {
				t.Fatal(err)
			}
			l, err := ParseFileAs(path, FormatRequirements)
			if err != nil {
				t.Fatal(err)
			}
			dir, _ := filepath.Abs(filepath.Dir(path))
			comparePip(t, l, dir, pipReqs)
		})
	}
}

func comparePip(t *testing.T, l *Lock, dir string, pipReqs []pipRequirement) {
	pins := map[string]string{}
	for _, r := range pipReqs {
		if r.Constraint {
			pins[r.Name] = r.Specifier
		}
	}
	n := 0
	for _, r := range pipReqs {
		if r.Constraint {
			continue
		}
		n++
		if r.Name == "" && r.Editable {
			// pip names a local editable only after building it; match by path.
			if !hasEditableAt(l, dir, r.URL) {
				t.Errorf("pip reads an editable at %s, pinwheel has none there", r.URL)
			}
			continue
		}
		p, ok := l.Find(r.Name)
		if !ok {
			t.Errorf("pip reads %s, pinwheel does not", r.Name)
			continue
		}
		spec := p.Specifier
		if p.Version != "" && p.Source.Kind == SourceRegistry {
			spec = "==" + p.Version
		}
		if p.Source.Kind == SourceRegistry && spec != r.Specifier && spec != pins[r.Name] {
			t.Errorf("%s: pinwheel %q, pip %q (constraint %q)", r.Name, spec, r.Specifier, pins[r.Name])
		}
		if got := strings.ReplaceAll(p.Marker, "'", `"`); got != r.Marker {
			t.Errorf("%s: marker %q, pip %q", r.Name, got, r.Marker)
		}
		var hashes []string
		for _, a := range p.Artifacts {
			for alg, d := range a.Hashes {
				hashes = append(hashes, alg+":"+d)
			}
		}
		sort.Strings(hashes)
		if p.Source.Kind != SourceURL && strings.Join(hashes, ",") != strings.Join(r.Hashes, ",") {
			t.Errorf("%s: hashes %v, pip %v", r.Name, hashes, r.Hashes)
		}
		if editable := p.Source.Kind == SourceEditable || (r.Editable && p.Source.Kind == SourceGit); editable != r.Editable {
			t.Errorf("%s: editable %v (source %s), pip %v", r.Name, editable, p.Source.Kind, r.Editable)
		}
		if r.URL != "" && p.Source.Kind == SourceGit && !strings.Contains(r.URL, p.Source.URL) {
			t.Errorf("%s: repository %q not in pip's link %q", r.Name, p.Source.URL, r.URL)
		}
	}
	if n != len(l.Packages) {
		t.Errorf("pip reads %d requirements, pinwheel %d packages", n, len(l.Packages))
	}
}

func hasEditableAt(l *Lock, dir, url string) bool {
	for _, p := range l.Packages {
		if p.Source.Kind == SourceEditable && "file://"+filepath.ToSlash(filepath.Join(dir, p.Source.Path)) == url {
			return true
		}
	}
	return false
}
