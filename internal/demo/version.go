package demo

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// version is one release of the demo's service: what changes in the
// project before it is built.
type version struct {
	Name    string // v1, v2, v3
	Version string // pinwheel.yaml version and shop.__version__
	Fault   string // SHOP_FAULT in pinwheel.yaml's env
	Commit  string // the git commit message
	Want    string // the rollout outcome the demo expects
}

var versions = []version{
	{Name: "v1", Version: "1.0.0", Fault: "", Commit: "shop 1.0.0", Want: "promoted"},
	{Name: "v2", Version: "2.0.0", Fault: "errors", Commit: "shop 2.0.0: new order path (regression: ~8% of API requests fail)", Want: "rolled-back"},
	{Name: "v3", Version: "3.0.0", Fault: "", Commit: "shop 3.0.0: fix the order path regression", Want: "promoted"},
}

var (
	versionKey = regexp.MustCompile(`(?m)^version: .*$`)
	faultKey   = regexp.MustCompile(`(?m)^([ \t]+SHOP_FAULT: ).*$`)
	pyVersion  = regexp.MustCompile(`(?m)^__version__ = .*$`)
)

// apply writes v into the project copy in dir: the config's version and
// SHOP_FAULT, and the package's __version__. It fails if a key is missing,
// so the demo never builds a version it did not really change.
func (v version) apply(dir string) error {
	cfgPath := filepath.Join(dir, "pinwheel.yaml")
	cfg, err := os.ReadFile(cfgPath)
	if err != nil {
		return err
	}
	if !versionKey.Match(cfg) || !faultKey.Match(cfg) {
		return fmt.Errorf("%s: expected top-level version: and env.SHOP_FAULT: keys", cfgPath)
	}
	cfg = versionKey.ReplaceAll(cfg, []byte("version: "+v.Version))
	cfg = faultKey.ReplaceAll(cfg, []byte(fmt.Sprintf("${1}%q", v.Fault)))
	initPath := filepath.Join(dir, "shop", "__init__.py")
	py, err := os.ReadFile(initPath)
	if err != nil {
		return err
	}
	if !pyVersion.Match(py) {
		return fmt.Errorf("%s: expected a __version__ line", initPath)
	}
	py = pyVersion.ReplaceAll(py, []byte(fmt.Sprintf("__version__ = %q", v.Version)))
	if err := writeFile(cfgPath, cfg); err != nil {
		return err
	}
	return writeFile(initPath, py)
}

// commit records the project copy in git (when git is installed), so each
// release has its own commit and the "what changed" report its git range.
func commit(dir, message string) (bool, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return false, nil
	}
	env := append(os.Environ(), "GIT_AUTHOR_NAME=pinwheel demo", "GIT_AUTHOR_EMAIL=demo@pinwheel.invalid",
		"GIT_COMMITTER_NAME=pinwheel demo", "GIT_COMMITTER_EMAIL=demo@pinwheel.invalid", "GIT_CONFIG_NOSYSTEM=1")
	run := func(args ...string) error {
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		if err := run("init", "-q", "-b", "main"); err != nil {
			return false, err
		}
		if err := writeFile(filepath.Join(dir, ".gitignore"), []byte(".pinwheel/\n")); err != nil {
			return false, err
		}
	}
	if err := run("add", "-A"); err != nil {
		return false, err
	}
	return true, run("commit", "-q", "-m", message)
}

func writeFile(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// CopyProject copies the project at src (e.g. examples/shop) into dst,
// leaving out its .pinwheel state, .git and __pycache__ directories.
func CopyProject(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() && (d.Name() == ".pinwheel" || d.Name() == "__pycache__" || d.Name() == ".git") {
			return filepath.SkipDir
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode().Perm())
	})
}
