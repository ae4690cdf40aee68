package k8syaml

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/safefs"
)

// ReadDir reads every *.yaml, *.yml and *.json file under dir (hidden
// directories skipped), in lexical order, through safefs so no link leads
// outside dir. Objects name their file by its path relative to base (the
// checked project), or as dir/… when dir is outside base. A directory that
// is a Helm chart (Chart.yaml) holds templates, not manifests: that is an
// input error asking for `helm template` output instead.
func ReadDir(ctx context.Context, base, dir string) ([]Object, error) {
	var out []Object
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
			return nil
		}
		data, err := safefs.ReadFile(ctx, dir, path, 0)
		if safefs.Refused(err) {
			return &inputerr.Error{Path: path, Msg: "cannot read", Err: err}
		}
		if err != nil {
			return err
		}
		objs, err := Read(displayName(base, path), data)
		if err != nil {
			return err
		}
		out = append(out, objs...)
		return nil
	})
	return out, err
}

// ReadStream reads a whole manifest stream (stdin) named name, refusing
// more than safefs.DefaultMaxRead bytes.
func ReadStream(ctx context.Context, name string, r io.Reader) ([]Object, error) {
	data, err := io.ReadAll(safefs.ContextReader(ctx, io.LimitReader(r, safefs.DefaultMaxRead+1)))
	if err != nil {
		return nil, err
	}
	if len(data) > safefs.DefaultMaxRead {
		return nil, inputerr.At(name, 0, 0, "more than %d bytes of manifests", safefs.DefaultMaxRead)
	}
	return Read(name, data)
}

// displayName is path relative to base, slash-separated, when it is inside
// base; else path as given.
func displayName(base, path string) string {
	if rel, err := filepath.Rel(base, path); err == nil && filepath.IsLocal(rel) {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(path)
}
