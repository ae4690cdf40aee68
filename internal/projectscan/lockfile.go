package projectscan

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/lock"
)

// nativeLocks are the lockfiles of Python's tools, in the order init
// prefers them when the Dockerfile does not say which one production uses.
var nativeLocks = []string{"pylock.toml", "uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock"}

var (
	devReqRE  = regexp.MustCompile(`(?i)(^|[-_./])(dev|devel|develop|development|test|tests|testing|lint|linting|docs?|ci|local|typing|mypy|style|format|tox|debug|bench|e2e|pre-commit)([-_.]|$)`)
	prodReqRE = regexp.MustCompile(`(?i)(^|[-_./])(prod|production|deploy|deployment|release|runtime|main)([-_.]|$)`)
	baseReqRE = regexp.MustCompile(`(?i)(^|[-_./])(base|common)([-_.]|$)`)
)

// lockCand is a file that could be the production lock.
type lockCand struct {
	rel    string // relative to the service directory
	format lock.Format
	role   string // "native", "prod", "default", "base", "other", "dev"
	note   string // why it is or is not a lock
	ok     bool   // usable as the lock
}

// candidates lists the lock-like files of the service at dir.
func (s *scanner) lockCandidates() []lockCand {
	var out []lockCand
	for _, n := range nativeLocks {
		if s.t.isFile(s.rel(n)) {
			f, _ := lock.FormatOf(n)
			out = append(out, lockCand{rel: n, format: f, role: "native", ok: true})
		}
	}
	var reqs []string
	for _, dir := range []string{"", "requirements", "requirements.d", "reqs"} {
		entries, _ := s.t.list(s.rel(dir))
		for _, e := range entries {
			base := path.Base(e.name)
			rel := path.Join(dir, base)
			switch {
			case e.dir:
			case dir == "" && (strings.HasPrefix(base, "pylock.") && strings.HasSuffix(base, ".toml") && base != "pylock.toml"):
				out = append(out, lockCand{rel: rel, format: lock.FormatPylock, role: "native", ok: true})
			case dir == "" && strings.HasPrefix(base, "requirements") && (strings.HasSuffix(base, ".txt") || base == "requirements.lock"),
				dir != "" && strings.HasSuffix(base, ".txt"):
				reqs = append(reqs, rel)
			}
		}
	}
	for _, r := range reqs {
		out = append(out, s.judgeRequirements(r))
	}
	return out
}

// judgeRequirements parses a requirements file and says whether it is a
// lock: every requirement pinned with ==, with hashes for the best grade.
func (s *scanner) judgeRequirements(rel string) lockCand {
	c := lockCand{rel: rel, format: lock.FormatRequirements}
	switch name := strings.TrimSuffix(rel, path.Ext(rel)); {
	case devReqRE.MatchString(name):
		c.role = "dev"
	case prodReqRE.MatchString(name):
		c.role = "prod"
	case rel == "requirements.txt" || rel == "requirements.lock":
		c.role = "default"
	case baseReqRE.MatchString(name):
		c.role = "base"
	default:
		c.role = "other"
	}
	l, err := s.parseLock(rel, lock.FormatRequirements)
	if err != nil {
		c.note = "does not parse: " + err.Error()
		return c
	}
	pinned, hashed := len(l.Packages) > 0, len(l.Packages) > 0
	for _, p := range l.Packages {
		if p.Version == "" || p.Source.Kind == lock.SourceEditable || p.Source.Kind == lock.SourceDirectory {
			pinned = false
		}
		has := false
		for _, a := range p.Artifacts {
			has = has || len(a.Hashes) > 0
		}
		hashed = hashed && has
	}
	switch {
	case !pinned:
		c.note = "not a lock: some requirements are not pinned with =="
	case !hashed:
		c.note, c.ok = "pinned with == but without hashes", true
	default:
		c.note, c.ok = "pinned with hashes", true
	}
	return c
}

// parseLock parses the lock at rel (relative to the service directory)
// through the tree; errors name the file relative to the scanned root.
func (s *scanner) parseLock(rel string, f lock.Format) (*lock.Lock, error) {
	data, err := s.t.read(s.rel(rel))
	if err != nil {
		return nil, &inputerr.Error{Path: s.rel(rel), Msg: "cannot read lockfile", Err: err}
	}
	abs := filepath.Join(s.absRoot, filepath.FromSlash(s.rel(rel)))
	l, err := lock.Parse(abs, f, data, lock.WithRoot(s.absRoot))
	if err != nil {
		var ie *inputerr.Error
		if errors.As(err, &ie) {
			if r, rerr := filepath.Rel(s.absRoot, ie.Path); rerr == nil && filepath.IsLocal(r) {
				ie.Path = filepath.ToSlash(r)
			}
		}
		return nil, err
	}
	return l, nil
}

