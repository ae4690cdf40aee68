package lock

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

func compareVersions(a, b string) int {
	av, errA := pep.ParseVersion(a)
	bv, errB := pep.ParseVersion(b)
	if errA != nil || errB != nil {
		return strings.Compare(a, b)
	}
	return pep.Compare(av, bv)
}

// VersionLevel labels the move from version from to version to the way
// Diff does (CalVer years are minor, not major); refresh labels proposed
// upgrades with it.
func VersionLevel(from, to string) Level { return versionLevel(from, to) }

// versionLevel labels the move from version from to version to (either
// direction): pre-release when to is one, else the first release segment
// that differs.
func versionLevel(from, to string) Level {
	lv, errL := pep.ParseVersion(from)
	hv, errH := pep.ParseVersion(to)
	if errL != nil || errH != nil {
		return LevelUnknown
	}
	if hv.IsPrerelease() {
		return LevelPrerelease
	}
	if lv.Epoch() != hv.Epoch() {
		return LevelMajor
	}
	lr, hr := padRelease(lv.Release()), padRelease(hv.Release())
	if calendar(lr[0]) && calendar(hr[0]) {
		// CalVer (certifi 2024.7.4, pip 24.x is not: 24 < 1900): a new
		// year is time passing, not a breaking change.
		if lr[0] != hr[0] {
			return LevelMinor
		}
		return LevelPatch
	}
	switch {
	case lr[0] != hr[0]:
		return LevelMajor
	case lr[1] != hr[1]:
		return LevelMinor
	}
	return LevelPatch
}

// calendar says whether a first release segment is a year (YYYY) or a
// date (YYYYMMDD): calendar versioning.
func calendar(first int) bool {
	return (first >= 1900 && first <= 2999) || (first >= 19000101 && first <= 29991231)
}

func padRelease(r []int) []int {
	for len(r) < 3 {
		r = append(r, 0)
	}
	return r
}

// finishChange sets the risk of a change.
func finishChange(ch Change) Change {
	switch {
	case ch.Suspicious, ch.HashesLost, ch.Unpinned, ch.Kind == ChangeDowngraded, ch.Level == LevelMajor,
		ch.SourceChanged && sourceKindOf(ch.OldSource) != sourceKindOf(ch.NewSource):
		ch.Risk = RiskHigh
	case ch.Kind == ChangeAdded, ch.Level == LevelMinor, ch.Level == LevelPrerelease, ch.Level == LevelUnknown, ch.SourceChanged:
		ch.Risk = RiskMedium
	default:
		ch.Risk = RiskLow
	}
	return ch
}

func sourceKindOf(canonical string) string {
	kind, _, _ := strings.Cut(canonical, " ")
	return kind
}

func summarize(changes []Change) Summary {
	var s Summary
	for _, c := range changes {
		switch c.Kind {
		case ChangeAdded:
			s.Added++
		case ChangeRemoved:
			s.Removed++
		case ChangeUpgraded:
			s.Upgraded++
		case ChangeDowngraded:
			s.Downgraded++
		case ChangeChanged:
			s.Changed++
		}
		switch c.Level {
		case LevelMajor:
			s.Major++
		case LevelMinor:
			s.Minor++
		case LevelPatch:
			s.Patch++
		case LevelPrerelease:
			s.Prerelease++
		}
		s.SourceChanged += b2i(c.SourceChanged)
		s.HashesChanged += b2i(c.HashesChanged)
		s.Suspicious += b2i(c.Suspicious)
		s.HashesLost += b2i(c.HashesLost)
		s.HighRisk += b2i(c.Risk == RiskHigh)
	}
	return s
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
