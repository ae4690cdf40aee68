package config

import (
	"net/url"
	"path"
	"regexp"

	"gopkg.in/yaml.v3"
)

// Debian is base.debian: a base image assembled from Debian packages
// pinned in a lock (`pinwheel base lock`) instead of a registry image.
type Debian struct {
	// Suite is the Debian suite by codename: bookworm, trixie.
	Suite string `yaml:"suite"`
	// Components of the archive to resolve from; default [main].
	Components []string `yaml:"components"`
	// Packages to install with their dependency closure.
	Packages []string `yaml:"packages"`
	// Exclude names dependencies treated as satisfied without installing
	// them, e.g. debconf (used only by maintainer scripts).
	Exclude []string `yaml:"exclude"`
	// Lock is the lock file, relative to the project; default base.lock.
	Lock string `yaml:"lock"`
	// Mirror is an archive root URL (http, https or file), e.g.
	// http://deb.debian.org/debian: where indexes are resolved from and
	// .debs fetched.
	Mirror string `yaml:"mirror"`
	// Index is a local index instead of a mirror: an apt lists directory
	// (/var/lib/apt/lists) or one Packages file.
	Index string `yaml:"index"`
	// Keyring verifies InRelease signatures; default
	// /usr/share/keyrings/debian-archive-keyring.gpg.
	Keyring string `yaml:"keyring"`
	// Pools are local directories holding .debs (an archive root, apt-get
	// download output, /var/cache/apt/archives), tried before the mirror.
	Pools []string `yaml:"pools"`
}

type baseSection struct {
	Debian Debian `yaml:"debian"`
}

// takeDebianBase removes a mapping-valued `base:` from root and decodes it
// as base.debian. A string `base:` is left for the ordinary decoder.
func (c *Config) takeDebianBase(path string, root *yaml.Node) error {
	if root.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "base" || v.Kind != yaml.MappingNode {
			continue
		}
		var s baseSection
		if err := decodeStruct(path, "base.", v, &s, c.pos); err != nil {
			return err
		}
		c.pos["base"] = position{v.Line, v.Column}
		if len(v.Content) == 0 {
			return nil
		}
		c.Debian = &s.Debian
		if c.Debian.Lock == "" {
			c.Debian.Lock = "base.lock"
		}
		root.Content = append(root.Content[:i:i], root.Content[i+2:]...)
		return nil
	}
	return nil
}

var suiteRe = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// validateDebian checks base.debian.
func (c *Config) validateDebian(bad func(key, format string, args ...any)) {
	d := c.Debian
	if d.Suite == "" {
		bad("base.debian", "suite is required, e.g. suite: bookworm")
	} else if !suiteRe.MatchString(d.Suite) {
		bad("base.debian.suite", "%q is not a suite codename (e.g. bookworm)", d.Suite)
	}
	if len(d.Packages) == 0 {
		bad("base.debian", "packages is required: the Debian packages of the base, e.g. [python3.11-minimal, libpython3.11-stdlib]")
	}
	if !localPath(d.Lock) {
		bad("base.debian.lock", "%q must be a relative path inside the project", d.Lock)
	}
	if d.Mirror != "" {
		u, err := url.Parse(d.Mirror)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "file") || (u.Scheme != "file" && u.Host == "") {
			bad("base.debian.mirror", "%q is not an http(s):// or file:// URL of a Debian archive root", d.Mirror)
		}
	}
	if d.Mirror != "" && d.Index != "" {
		bad("base.debian.index", "set mirror or index, not both")
	}
	if len(c.Platforms) != 1 {
		bad("platforms", "a base.debian base is locked for one architecture: list one platform (got %d)", len(c.Platforms))
	}
	if c.Interpreter != "" && !path.IsAbs(c.Interpreter) {
		bad("interpreter", "%q must be an absolute path in the image", c.Interpreter)
	}
}

// ErrorAt places err at the position of key (dotted, e.g.
// "base.debian.packages") in the config file: for problems found later
// with a value the file gave.
func (c *Config) ErrorAt(key string, err error) error {
	return c.errAt(key, "%v", err)
}
