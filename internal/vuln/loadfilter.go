package vuln

import "bytes"

// LoadOption configures Load.
type LoadOption func(*loadOptions)

type loadOptions struct {
	names map[string]bool // normalized package names; nil: every record
}

// ForPackages makes Load parse only the records that may name one of
// pkgs: a cheap scan of each record's "name" values (JSON) or name: lines
// (YAML) picks the candidates, and only those are parsed and validated. A
// scan of a few packages against a whole ecosystem's export reads every
// file but parses a handful.
func ForPackages(pkgs []Package) LoadOption {
	return func(o *loadOptions) {
		o.names = map[string]bool{}
		for _, p := range pkgs {
			o.names[normalizeName(p.Ecosystem, p.Name)] = true
			o.names[p.Name] = true
		}
	}
}

// mentionsAny reports whether data has a name value (JSON "name": "…" or
// YAML name: …) in names, PEP 503-normalized or as written. It may say yes
// for a name that is not a package's (a credit's); never no for a
// package's.
func mentionsAny(data []byte, names map[string]bool) bool {
	for rest := data; ; {
		i := bytes.Index(rest, []byte("name"))
		if i < 0 {
			return false
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
		quoted := len(v) > 0 && (v[0] == '"' || v[0] == '\'')
		if quoted {
			v = v[1:]
		}
		end := bytes.IndexAny(v, "\"'\r\n,}#")
		if end < 0 {
			end = len(v)
		}
		n := string(bytes.TrimSpace(v[:end]))
		if names[n] || names[normalizeName(PyPI, n)] {
			return true
		}
	}
}
