// Command mkservice generates the benchmark service for bench/build/run.sh:
// a Python app, a wheelhouse of N pure-Python wheels built from generated
// source by pinwheel's wheelsrc (plus the pip and setuptools wheels bundled
// with the machine's Python when present), a PEP 751 pylock.toml naming
// them by sha256, a requirements.txt for pip, a synthetic base image layout
// pinned by digest, and pinwheel.yaml. Everything is made offline.
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/build/wheelsrc"
	"pinwheel.dev/pinwheel/internal/image/imagetest"
)

func main() {
	n := flag.Int("n", 50, "number of packages")
	modules := flag.Int("modules", 30, "modules per synthetic package")
	out := flag.String("out", "", "output directory (created)")
	flag.Parse()
	if *out == "" {
		log.Fatal("-out is required")
	}
	svc := filepath.Join(*out, "svc")
	wh := filepath.Join(svc, "wheelhouse")
	must(os.MkdirAll(wh, 0o755))

	type pkg struct{ name, version, file, sum string }
	var pkgs []pkg
	for _, b := range bundled() {
		if len(pkgs) >= *n {
			break
		}
		dst := filepath.Join(wh, filepath.Base(b))
		data, err := os.ReadFile(b)
		must(err)
		must(os.WriteFile(dst, data, 0o644))
		parts := strings.SplitN(filepath.Base(b), "-", 3)
		pkgs = append(pkgs, pkg{parts[0], parts[1], filepath.Base(b), fmt.Sprintf("%x", sha256.Sum256(data))})
	}
	src := filepath.Join(*out, "src")
	for i := 0; len(pkgs) < *n; i++ {
		name := fmt.Sprintf("benchpkg%02d", i)
		dir := filepath.Join(src, name, name)
		must(os.MkdirAll(dir, 0o755))
		must(os.WriteFile(filepath.Join(dir, "__init__.py"), []byte(fmt.Sprintf("VALUE = %d\n\ndef main():\n    print(%q, VALUE)\n", i, name)), 0o644))
		for m := 0; m < *modules; m++ {
			must(os.WriteFile(filepath.Join(dir, fmt.Sprintf("mod%02d.py", m)), []byte(module(name, m)), 0o644))
		}
		p := wheelsrc.Project{Name: name, Version: "1.0.0", Src: filepath.Join(src, name), ConsoleScripts: map[string]string{name: name + ":main"}}
		path, err := wheelsrc.Build(p, wh)
		must(err)
		sum, err := wheelsrc.SHA256(path)
		must(err)
		pkgs = append(pkgs, pkg{name, "1.0.0", p.FileName(), sum})
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].name < pkgs[j].name })

	var lock, reqs strings.Builder
	lock.WriteString("lock-version = \"1.0\"\ncreated-by = \"mkservice\"\n")
	for _, p := range pkgs {
		fmt.Fprintf(&lock, "\n[[packages]]\nname = %q\nversion = %q\n\n[[packages.wheels]]\nname = %q\npath = \"wheelhouse/%s\"\nhashes = {sha256 = %q}\n",
			p.name, p.version, p.file, p.file, p.sum)
		fmt.Fprintf(&reqs, "%s==%s --hash=sha256:%s\n", p.name, p.version, p.sum)
	}
	must(os.WriteFile(filepath.Join(svc, "pylock.toml"), []byte(lock.String()), 0o644))
	must(os.WriteFile(filepath.Join(*out, "requirements.txt"), []byte(reqs.String()), 0o644))

	must(os.MkdirAll(filepath.Join(svc, "app"), 0o755))
	must(os.WriteFile(filepath.Join(svc, "app", "__init__.py"), []byte(""), 0o644))
	must(os.WriteFile(filepath.Join(svc, "app", "main.py"), []byte("print('bench service')\n"), 0o644))
	d, err := imagetest.WriteLayout(filepath.Join(svc, "base"))
	must(err)
	cfg := fmt.Sprintf(`service: bench
version: 1.0.0
python: "3.11"
base: oci:base@%s
lockfile: pylock.toml
app:
  include: ["app/**"]
entrypoint: ["python3", "-m", "app.main"]
`, d)
	must(os.WriteFile(filepath.Join(svc, "pinwheel.yaml"), []byte(cfg), 0o644))
	fmt.Printf("%d packages in %s\n", len(pkgs), wh)
}

func module(pkg string, m int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\"\"\"%s.mod%02d: generated benchmark module.\"\"\"\n\n", pkg, m)
	for f := 0; f < 40; f++ {
		fmt.Fprintf(&b, "def f%02d(x):\n    \"\"\"Return x transformed by step %d.\"\"\"\n    return (x * %d + %d) %% 1000003\n\n", f, f, f+m+1, f)
	}
	return b.String()
}

// bundled returns the pip and setuptools wheels shipped with the machine's Python.
func bundled() []string {
	out, err := exec.Command("python3", "-c", "import ensurepip,os;print(os.path.dirname(ensurepip.__file__))").Output()
	if err != nil {
		return nil
	}
	m, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "_bundled", "*.whl"))
	sort.Strings(m)
	return m
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
