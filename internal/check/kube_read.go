package check

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"

	"pinwheel.dev/pinwheel/internal/check/k8syaml"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/lock"
)

// StdinName is the file name findings from a manifest stream on standard
// input carry.
const StdinName = "stdin"

// manifestSource is where the Kubernetes manifests come from: a directory
// or a stream (stdin).
type manifestSource struct {
	dir    string
	stream io.Reader
}

// WithManifests adds the Kubernetes manifest rules (PW408, PW5xx) over the
// YAML files under dir (a directory or a single file).
func WithManifests(dir string) Option {
	return func(o *options) { o.manifests = append(o.manifests, manifestSource{dir: dir}) }
}

// WithManifestStream adds the manifest rules over a stream of YAML
// documents (kustomize build or helm template output); findings name the
// file StdinName.
func WithManifestStream(r io.Reader) Option {
	return func(o *options) { o.manifests = append(o.manifests, manifestSource{stream: r}) }
}

// readSources reads every manifest source of the project into objects,
// keeping each file's text for suppressions.
func readSources(ctx context.Context, p *project) ([]k8syaml.Object, error) {
	var objs []k8syaml.Object
	for _, src := range p.manifests {
		var got []k8syaml.Object
		var err error
		if src.stream != nil {
			var data []byte
			data, err = io.ReadAll(io.LimitReader(src.stream, maxManifestBytes+1))
			if err == nil && len(data) > maxManifestBytes {
				err = inputerr.At(StdinName, 0, 0, "more than %d bytes of manifests", maxManifestBytes)
			}
			if err == nil {
				p.files[StdinName] = data
				got, err = k8syaml.Read(StdinName, data)
			}
		} else {
			got, err = readManifestDir(ctx, p, src.dir)
		}
		if err != nil {
			return nil, placed(p, err)
		}
		objs = append(objs, got...)
	}
	return objs, nil
}

// maxManifestBytes bounds a manifest stream.
const maxManifestBytes = 64 << 20

// placedError is an input error whose path is already as the user would
// find it (Run's inDir leaves it alone).
type placedError struct{ error }

func (e placedError) Unwrap() error { return e.error }

// placed makes a manifest input error name its file as the user does: a
// file inside the project by its path from the working directory, stdin
// and files outside the project as named.
func placed(p *project, err error) error {
	var ie *inputerr.Error
	if !errors.As(err, &ie) {
		return err
	}
	if ie.Path != StdinName && !filepath.IsAbs(ie.Path) && p.isInside(ie.Path) {
		ie.Path = filepath.Join(p.dir, filepath.FromSlash(ie.Path))
	}
	return placedError{err}
}

// isInside reports whether the slash path rel (relative to the project)
// names a file of the project.
func (p *project) isInside(rel string) bool {
	_, err := os.Stat(filepath.Join(p.dir, filepath.FromSlash(rel)))
	return filepath.IsLocal(filepath.FromSlash(rel)) && err == nil
}

// readManifestDir reads the manifests under dir (or the file dir) and keeps
// each file's text for suppressions.
func readManifestDir(ctx context.Context, p *project, dir string) ([]k8syaml.Object, error) {
	objs, files, err := k8syaml.ReadDir(ctx, p.dir, dir)
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		p.files[name] = data
	}
	return objs, nil
}

// isPythonProject reports whether dir holds a Python project for the
// project rules: a manifest, a lock, requirements files, a Dockerfile or
// pinwheel.yaml. Beside manifests from elsewhere (`helm template … |
// pinwheel check -f -` in a chart repository) a directory without any of
// them gets only the manifest rules, not PW101 for a lock it never needed.
func isPythonProject(dir string) bool {
	for _, name := range []string{"pyproject.toml", "Pipfile", "setup.py", "setup.cfg", "pinwheel.yaml"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err == nil && st.Mode().IsRegular() {
			return true
		}
	}
	if _, err := lock.Detect(dir); err == nil {
		return true
	}
	return len(requirementsFiles(dir)) > 0 || len(dockerfilePaths(dir)) > 0
}