// What a Dockerfile RUN installs from: -r files of pip/uv pip commands,
// pip-sync files, and the project tools' own sync/install commands.
var (
	pipInstallRE = regexp.MustCompile(`\bpip3?(?:\.[0-9]+)?\s+install\b|\bpip-sync\b|\buv\s+pip\s+(?:install|sync)\b`)
	reqFlagRE    = regexp.MustCompile(`(?:^|\s)(?:-r\s*|--requirement[=\s]\s*)([^\s;&|-][^\s;&|]*)`)
	syncFileRE   = regexp.MustCompile(`(?:pip-sync|uv\s+pip\s+sync)\s+(?:-\S+\s+)*([^\s;&|-][^\s;&|]*)`)
	toolRE       = regexp.MustCompile(`\b(uv\s+sync|uv\s+export|poetry\s+(?:install|export|sync)|pdm\s+(?:install|sync|export)|pipenv\s+(?:install|sync))\b[^;&|]*`)
)

// dockerInstall is a lockfile a Dockerfile RUN installs from.
type dockerInstall struct {
	file string // as written in the RUN, or the tool's lock name
	cmd  string // the install command, for the report
	line int
}

// dockerInstalls lists what the Dockerfile's RUN instructions install from.
func dockerInstalls(df *dockerfile) []dockerInstall {
	var out []dockerInstall
	for _, r := range df.runs {
		cmd := strings.Join(strings.Fields(r.cmd), " ")
		for _, seg := range shellSegments(cmd) {
			if !pipInstallRE.MatchString(seg) {
				continue // -r elsewhere is rm -rf, cp -r…
			}
			for _, m := range reqFlagRE.FindAllStringSubmatch(seg, -1) {
				out = append(out, dockerInstall{file: strings.Trim(m[1], `"'`), cmd: installExcerpt(seg, m[0]), line: r.line})
			}
		}
		for _, m := range syncFileRE.FindAllStringSubmatch(cmd, -1) {
			out = append(out, dockerInstall{file: strings.Trim(m[1], `"'`), cmd: installExcerpt(cmd, m[0]), line: r.line})
		}
		for _, m := range toolRE.FindAllStringSubmatch(cmd, -1) {
			tool := strings.Fields(m[1])[0]
			file := map[string]string{"uv": "uv.lock", "poetry": "poetry.lock", "pdm": "pdm.lock", "pipenv": "Pipfile.lock"}[tool]
			out = append(out, dockerInstall{file: file, cmd: strings.TrimSpace(m[0]), line: r.line})
		}
	}
	return out
}

// shellSegments splits a RUN line at &&, ||, ; and | (quotes aside: an
// install command never needs them).
func shellSegments(cmd string) []string {
	return strings.FieldsFunc(cmd, func(r rune) bool { return r == '&' || r == ';' || r == '|' })
}

func installExcerpt(cmd, match string) string {
	i := strings.Index(cmd, strings.TrimSpace(match))
	start := strings.LastIndexAny(cmd[:max(i, 0)], ";&|")
	end := strings.IndexAny(cmd[i:], ";&|")
	out := cmd[start+1:]
	if end >= 0 {
		out = cmd[start+1 : i+end]
	}
	out = strings.TrimSpace(out)
	if len(out) > 100 {
		out = out[:100] + "…"
	}
	return out
}

// resolveInstalled maps a path a RUN names (in the image) to a file of the
// service: through the COPY that put it there, else by dropping leading
// directories (/app/requirements/prod.txt → requirements/prod.txt).
func (s *scanner) resolveInstalled(df *dockerfile, name string) string {
	clean := path.Clean(name)
	for _, c := range df.copies {
		for _, src := range c.srcs {
			dest := c.dest
			if strings.HasSuffix(dest, "/") || dest == "." || len(c.srcs) > 1 {
				dest = path.Join(dest, path.Base(src))
			}
			if path.Clean(dest) == clean || path.Base(path.Clean(dest)) == path.Base(clean) && !path.IsAbs(clean) && path.Base(clean) == clean {
				if rel := strings.TrimPrefix(path.Clean(src), "/"); s.t.isFile(s.rel(rel)) {
					return rel
				}
			}
		}
	}
	parts := strings.Split(strings.TrimPrefix(clean, "/"), "/")
	for i := range parts {
		if rel := path.Join(parts[i:]...); rel != "" && s.t.isFile(s.rel(rel)) {
			return rel
		}
	}
	return ""
}

