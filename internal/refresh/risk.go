package refresh

import (
	"net/url"
	"path"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/lock"
)

// label names every risk of u and ranks it: a major version or a release
// from another index than the locked one is high; a minor version, a
// pre-release, a new dependency or a version that is not PEP 440 is
// medium; a patch is low. A yanked locked version raises nothing (moving
// off it is the point) but is labelled so reviewers see why.
func label(u *Update, lockedIndex, newIndex *url.URL) ([]string, lock.Risk) {
	labels := []string{string(u.Level)}
	risk := lock.RiskLow
	switch u.Level {
	case lock.LevelMajor:
		risk = lock.RiskHigh
	case lock.LevelMinor, lock.LevelPrerelease, lock.LevelUnknown:
		risk = lock.RiskMedium
	}
	if u.LockedYanked {
		labels = append(labels, LabelYanked)
	}
	if lockedIndex != nil && !sameIndex(lockedIndex, newIndex) {
		labels = append(labels, LabelNewIndex)
		risk = lock.RiskHigh
	}
	if len(u.NewDependencies) > 0 {
		labels = append(labels, LabelNewDependency)
		risk = maxRisk(risk, lock.RiskMedium)
	}
	return labels, risk
}

// groupOf is the configured group whose packages match name (first one
// wins), else the level's group.
func groupOf(name string, level lock.Level, groups []config.RefreshGroup) string {
	for _, g := range groups {
		for _, pat := range g.Packages {
			if ok, _ := path.Match(pat, name); ok {
				return g.Name
			}
		}
	}
	return string(level)
}

// levelOrder is the display order of the level groups, riskiest first.
var levelOrder = []lock.Level{lock.LevelMajor, lock.LevelPrerelease, lock.LevelMinor, lock.LevelUnknown, lock.LevelPatch}

// group orders the updates into groups: the configured ones in their
// order, then the level groups riskiest first. Empty groups are left out.
func group(updates []Update, configured []config.RefreshGroup) []Group {
	var names []string
	for _, g := range configured {
		names = append(names, g.Name)
	}
	for _, l := range levelOrder {
		names = append(names, string(l))
	}
	out := []Group{}
	for _, n := range names {
		g := Group{Name: n, Risk: lock.RiskLow}
		for _, u := range updates {
			if u.Group == n {
				g.Packages = append(g.Packages, u.Package)
				g.Risk = maxRisk(g.Risk, u.Risk)
			}
		}
		if len(g.Packages) > 0 && !contains(out, n) {
			out = append(out, g)
		}
	}
	return out
}

func contains(gs []Group, name string) bool {
	for _, g := range gs {
		if g.Name == name {
			return true
		}
	}
	return false
}
