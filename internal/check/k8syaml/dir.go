package k8syaml

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/safefs"
)

// ReadDir reads every *.yaml, *.yml and *.json file under dir (or the file
// dir; hidden directories skipped), in lexical order, and returns the
// objects and each file's text by name, through safefs so no link leads
// outside dir. Objects name their file by its path relative to base (the
// checked project), or as dir/… when dir is outside base. A directory that
// is a Helm chart (Chart.yaml) holds templates, not manifests: that is an
// input error asking for `helm template` output instead.
func ReadDir(ctx context.Context, base, dir string) ([]Object, map[string][]byte, error) {
	var out []Object
	files := map[string][]byte{}
	root, single := dir, false
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		root, single = filepath.Dir(dir), true // a file named on its own is read whatever its name
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != dir && strings.HasPrefix(name, ".") {
				return filepath.SkipDir
			}
			if _, err := os.Lstat(filepath.Join(path, "Chart.yaml")); err == nil {
				return inputerr.At(filepath.Join(path, "Chart.yaml"), 0, 0,
					"%s is a Helm chart, not manifests: render it and check the output (`helm template RELEASE %s | pinwheel check -f -`)", path, path)
			}
			return nil
		}
		switch strings.ToLower(filepath.Ext(name)) {
		case ".yaml", ".yml", ".json":
		default:
			if !single {
				return nil
			}
		}
		data, err := safefs.ReadFile(ctx, root, path, 0)
		if safefs.Refused(err) {
			return &inputerr.Error{Path: path, Msg: "cannot read", Err: err}
		}
		if err != nil {
			return err
		}
		shown := displayName(base, path)
		objs, err := Read(shown, data)
		if err != nil {
			return err
		}
		files[shown] = data
		out = append(out, objs...)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, files, nil
}

// displayName is path relative to base, slash-separated, when it is inside
// base; else path as given.
func displayName(base, path string) string {
	if rel, err := filepath.Rel(base, path); err == nil && filepath.IsLocal(rel) {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(path)
}