// chooseLock picks the production lock: what the Dockerfile installs
// from, else the best native lock, else the best requirements lock.
func (s *scanner) chooseLock(df *dockerfile, cands []lockCand) (Lockfile, []Warning) {
	var lf Lockfile
	var warns []Warning
	byRel := map[string]*lockCand{}
	for i := range cands {
		byRel[cands[i].rel] = &cands[i]
	}
	if df != nil {
		for _, in := range dockerInstalls(df) {
			rel := s.resolveInstalled(df, in.file)
			at := Evidence{File: df.file, Line: in.line}
			if rel == "" {
				warns = append(warns, Warning{Msg: fmt.Sprintf("the Dockerfile installs from %s, which is not in the project", in.file), At: []Evidence{at}})
				continue
			}
			c := byRel[rel]
			if c == nil {
				cand := s.judgeRequirements(rel)
				cands = append(cands, cand)
				c = &cands[len(cands)-1]
			}
			if c.role == "dev" {
				warns = append(warns, Warning{Msg: fmt.Sprintf("the Dockerfile installs development requirements (%s); not taken as the production lock", rel), At: []Evidence{at}})
				continue
			}
			if !c.ok {
				warns = append(warns, Warning{Msg: fmt.Sprintf("the Dockerfile installs from %s, which is %s", rel, c.note), At: []Evidence{at}})
				continue
			}
			lf = Lockfile{Path: rel, At: at, Why: "the Dockerfile installs from it: " + in.cmd}
			break
		}
	}
	if lf.Path == "" {
		best := -1
		for i, c := range cands {
			if c.ok && c.role != "dev" && (best < 0 || lockRank(c) < lockRank(cands[best])) {
				best = i
			}
		}
		if best >= 0 {
			c := cands[best]
			lf = Lockfile{Path: c.rel, At: Evidence{File: s.rel(c.rel)}, Why: lockWhy(c)}
		}
	}
	for _, c := range cands {
		if c.rel == lf.Path {
			if c.format == lock.FormatRequirements && c.note != "pinned with hashes" {
				warns = append(warns, Warning{Msg: fmt.Sprintf("%s is %s: pinwheel verifies every artifact by hash; compile it with pip-compile --generate-hashes or uv pip compile --generate-hashes", c.rel, c.note), At: []Evidence{{File: s.rel(c.rel)}}})
			}
			continue
		}
		why := c.note
		switch {
		case c.role == "dev":
			why = "development requirements"
		case c.ok && c.role == "native" && lf.Path != "":
			warns = append(warns, Warning{Msg: fmt.Sprintf("the project has more than one lock: %s is used, %s is not", lf.Path, c.rel), At: []Evidence{{File: s.rel(lf.Path)}, {File: s.rel(c.rel)}}})
			why = "another lock; not the one production installs"
		case c.ok:
			why = "not the production lock (" + c.note + ")"
		}
		lf.Others = append(lf.Others, Alternative{Argv: []string{c.rel}, From: string(c.format), At: Evidence{File: s.rel(c.rel)}, Why: why})
	}
	if lf.Path == "" {
		warns = append(warns, Warning{Msg: "no lockfile found: lock the dependencies with hashes (uv lock, pip-compile --generate-hashes, poetry lock, pdm lock)"})
	}
	return lf, warns
}

func lockRank(c lockCand) int {
	order := map[string]int{"native": 0, "prod": 10, "default": 20, "base": 30, "other": 40}
	r := order[c.role]
	if c.role == "native" {
		for i, n := range nativeLocks {
			if c.rel == n {
				r += i
			}
		}
		if !strings.Contains(c.rel, "/") && strings.HasPrefix(c.rel, "pylock.") && c.rel != "pylock.toml" {
			r += len(nativeLocks)
		}
	}
	if c.note != "pinned with hashes" && c.format == lock.FormatRequirements {
		r += 5
	}
	return r
}

func lockWhy(c lockCand) string {
	switch c.role {
	case "native":
		return "the project's " + string(c.format)
	case "prod":
		return "production requirements, " + c.note
	}
	return "requirements " + c.note
}
