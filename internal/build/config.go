package build

import (
	"io"
	"path"
	"strconv"
	"time"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/image"
)

var zeroTime time.Time

func readAll(rc io.ReadCloser) ([]byte, error) {
	defer rc.Close()
	return io.ReadAll(rc)
}

// imageConfig turns pinwheel.yaml into the image config: exec-form
// entrypoint and cmd, env, the venv first on PATH, workdir, user, port and
// labels (OCI annotations, pinwheel's BuildInfo keys, then the user's).
func imageConfig(cfg *config.Config, in *inputs) image.Config {
	c := image.Config{
		Entrypoint:  cfg.Entrypoint,
		Cmd:         cfg.Cmd,
		PathPrepend: []string{path.Join(VenvDir, "bin")},
		WorkingDir:  cfg.Workdir,
		User:        cfg.User,
		Labels:      map[string]string{},
	}
	c.Env = append(c.Env, "VIRTUAL_ENV="+VenvDir, "PYTHONDONTWRITEBYTECODE=1")
	for k, v := range cfg.Env {
		c.Env = append(c.Env, k+"="+v)
	}
	if cfg.Port > 0 {
		c.ExposedPorts = []string{strconv.Itoa(cfg.Port) + "/tcp"}
	}
	info := InImage(in.info)
	set := func(k, v string) {
		if v != "" {
			c.Labels[k] = v
		}
	}
	set("org.opencontainers.image.title", cfg.Service)
	set("org.opencontainers.image.version", info.Version)
	set("org.opencontainers.image.revision", info.GitCommit)
	set("org.opencontainers.image.source", info.GitSource)
	set("org.opencontainers.image.created", in.epoch.UTC().Format(time.RFC3339))
	set("org.opencontainers.image.base.digest", info.BaseDigest)
	for k, v := range info.Annotations() {
		set(k, v)
	}
	for k, v := range cfg.Labels {
		set(k, v)
	}
	return c
}
