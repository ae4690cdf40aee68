package config

import (
	"fmt"
	"path"
	"strings"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/refresh/window"
)

// Refresh is the refresh: section of pinwheel.yaml: when `pinwheel
// refresh` may propose upgrades and how it groups them.
//
//	refresh:
//	  windows: ["Mon 06:00-10:00 UTC"]
//	  groups:
//	    - name: web
//	      packages: ["fastapi", "starlette", "uvicorn*"]
//	  ignore: ["boto3", "django>=5"]
//	  prereleases: false
//	  allGroups: false
//	  labels: ["dependencies"]
type Refresh struct {
	// Windows are the refresh windows; none means any time.
	Windows []window.Window
	// Groups put matching packages into one named group (first match wins);
	// packages in no group are grouped by risk.
	Groups []RefreshGroup
	// Ignore are packages never proposed, or only their versions in a range.
	Ignore []RefreshIgnore
	// Prereleases allows pre-releases for every package (by default only a
	// package locked at a pre-release is offered newer pre-releases).
	Prereleases bool
	// AllGroups checks every locked package, not only the production set.
	AllGroups bool
	// Labels are put on every pull request besides the risk labels.
	Labels []string
}

// RefreshGroup is one entry of refresh.groups.
type RefreshGroup struct {
	Name string
	// Packages are PEP 503 names or shell globs over them ("uvicorn*").
	Packages  []string
	Line, Col int
}

// RefreshIgnore is one entry of refresh.ignore: a PEP 508 name with an
// optional specifier. Without a specifier the package is never proposed;
// with one, versions inside it are not.
type RefreshIgnore struct {
	Name      string // PEP 503-normalised
	Specifier string
	Line, Col int
}

// RefreshSection is the refresh: section, or its first problem at file:line:col.
func (c *Config) RefreshSection() (Refresh, error) { return c.Refresh, c.sectionErr["refresh"] }

func decodeRefresh(node *yaml.Node, file string) (Refresh, error) {
	var r Refresh
	if isNull(node) {
		return r, nil
	}
	d := walker{path: file}
	err := d.mapping(node, "refresh", fields{
		"windows": func(_, n *yaml.Node) error {
			return d.list(n, "refresh.windows", func(i int, item *yaml.Node) error {
				var spec string
				if err := d.str(item, fmt.Sprintf("refresh.windows[%d]", i), &spec); err != nil {
					return err
				}
				w, err := window.Parse(spec)
				if err != nil {
					return d.at(item, "refresh.windows[%d]: %v", i, err)
				}
				r.Windows = append(r.Windows, w)
				return nil
			})
		},
		"groups": func(_, n *yaml.Node) error {
			return d.list(n, "refresh.groups", func(i int, item *yaml.Node) error {
				g, err := d.refreshGroup(item, fmt.Sprintf("refresh.groups[%d]", i))
				r.Groups = append(r.Groups, g)
				return err
			})
		},
		"ignore": func(_, n *yaml.Node) error {
			return d.list(n, "refresh.ignore", func(i int, item *yaml.Node) error {
				ig, err := d.refreshIgnore(item, fmt.Sprintf("refresh.ignore[%d]", i))
				r.Ignore = append(r.Ignore, ig)
				return err
			})
		},
		"prereleases": func(_, n *yaml.Node) error { return d.boolean(n, "refresh.prereleases", &r.Prereleases) },
		"allGroups":   func(_, n *yaml.Node) error { return d.boolean(n, "refresh.allGroups", &r.AllGroups) },
		"labels": func(_, n *yaml.Node) error {
			return d.list(n, "refresh.labels", func(i int, item *yaml.Node) error {
				var l string
				if err := d.str(item, fmt.Sprintf("refresh.labels[%d]", i), &l); err != nil {
					return err
				}
				if strings.TrimSpace(l) == "" || len(l) > 50 {
					return d.at(item, "refresh.labels[%d]: expected a label of 1 to 50 characters", i)
				}
				r.Labels = append(r.Labels, l)
				return nil
			})
		},
	})
	return r, err
}

func (d walker) refreshGroup(n *yaml.Node, key string) (RefreshGroup, error) {
	g := RefreshGroup{Line: n.Line, Col: n.Column}
	err := d.mapping(n, key, fields{
		"name": func(_, v *yaml.Node) error { return d.str(v, key+".name", &g.Name) },
		"packages": func(_, v *yaml.Node) error {
			return d.list(v, key+".packages", func(i int, item *yaml.Node) error {
				var p string
				if err := d.str(item, fmt.Sprintf("%s.packages[%d]", key, i), &p); err != nil {
					return err
				}
				if _, err := path.Match(p, ""); err != nil || p == "" {
					return d.at(item, "%s.packages[%d]: expected a package name or a glob like \"uvicorn*\", got %q", key, i, p)
				}
				g.Packages = append(g.Packages, strings.ToLower(p))
				return nil
			})
		},
	})
	switch {
	case err != nil:
		return g, err
	case g.Name == "":
		return g, d.at(n, "%s: expected a name", key)
	case len(g.Packages) == 0:
		return g, d.at(n, "%s: expected packages (names or globs)", key)
	}
	return g, nil
}

func (d walker) refreshIgnore(n *yaml.Node, key string) (RefreshIgnore, error) {
	ig := RefreshIgnore{Line: n.Line, Col: n.Column}
	var s string
	if err := d.str(n, key, &s); err != nil {
		return ig, err
	}
	req, err := pep.ParseRequirement(s)
	if err != nil || req.URL != "" || !req.Marker.IsEmpty() || len(req.Extras) > 0 {
		return ig, d.at(n, "%s: expected a package name with an optional version specifier, like \"django\" or \"django>=5\", got %q", key, s)
	}
	ig.Name, ig.Specifier = req.NormalizedName(), req.Specifier.String()
	return ig, nil
}

// boolean decodes true or false.
func (d walker) boolean(n *yaml.Node, key string, out *bool) error {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		return d.at(n, "%s: expected true or false, got %s", key, kindName(n))
	}
	*out = n.Value == "true" || n.Value == "True" || n.Value == "TRUE"
	return nil
}
