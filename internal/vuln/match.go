package vuln

import "sort"

// affects says whether a affects pkg (whose version v is already parsed
// with parse): a listed version, or a version inside one of the ECOSYSTEM
// or SEMVER ranges. GIT ranges name commits and are left to the versions
// list, as OSV's own matcher does.
func affects(a *Affected, pkgVersion string, v version, parse func(string) (version, error)) bool {
	for _, s := range a.Versions {
		if s == pkgVersion {
			return true
		}
		if w, err := parse(s); err == nil && w.compare(v) == 0 {
			return true
		}
	}
	for _, r := range a.Ranges {
		if (r.Type == "ECOSYSTEM" || r.Type == "SEMVER") && inRange(r.Events, v, parse) {
			return true
		}
	}
	return false
}

type parsedEvent struct {
	ev   Event
	v    version // nil for introduced "0"
	zero bool
}

// inRange evaluates one range the way the OSV schema's evaluation section
// says: events sorted by version, introduced opens, fixed closes at the
// version, last_affected closes after it; and when the range has limit
// events, only versions below a limit are affected. An event whose version
// does not parse is left out.
func inRange(events []Event, v version, parse func(string) (version, error)) bool {
	var evs []parsedEvent
	var limits []version
	for _, e := range events {
		if e.Introduced == "0" {
			evs = append(evs, parsedEvent{ev: e, zero: true})
			continue
		}
		raw := e.Introduced + e.Fixed + e.LastAffected + e.Limit // exactly one is set
		w, err := parse(raw)
		if err != nil {
			continue
		}
		if e.Limit != "" {
			limits = append(limits, w)
			continue
		}
		evs = append(evs, parsedEvent{ev: e, v: w})
	}
	if len(limits) > 0 && !belowAny(v, limits) {
		return false
	}
	sort.SliceStable(evs, func(i, j int) bool {
		a, b := evs[i], evs[j]
		if a.zero || b.zero {
			return a.zero && !b.zero
		}
		return a.v.compare(b.v) < 0
	})
	affected := false
	for _, e := range evs {
		switch {
		case e.ev.Introduced != "":
			if e.zero || v.compare(e.v) >= 0 {
				affected = true
			}
		case e.ev.Fixed != "":
			if v.compare(e.v) >= 0 {
				affected = false
			}
		case e.ev.LastAffected != "":
			if v.compare(e.v) > 0 {
				affected = false
			}
		}
	}
	return affected
}

func belowAny(v version, limits []version) bool {
	for _, l := range limits {
		if v.compare(l) < 0 {
			return true
		}
	}
	return false
}

// fixedVersions lists a's fixed events in the package's ecosystem ranges.
func fixedVersions(a *Affected) []string {
	var out []string
	for _, r := range a.Ranges {
		if r.Type == "GIT" {
			continue
		}
		for _, e := range r.Events {
			if e.Fixed != "" {
				out = append(out, e.Fixed)
			}
		}
	}
	return out
}
