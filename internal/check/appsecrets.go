package check

import (
	"context"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	ignore "github.com/sabhiram/go-gitignore"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/secrets"
)

// checkAppSecrets is the secret check for a project `pinwheel build` builds
// (no Dockerfile): PW403 for secret files in the tree, PW404 for env:
// values in pinwheel.yaml, PW405 for app.include globs that select secret
// files, PW406 for credentials inside files the app layer takes, PW407 for
// secretEnv files a commit would publish. The
// detectors are the ones build scans its layers with (internal/secrets).
func checkAppSecrets(ctx context.Context, p *project, r *Report) error {
	cfg, err := projectConfig(p)
	if err != nil {
		return err
	}
	found, err := secretFilesIn(ctx, p)
	if err != nil {
		return err
	}
	for _, s := range found {
		r.add("PW403", s, 0, "%s is in the project and not excluded by .dockerignore (pinwheel build leaves it out of the image; keep it out of the repository)", s)
		for _, g := range cfg.App.Include {
			if g == "**" || g == "**/*" {
				continue
			}
			if ok, _ := doublestar.Match(g, s); ok {
				line, col := cfg.Pos("app.include")
				addLine(r, "PW405", config.FileName, line, col, "app.include %q selects %s, a secret file (pinwheel build leaves it out)", g, s)
			}
		}
	}
	if cfg.Path != "" { // written in pinwheel.yaml
		envSecrets(cfg, r)
		if err := secretEnvFiles(p, cfg, r); err != nil {
			return err
		}
	}
	files, err := cfg.AppFiles()
	if err != nil {
		return err
	}
	for _, f := range files {
		if f.Link != "" {
			continue
		}
		if what, ok := secrets.Content(readHead(f.Abs, secrets.HeadSize)); ok {
			r.add("PW406", f.Rel, 0, "%s holds what looks like %s: pinwheel build refuses to put it in the image", f.Rel, what)
		}
	}
	return nil
}

// envSecrets reports PW404 for env: entries in pinwheel.yaml that carry a
// secret (secrets.Env): critical for values shaped like credentials.
func envSecrets(cfg *config.Config, r *Report) {
	line, col := cfg.Pos("env")
	for _, name := range slices.Sorted(maps.Keys(cfg.Env)) {
		if what, critical, ok := secrets.Env(name, cfg.Env[name]); ok {
			f := addLine(r, "PW404", config.FileName, line, col, "env: %s %s: it is written into the image config; use secretEnv: %s: {fromEnv: …} (or fromFile, secretKeyRef)", name, what, name)
			if critical {
				f.Severity = SeverityCritical
			}
		}
	}
}

// secretEnvFiles reports PW407 for secretEnv fromFile files that are in
// the project tree and not ignored by its top-level .gitignore: build
// leaves them out of the image, but a commit would publish them. The
// file's content is read only to learn that it exists; nothing of it is
// reported.
func secretEnvFiles(p *project, cfg *config.Config, r *Report) error {
	var gi *ignore.GitIgnore
	for _, name := range cfg.SecretEnvNames() {
		f := cfg.SecretEnv[name].FromFile
		if f == "" || filepath.IsAbs(f) {
			continue
		}
		rel := path.Clean(filepath.ToSlash(f))
		if _, exists, err := p.read(rel); err != nil || !exists {
			continue // a missing or refused file is deploy's error to report
		}
		if gi == nil {
			data, _, err := p.read(".gitignore")
			if err != nil {
				return err
			}
			gi = ignore.CompileIgnoreLines(strings.Split(string(data), "\n")...)
		}
		if gi.MatchesPath(rel) {
			continue
		}
		line, col := cfg.Pos("secretEnv." + name)
		addLine(r, "PW407", config.FileName, line, col,
			"secretEnv.%s reads %s, which is in the project and not in .gitignore: pinwheel build leaves it out of the image, but a commit would publish it", name, rel)
	}
	return nil
}

// addLine adds a finding at file:line:col.
func addLine(r *Report, id, file string, line, col int, format string, args ...any) *Finding {
	f := r.add(id, file, line, format, args...)
	f.Column = col
	return f
}
