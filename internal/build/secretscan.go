package build

import (
	"fmt"
	"maps"
	"slices"
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
// or a credential, when the base image's environment holds a credential, or
// when pinwheel.yaml's env: carries a secret (secrets.Env). The error names the layer and path
// (or the variable), never the value; nothing has been written yet.
func refuseSecrets(cfg *config.Config, base v1.Image, layers []scannedLayer) error {
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
	for _, kv := range cf.Config.Env {
		name, value, _ := strings.Cut(kv, "=")
		if what, critical, ok := secrets.Env(name, value); ok && critical {
			return &inputerr.Error{Msg: "refusing to build: the base image's environment: " + name + " " + what}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.Env)) {
		if what, _, ok := secrets.Env(name, cfg.Env[name]); ok {
			line, col := cfg.Pos("env")
			return &inputerr.Error{Path: cfg.Path, Line: line, Col: col,
				Msg: "refusing to build: env: " + name + " " + what + "; the image config is readable by anyone who can pull the image — move it to secretEnv: (" + name + ": {fromEnv: VAR}, {fromFile: PATH} or {secretKeyRef: {name: SECRET, key: KEY}}), which the image never holds"}
		}
	}
	return nil
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
