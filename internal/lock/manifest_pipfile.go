package lock

import "pinwheel.dev/pinwheel/internal/pep"

// parsePipfileManifest reads a Pipfile: [packages] → group main,
// [dev-packages] → dev, [requires] python_version / python_full_version.
func parsePipfileManifest(path string, data []byte) (*Manifest, error) {
	r, err := newManifestReader(path, data)
	if err != nil {
		return nil, err
	}
	root := r.root()
	if req, ok := r.table(root, "requires"); ok {
		full, short := r.str(req, "python_full_version"), r.str(req, "python_version")
		if spec := pythonVersionSpecifier(full, short); spec != "" {
			r.m.RequiresPython = spec
			key := "python_version"
			if full != "" {
				key = "python_full_version"
			}
			r.m.RequiresPythonLine = r.lineOf(joinKey(req.path, key))
		}
	}
	for _, sec := range []struct{ key, group string }{{"packages", "main"}, {"dev-packages", "dev"}} {
		pkgs, ok := r.table(root, sec.key)
		if !ok {
			continue
		}
		for _, name := range r.keysInFileOrder(pkgs) {
			v, _ := r.get(pkgs, name)
			req := Requirement{Name: normalizeManifestName(name), Group: sec.group, File: path, Line: r.lineOf(v.path)}
			switch val := v.v.(type) {
			case string:
				req.Specifier = pipfileSpecifier(val)
			case map[string]any:
				req.Specifier = pipfileSpecifier(r.str(v, "version"))
				req.Extras = r.strs(v, "extras")
				req.Marker = r.str(v, "markers")
				for _, k := range []string{"git", "hg", "svn", "bzr", "file", "path"} {
					if s := r.str(v, k); s != "" {
						req.URL = s
					}
				}
			default:
				r.wrongType(v, `a version string such as "*" or "==1.2" or a table`)
			}
			r.m.Requirements = append(r.m.Requirements, req)
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	return r.m, nil
}

// pipfileSpecifier maps Pipfile's and poetry's "*" (any version) to an empty specifier.
func pipfileSpecifier(s string) string {
	if s == "*" {
		return ""
	}
	return s
}

func normalizeManifestName(name string) string { return pep.NormalizeName(name) }
