package config

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	ignore "github.com/sabhiram/go-gitignore"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/safefs"
	"pinwheel.dev/pinwheel/internal/secrets"
)

// IgnoreFile is the gitignore-style file listing paths kept out of the app layer.
const IgnoreFile = ".pinwheelignore"

// DockerIgnoreFile is honoured like IgnoreFile, with Docker's pattern rules.
const DockerIgnoreFile = ".dockerignore"

// alwaysIgnored are never app files, whatever the globs say: caches,
// virtualenvs, pinwheel's own config (its env: values go to the image config
// only) and ignore files, and every version control and CI folder.
var alwaysIgnored = append([]string{"__pycache__/", "*.pyc", ".venv/", ".pytest_cache/", ".mypy_cache/", "/" + FileName, "/.pinwheel/", IgnoreFile, DockerIgnoreFile},
	secrets.VCSAndCI()...)

// AppFile is one file (or symlink) of the app layer.
type AppFile struct {
	Rel  string      // slash-separated path relative to the project root
	Abs  string      // path on disk
	Mode fs.FileMode // the file's mode bits and type
	Link string      // symlink target, for symlinks
}

// AppFiles lists the project files selected by app.include/app.exclude,
// .pinwheelignore and .dockerignore, sorted by path. Secret-shaped files
// (secrets.File: .env, id_rsa, credentials, private keys…) and version
// control and CI folders are never selected, nor a file secretEnv reads
// (fromFile). Symlinks are kept as links when
// they point inside the project and refused otherwise.
func (c *Config) AppFiles() ([]AppFile, error) {
	ign, err := c.ignoreMatcher()
	if err != nil {
		return nil, err
	}
	docker, err := c.dockerIgnore()
	if err != nil {
		return nil, err
	}
	var out []AppFile
	err = filepath.WalkDir(c.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(c.Dir, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if ign.MatchesPath(rel+"/") || docker.excludesDir(rel) {
				return filepath.SkipDir
			}
			return nil
		}
		if ign.MatchesPath(rel) || docker.excludes(rel) || !c.selected(rel) || isSecretFile(c.Dir, p, rel) || c.secretEnvFile(rel) || c.signingKeyFile(rel) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		f := AppFile{Rel: rel, Abs: p, Mode: info.Mode()}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			joined := path.Join(path.Dir(rel), filepath.ToSlash(target))
			if filepath.IsAbs(target) || !localPath(joined) {
				return fmt.Errorf("app file %s is a symlink to %s, outside the project; exclude it or copy the file", rel, target)
			}
			f.Link = filepath.ToSlash(target)
		case !info.Mode().IsRegular():
			return nil // sockets, fifos, devices never go into an image
		}
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list app files in %s: %w", c.Dir, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rel < out[j].Rel })
	return out, nil
}

// secretEnvFile says whether rel is a file a secretEnv entry reads its
// value from: it never goes into the image, whatever it is named.
func (c *Config) secretEnvFile(rel string) bool {
	for _, ref := range c.SecretEnv {
		if f := ref.FromFile; f != "" && !path.IsAbs(f) && path.Clean(filepath.ToSlash(f)) == rel {
			return true
		}
	}
	return false
}

func (c *Config) selected(rel string) bool {
	in := false
	for _, g := range c.App.Include {
		if ok, _ := doublestar.Match(g, rel); ok {
			in = true
			break
		}
	}
	if !in {
		return false
	}
	for _, g := range c.App.Exclude {
		if ok, _ := doublestar.Match(g, rel); ok {
			return false
		}
		if ok, _ := doublestar.Match(strings.TrimSuffix(g, "/")+"/**", rel); ok {
			return false
		}
	}
	return true
}

// ignoreMatcher compiles the always-ignored patterns plus .pinwheelignore.
func (c *Config) ignoreMatcher() (*ignore.GitIgnore, error) {
	lines := append([]string{}, alwaysIgnored...)
	f, err := safefs.Open(c.Dir, filepath.Join(c.Dir, IgnoreFile))
	if safefs.Refused(err) {
		return nil, &inputerr.Error{Path: filepath.Join(c.Dir, IgnoreFile), Msg: "cannot read", Err: err}
	}
	if err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", IgnoreFile, err)
		}
	} else if !os.IsNotExist(err) {
		return nil, err
	}
	return ignore.CompileIgnoreLines(lines...), nil
}
