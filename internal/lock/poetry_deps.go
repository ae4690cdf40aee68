package lock

import (
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/pep"
)

// poetryDeps reads [package.dependencies] in every shape Poetry writes:
//
//	idna = ">=2.5"
//	urllib3 = {version = ">=1.21.1,<3", markers = "...", extras = ["socks"], optional = true}
//	numpy = [{version = ">=1.22.4", markers = "python_version < \"3.11\""}, {...}]
//	mylib = {git = "https://...", rev = "main"} / {path = "../lib", develop = true} / {url = "..."}
//
// An optional dependency gets extra == '<name>' for the extras that list it.
func (r *tomlReader) poetryDeps(t tval, extraOf map[string][]string) []Dependency {
	dt, ok := r.table(t, "dependencies")
	if !ok {
		return nil
	}
	var out []Dependency
	keys := sortedKeys(dt)
	sort.SliceStable(keys, func(i, j int) bool { return pep.NormalizeName(keys[i]) < pep.NormalizeName(keys[j]) })
	for _, key := range keys {
		v, _ := r.get(dt, key)
		name := pep.NormalizeName(key)
		switch val := v.v.(type) {
		case string:
			out = append(out, Dependency{Name: name, Specifier: val})
		case map[string]any:
			out = append(out, r.poetryDepTable(v, name, extraOf))
		case []any:
			for i, e := range val {
				ev := tval{v: e, path: indexKey(v.path, i)}
				if _, isMap := e.(map[string]any); !isMap {
					r.wrongType(ev, "a dependency table {version = ..., markers = ...}")
					return nil
				}
				out = append(out, r.poetryDepTable(ev, name, extraOf))
			}
		default:
			r.wrongType(v, "a version constraint string, a table or an array of tables")
			return nil
		}
	}
	return out
}

func (r *tomlReader) poetryDepTable(v tval, name string, extraOf map[string][]string) Dependency {
	d := Dependency{Name: name, Specifier: r.str(v, "version"), Extras: normalizeExtras(r.strs(v, "extras")),
		Marker: r.str(v, "markers")}
	if r.boolean(v, "optional") && !strings.Contains(d.Marker, "extra") {
		var conds []string
		for _, x := range extraOf[name] {
			conds = append(conds, "extra == '"+x+"'")
		}
		cond := strings.Join(conds, " or ")
		if len(conds) > 1 {
			cond = "(" + cond + ")"
		}
		d.Marker = andMarker(d.Marker, cond)
	}
	return d
}

// pinEdges sets each edge's Version to the locked version of its target
// when exactly one package of that name is locked.
func pinEdges(pkgs []Package) {
	versions := map[string][]string{}
	for _, p := range pkgs {
		versions[p.Name] = append(versions[p.Name], p.Version)
	}
	for i := range pkgs {
		for j := range pkgs[i].Dependencies {
			d := &pkgs[i].Dependencies[j]
			if v := versions[d.Name]; d.Version == "" && len(v) == 1 {
				d.Version = v[0]
			}
		}
	}
}

// extrasFromEdges sets each package's Extras to the extras its incoming
// edges ask for.
func extrasFromEdges(pkgs []Package) {
	want := map[string]map[string]bool{}
	for _, p := range pkgs {
		for _, d := range p.Dependencies {
			for _, x := range d.Extras {
				if want[d.Name] == nil {
					want[d.Name] = map[string]bool{}
				}
				want[d.Name][pep.NormalizeName(x)] = true
			}
		}
	}
	for i := range pkgs {
		for _, x := range sortedSet(want[pkgs[i].Name]) {
			pkgs[i].Extras = addUnique(pkgs[i].Extras, x)
		}
	}
}

// normalizeExtras applies PEP 685: extra names compare PEP 503-normalised.
func normalizeExtras(extras []string) []string {
	for i, x := range extras {
		extras[i] = pep.NormalizeName(x)
	}
	return extras
}
