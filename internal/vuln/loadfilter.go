package vuln

import "bytes"

// LoadOption configures Load.
type LoadOption func(*loadOptions)

type loadOptions struct {
	names    map[string]bool // normalized package names; nil: every record
	indexDir string          // where zip name indexes are kept; "": none
}

// ForPackages makes Load parse only the records that may name one of
// pkgs: a cheap scan of each record's "name" values (JSON) or name: lines
// (YAML) picks the candidates, and only those are parsed and validated.
func ForPackages(pkgs []Package) LoadOption {
	return func(o *loadOptions) {
		o.names = map[string]bool{}
		for _, p := range pkgs {
			o.names[normalizeName(p.Ecosystem, p.Name)] = true
			o.names[p.Name] = true
		}
	}
}

// WithIndexCache keeps, in dir, an index of each zip export Load reads:
// which entries name which packages (the same scan ForPackages does). The
// next Load of the same zip (same path, size and modification time) with
// ForPackages opens only the entries that name a wanted package.
func WithIndexCache(dir string) LoadOption {
	return func(o *loadOptions) { o.indexDir = dir }
}

// mentionsAny reports whether data has a name value in names (PEP
// 503-normalized or as written). It may say yes for a name that is not a
// package's (a credit's); never no for a package's.
func mentionsAny(data []byte, names map[string]bool) bool {
	found := false
	eachName(data, func(n string) bool {
		found = names[n] || names[normalizeName(PyPI, n)]
		return !found
	})
	return found
}

// eachName calls fn with every value of a "name" key in data — JSON
// "name": "…" or YAML name: … — until fn returns false.
func eachName(data []byte, fn func(string) bool) {
	for rest := data; ; {
		i := bytes.Index(rest, []byte("name"))
		if i < 0 {
			return
		}
		rest = rest[i+4:]
		v := rest
		if len(v) > 0 && v[0] == '"' { // JSON key's closing quote
			v = v[1:]
		}
		v = bytes.TrimLeft(v, " \t")
		if len(v) == 0 || v[0] != ':' {
			continue
		}
		v = bytes.TrimLeft(v[1:], " \t")
		if len(v) > 0 && (v[0] == '"' || v[0] == '\'') {
			v = v[1:]
		}
		end := bytes.IndexAny(v, "\"'\r\n,}#")
		if end < 0 {
			end = len(v)
		}
		if !fn(string(bytes.TrimSpace(v[:end]))) {
			return
		}
	}
}
