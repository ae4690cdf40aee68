package deploy

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"pinwheel.dev/pinwheel/internal/ledger"
)

// Recipe is the list of commands that recreate a release's environment.
type Recipe struct {
	Release string `json:"release"`
	Service string `json:"service"`
	// Steps are shell commands, each with a comment saying why.
	Steps []RecipeStep `json:"steps"`
	// Missing names recorded inputs the ledger lacks (the recipe is then
	// incomplete, and says so).
	Missing []string `json:"missing,omitempty"`
}

// RecipeStep is one command of a Recipe.
type RecipeStep struct {
	Comment string `json:"comment"`
	Command string `json:"command"`
}

// Recreate builds the recipe for rel from what the ledger recorded: the git
// commit to check out, the lock hash to verify, the build with the recorded
// inputs, the image digest it must produce, and the deploy.
func Recreate(rel ledger.Release) Recipe {
	bi := rel.Info
	r := Recipe{Release: rel.ID, Service: rel.Service}
	add := func(comment, format string, args ...any) {
		r.Steps = append(r.Steps, RecipeStep{Comment: comment, Command: fmt.Sprintf(format, args...)})
	}
	// Everything happens in a directory of its own: the script works from
	// any directory and writes nothing where it is run.
	add("a work directory of its own: nothing is written where this runs", `work="$(mktemp -d "${TMPDIR:-/tmp}/recreate-%s.XXXXXX")"`, rel.ID)
	dir := `"$work/` + rel.Service + `"`
	switch {
	case bi.GitSource != "":
		add("the source, as recorded in build-info", "git clone -q %s %s && cd %s", shellQuote(bi.GitSource), dir, dir)
	default:
		r.Missing = append(r.Missing, "git source URL")
		add("the source: no repository URL was recorded, so a clone of yours (SOURCE=DIR, default the repository this runs in)",
			`git clone -q "${SOURCE:-$(git rev-parse --show-toplevel)}" %s && cd %s`, dir, dir)
	}
	if bi.GitCommit != "" {
		add("the exact commit", "git checkout --detach %s", bi.GitCommit)
		if bi.GitDirty {
			r.Missing = append(r.Missing, "uncommitted changes (the build was made from a dirty tree)")
		}
	} else {
		r.Missing = append(r.Missing, "git commit")
	}
	lockfile := lockfileOf(rel)
	if bi.LockHash != "" {
		add(fmt.Sprintf("the lock must hash to %s (%s)", bi.LockHash, bi.LockFormat),
			"test \"$(pinwheel lock hash %s)\" = %s", shellQuote(lockfile), bi.LockHash)
	} else {
		r.Missing = append(r.Missing, "lock hash")
	}
	out := "oci:" + rel.ID
	if rel.ImageRef != "" && bi.ImageDigest != "" {
		add(fmt.Sprintf("rebuild with the inputs recorded in the image (commit, version, source, time) and compare: the digest must be %s", bi.ImageDigest),
			"pinwheel verify-reproducible . --against %s", shellQuote(rel.ImageRef))
	} else {
		r.Missing = append(r.Missing, "image (the release ran from source)")
	}
	comment := "build the image to deploy (pinned base"
	if bi.BaseDigest != "" {
		comment += " " + bi.BaseDigest
	}
	if bi.BuilderVersion != "" {
		comment += ", pinwheel " + bi.BuilderVersion
	}
	comment += "; the digest matches when built from the recorded repository URL"
	if bi.GitSource == "" {
		comment += " (none: a clone without a remote)"
	}
	add(comment+")", "pinwheel build . --output %s", out)
	add("deploy it (a staged rollout; pinwheel rollback --to "+rel.ID+" takes the fast path while it is known-good)", "pinwheel deploy . --image %s", out)
	add("where it all is", `echo "recreated %s in $PWD"`, rel.ID)
	return r
}

// WriteRecipe prints r as a shell script.
func WriteRecipe(w io.Writer, r Recipe) error {
	fmt.Fprintf(w, "# recreate %s (service %s)\n", r.Release, r.Service)
	if len(r.Missing) > 0 {
		fmt.Fprintf(w, "# not recorded: %s\n", strings.Join(r.Missing, "; "))
	}
	fmt.Fprintln(w, "set -e")
	for _, s := range r.Steps {
		fmt.Fprintf(w, "# %s\n%s\n", s.Comment, s.Command)
	}
	return nil
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@=+", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// lockfileOf names the release's lockfile relative to the project: the
// config snapshot's lockfile key, else the lock's file name.
func lockfileOf(rel ledger.Release) string {
	var cfg struct {
		Lockfile string `json:"lockfile"`
	}
	if json.Unmarshal(rel.Config, &cfg) == nil && cfg.Lockfile != "" {
		return cfg.Lockfile
	}
	if rel.Lock != nil && rel.Lock.Path != "" {
		return filepath.Base(rel.Lock.Path)
	}
	return "LOCKFILE"
}
