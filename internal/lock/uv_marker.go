package lock

// uv.lock records markers on edges, not on packages. uvMarkers derives each
// reachable package's Marker from the edges into it: the package is
// installed when any parent is installed and that edge's marker holds, so
//
//	marker(p) = OR over edges q→p of (marker(q) AND edge marker)
//
// with the roots unconditional. The markers are joined as text, not
// simplified; when the result would grow past maxDerivedMarker, or a
// parent's marker cannot be settled (a cycle), the package is left
// unconditional (empty Marker), which over-states where it is installed
// rather than under-stating it.

const maxDerivedMarker = 400

func (g *uvGraph) uvMarkers(roots []int) {
	n := len(g.entries)
	known := make([]bool, n)
	marker := make([]string, n)
	for _, r := range roots {
		known[r] = true
	}
	type edge struct {
		from   int
		marker string
	}
	incoming := make([][]edge, n)
	for i, e := range g.entries {
		if len(e.pkg.Groups) == 0 { // unreachable: its edges install nothing
			continue
		}
		for _, list := range e.edgeLists() {
			for k := range list {
				j := g.targets[&list[k]]
				if j != i {
					incoming[j] = append(incoming[j], edge{i, list[k].marker})
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for p := range g.entries {
			if known[p] || len(incoming[p]) == 0 {
				continue
			}
			var terms []string
			settled, always := true, false
			for _, e := range incoming[p] {
				if !known[e.from] {
					settled = false
					break
				}
				m := andMarker(marker[e.from], e.marker)
				if m == "" {
					always = true
					break
				}
				terms = addUnique(terms, m)
			}
			if always {
				known[p], changed = true, true
				continue
			}
			if !settled {
				continue
			}
			known[p], changed = true, true
			marker[p] = orMarkers(terms)
			if len(marker[p]) > maxDerivedMarker {
				marker[p] = ""
			}
		}
	}
	for p, e := range g.entries {
		if known[p] {
			e.pkg.Marker = marker[p]
		}
	}
}

func orMarkers(terms []string) string {
	if len(terms) == 1 {
		return terms[0]
	}
	out := ""
	for i, t := range terms {
		if i > 0 {
			out += " or "
		}
		out += "(" + t + ")"
	}
	return out
}
