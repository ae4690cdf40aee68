package lock

import "strings"

// parsePyproject reads the dependency declarations of a pyproject.toml:
// [project] (PEP 621) dependencies → group main, optional-dependencies →
// the extra's name, requires-python; [dependency-groups] (PEP 735, with
// include-group); [tool.poetry] dependencies, dev-dependencies and
// group.<name>.dependencies; [tool.uv] dev-dependencies → dev; [tool.pdm]
// dev-dependencies.<group>.
func parsePyproject(path string, data []byte) (*Manifest, error) {
	r, err := newManifestReader(path, data)
	if err != nil {
		return nil, err
	}
	root := r.root()
	if project, ok := r.table(root, "project"); ok {
		r.m.Name = r.str(project, "name")
		r.requiresPython(project, "requires-python")
		r.pep508List(project, "dependencies", "main")
		if opt, ok := r.table(project, "optional-dependencies"); ok {
			for _, extra := range r.keysInFileOrder(opt) {
				r.pep508List(opt, extra, extra)
			}
		}
	}
	if groups, ok := r.table(root, "dependency-groups"); ok {
		for _, g := range r.keysInFileOrder(groups) {
			r.dependencyGroup(groups, g, g, nil)
		}
	}
	if tool, ok := r.table(root, "tool"); ok {
		r.toolSections(tool)
	}
	if r.err != nil {
		return nil, r.err
	}
	return r.m, nil
}

func (r *manifestReader) toolSections(tool tval) {
	if poetry, ok := r.table(tool, "poetry"); ok {
		if r.m.Name == "" {
			r.m.Name = r.str(poetry, "name")
		}
		r.poetryDeps(poetry, "dependencies", "main")
		r.poetryDeps(poetry, "dev-dependencies", "dev")
		if groups, ok := r.table(poetry, "group"); ok {
			for _, g := range r.keysInFileOrder(groups) {
				if gt, ok := r.table(groups, g); ok {
					r.poetryDeps(gt, "dependencies", g)
				}
			}
		}
	}
	if uv, ok := r.table(tool, "uv"); ok {
		r.pep508List(uv, "dev-dependencies", "dev")
		r.uvDefaultGroups(uv)
	}
	if pdm, ok := r.table(tool, "pdm"); ok {
		if dev, ok := r.table(pdm, "dev-dependencies"); ok {
			for _, g := range r.keysInFileOrder(dev) {
				r.pep508List(dev, g, g)
			}
		}
	}
}

// dependencyGroup records PEP 735 group g (entries are requirement strings
// or {include-group = "other"}), attributing included entries to group as.
func (r *manifestReader) dependencyGroup(groups tval, g, as string, seen []string) {
	for _, s := range seen {
		if s == g {
			r.failf(joinKey(groups.path, g), "dependency-groups.%s: include-group cycle: %s -> %s", as, strings.Join(seen, " -> "), g)
			return
		}
	}
	v, ok := r.get(groups, g)
	if !ok {
		r.failf(groups.path, "dependency-groups: include-group %q names no group", g)
		return
	}
	arr, isArr := v.v.([]any)
	if !isArr {
		r.wrongType(v, "an array")
		return
	}
	for i, e := range arr {
		ev := tval{v: e, path: indexKey(v.path, i)}
		if inc, isTable := e.(map[string]any); isTable {
			name, _ := inc["include-group"].(string)
			if name == "" {
				r.failf(ev.path, "%s: expected a requirement string or {include-group = \"name\"}", ev.path)
				return
			}
			r.dependencyGroup(groups, name, as, append(seen, g))
			continue
		}
		r.pep508(ev, as)
	}
}

// poetryPython reads [tool.poetry.dependencies] python. With [project]
// requires-python set too, poetry resolves for both at once (poetry 2
// narrows the range this way), so the project's range is their
// intersection, at poetry's line.
func (r *manifestReader) poetryPython(deps tval) {
	outer, outerLine := r.m.RequiresPython, r.m.RequiresPythonLine
	r.m.RequiresPython = ""
	r.requiresPython(deps, "python")
	if spec, ok := poetryToPEP440(r.m.RequiresPython); ok {
		r.m.RequiresPython = spec
	}
	switch {
	case r.m.RequiresPython == "":
		r.m.RequiresPython, r.m.RequiresPythonLine = outer, outerLine
	case outer != "":
		r.m.RequiresPython = outer + "," + r.m.RequiresPython
	}
}

// poetryDeps reads a poetry dependency table: name = "constraint", a table
// {version, extras, markers, git, path, url, ...}, or an array of such
// tables. "python" is the project's Python constraint, not a package.
func (r *manifestReader) poetryDeps(t tval, key, group string) {
	deps, ok := r.table(t, key)
	if !ok {
		return
	}
	for _, name := range r.keysInFileOrder(deps) {
		if name == "python" {
			r.poetryPython(deps)
			continue
		}
		v, _ := r.get(deps, name)
		req := Requirement{Name: normalizeManifestName(name), Group: group, File: r.m.Path, Line: r.lineOf(v.path)}
		switch val := v.v.(type) {
		case string:
			req.Specifier = poetrySpecifier(val)
		case map[string]any:
			r.poetryTable(v, &req)
		case []any:
			if len(val) > 0 {
				r.poetryTable(tval{v: val[0], path: indexKey(v.path, 0)}, &req)
			}
		default:
			r.wrongType(v, "a version string or a table")
		}
		r.m.Requirements = append(r.m.Requirements, req)
	}
}

func (r *manifestReader) poetryTable(v tval, req *Requirement) {
	if _, ok := v.v.(map[string]any); !ok {
		r.wrongType(v, "a table")
		return
	}
	req.Specifier = poetrySpecifier(r.str(v, "version"))
	req.Extras = r.strs(v, "extras")
	req.Marker = r.str(v, "markers")
	for _, k := range []string{"git", "url", "path"} {
		if s := r.str(v, k); s != "" {
			req.URL = s
		}
	}
}

// uvDefaultGroups reads [tool.uv] default-groups: an array of group names
// or the string "all".
func (r *manifestReader) uvDefaultGroups(uv tval) {
	v, ok := r.get(uv, "default-groups")
	if !ok {
		return
	}
	if s, isStr := v.v.(string); isStr {
		if s != "all" {
			r.failf(v.path, "%s: %q: expected \"all\" or an array of group names", v.path, s)
			return
		}
		r.m.UVDefaultGroups = []string{"all"}
		return
	}
	r.m.UVDefaultGroups = append([]string{}, r.strs(uv, "default-groups")...)
}
