// Package changes answers "what changed between these two releases?": image
// digest, lock state (with risk labels), config, Python version, base image
// and git range, from the records in the ledger. It computes and renders;
// it does not read the ledger or talk to git itself (the caller passes a
// GitLog function when a repository is at hand).
package changes

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/lock"
)

// FieldChange is one changed scalar: a BuildInfo field or a config key.
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Diff is the "what changed" report between two releases.
type Diff struct {
	Old         string        `json:"old"`
	New         string        `json:"new"`
	Service     string        `json:"service"`
	ImageDigest *FieldChange  `json:"imageDigest,omitempty"`
	Python      *FieldChange  `json:"pythonVersion,omitempty"`
	BaseImage   *FieldChange  `json:"baseDigest,omitempty"`
	LockHash    *FieldChange  `json:"lockHash,omitempty"`
	GitRange    string        `json:"gitRange,omitempty"` // "old..new" when both commits are known
	Commits     []string      `json:"commits,omitempty"`  // one line per commit, when a repository was at hand
	Build       []FieldChange `json:"build,omitempty"`    // other BuildInfo fields that changed
	Config      []FieldChange `json:"config,omitempty"`   // changed pinwheel.yaml keys (dotted paths)
	Lock        *lock.Changes `json:"lock,omitempty"`     // nil when either release has no lock snapshot
}

// Options tune Compare.
type Options struct {
	// GitLog, when set, lists the commits in old..new (one line each).
	GitLog func(oldCommit, newCommit string) ([]string, error)
}

// Compare computes what changed from old to new.
func Compare(old, new Facts, opts Options) Diff {
	d := Diff{Old: old.ID, New: new.ID, Service: new.Service}
	d.ImageDigest = change("imageDigest", old.Info.ImageDigest, new.Info.ImageDigest)
	d.Python = change("pythonVersion", old.Info.PythonVersion, new.Info.PythonVersion)
	d.BaseImage = change("baseDigest", old.Info.BaseDigest, new.Info.BaseDigest)
	d.LockHash = change("lockHash", old.Info.LockHash, new.Info.LockHash)
	if old.Info.GitCommit != "" && new.Info.GitCommit != "" && old.Info.GitCommit != new.Info.GitCommit {
		d.GitRange = shortSHA(old.Info.GitCommit) + ".." + shortSHA(new.Info.GitCommit)
		if opts.GitLog != nil {
			if commits, err := opts.GitLog(old.Info.GitCommit, new.Info.GitCommit); err == nil {
				d.Commits = commits
			}
		}
	}
	for _, f := range []struct{ name, o, n string }{
		{"version", old.Info.Version, new.Info.Version},
		{"gitCommit", old.Info.GitCommit, new.Info.GitCommit},
		{"gitDirty", fmt.Sprint(old.Info.GitDirty), fmt.Sprint(new.Info.GitDirty)},
		{"baseImage", old.Info.BaseImage, new.Info.BaseImage},
		{"builderVersion", old.Info.BuilderVersion, new.Info.BuilderVersion},
		{"ciRunId", old.Info.CIRunID, new.Info.CIRunID},
		{"reproducible", fmt.Sprint(old.Info.Reproducible), fmt.Sprint(new.Info.Reproducible)},
	} {
		if c := change(f.name, f.o, f.n); c != nil {
			d.Build = append(d.Build, *c)
		}
	}
	d.Config = configChanges(old.Config, new.Config)
	if old.Lock != nil && new.Lock != nil {
		ch := lock.Diff(old.Lock, new.Lock)
		d.Lock = &ch
	}
	return d
}

func change(field, old, new string) *FieldChange {
	if old == new {
		return nil
	}
	return &FieldChange{Field: field, Old: old, New: new}
}

func shortSHA(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// configChanges flattens both JSON documents to dotted paths and lists the
// paths whose values differ, sorted.
func configChanges(old, new json.RawMessage) []FieldChange {
	a, b := map[string]string{}, map[string]string{}
	flatten("", decode(old), a)
	flatten("", decode(new), b)
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var out []FieldChange
	for k := range keys {
		if a[k] != b[k] {
			out = append(out, FieldChange{Field: k, Old: a[k], New: b[k]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func decode(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	return v
}

func flatten(prefix string, v any, out map[string]string) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			flatten(join(k), val, out)
		}
	case []any:
		for i, val := range t {
			flatten(fmt.Sprintf("%s[%d]", prefix, i), val, out)
		}
	case nil:
	default:
		b, _ := json.Marshal(t)
		out[prefix] = strings.Trim(string(b), `"`)
	}
}
