package check

import (
	"fmt"
	"regexp"
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

// buildPlatforms are the platforms pinwheel builds images for; a declared
// dependency whose marker holds on none of them is not expected in a lock
// resolved for them (a pip-compile requirements.txt, say).
var buildPlatforms = []string{"linux/amd64", "linux/arm64"}

var pythonMinor = regexp.MustCompile(`^(?:python-)?(3\.\d+)`)

// targetPythons are the Python X.Y versions the project may be built with:
// the one .python-version names, else every 3.8–3.14 release the
// manifest's requires-python allows (all of them when it says nothing).
func targetPythons(p *project, requiresPython string) []string {
	if data, ok, err := p.read(".python-version"); err == nil && ok {
		for _, line := range strings.Split(string(data), "\n") {
			if m := pythonMinor.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
				return []string{m[1]}
			}
		}
	}
	set, err := pep.ParseSpecifierSet(requiresPython)
	var out []string
	for minor := 8; minor <= 14; minor++ {
		v := fmt.Sprintf("3.%d", minor)
		if err == nil && requiresPython != "" {
			pv, perr := pep.ParseVersion(v + ".0")
			if perr != nil || !set.Contains(pv, true) {
				continue
			}
		}
		out = append(out, v)
	}
	return out
}

// markerMayHold reports whether marker holds for any of the project's build
// targets. An unparsable marker, or one no target can evaluate, may hold.
func markerMayHold(marker string, pythons []string) bool {
	if strings.TrimSpace(marker) == "" {
		return true
	}
	m, err := pep.ParseMarker(marker)
	if err != nil {
		return true
	}
	evaluated := false
	for _, platform := range buildPlatforms {
		for _, py := range pythons {
			t, err := pep.ParseTarget(platform, py)
			if err != nil {
				continue
			}
			ok, err := m.Evaluate(pep.EnvironmentFor(t))
			if err != nil {
				continue
			}
			if ok {
				return true
			}
			evaluated = true
		}
	}
	return !evaluated
}
