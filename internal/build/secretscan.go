package build

import (
	"fmt"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/secrets"
)

// scannedLayer is a layer pinwheel writes, with how closely its files are
// looked at: the project's own files by content too, third-party files
// (whose test suites ship example keys) by name.
type scannedLayer struct {
	name  string
	layer v1.Layer
	depth secrets.Depth
}

// refuseSecrets fails the build when a layer it writes holds a secret file
// or a credential, or when the image's environment (the base's, then
// pinwheel.yaml's env:) carries one. The error names the layer and path
// (or the variable), never the value; nothing has been written yet.
func refuseSecrets(cfg *config.Config, base v1.Image, env []string, layers []scannedLayer) error {
	for _, l := range layers {
		rc, err := l.layer.Uncompressed()
		if err != nil {
			return err
		}
		hits, err := secrets.ScanTar(rc, l.depth)
		rc.Close()
		if err != nil {
			return fmt.Errorf("scan %s layer: %w", l.name, err)
		}
		if len(hits) > 0 {
			return &inputerr.Error{Msg: fmt.Sprintf("refusing to build: the %s layer would hold %s; leave it out (.pinwheelignore, .dockerignore or app.exclude) and pass it at run time",
				l.name, joinHits(hits))}
		}
	}
	cf, err := base.ConfigFile()
	if err != nil {
		return err
	}
	if hit, ok := envSecret(cf.Config.Env); ok {
		return &inputerr.Error{Msg: "refusing to build: the base image's environment sets " + hit}
	}
	if hit, ok := envSecret(env); ok {
		return &inputerr.Error{Path: cfg.Path, Msg: "refusing to build: env: sets " + hit + "; image config is readable by anyone who can pull the image — pass secrets at run time"}
	}
	for _, name := range sortedNames(cfg.Env) {
		if cfg.Env[name] != "" && secrets.Name.MatchString(name) {
			line, col := cfg.Pos("env")
			return &inputerr.Error{Path: cfg.Path, Line: line, Col: col, Msg: "refusing to build: env: " + name + " is a secret's name with a literal value; image config is readable by anyone who can pull the image — pass secrets at run time"}
		}
	}
	return nil
}

func sortedNames(m map[string]string) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// envSecret finds the first NAME=value whose value looks like a credential.
func envSecret(env []string) (string, bool) {
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		if what, ok := secrets.Value(value); ok {
			return name + " to what looks like " + what, true
		}
	}
	return "", false
}

func joinHits(hits []secrets.Hit) string {
	const show = 5
	var parts []string
	for i, h := range hits {
		if i == show {
			parts = append(parts, fmt.Sprintf("and %d more", len(hits)-show))
			break
		}
		parts = append(parts, "/"+h.String())
	}
	return strings.Join(parts, ", ")
}
