package lock

import (
	"path/filepath"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// defaultIndexURL is pip's index when a requirements file names none.
const defaultIndexURL = "https://pypi.org/simple"

// reqParser reads a requirements file and everything it includes, as pip
// would: -r adds requirements, -c only constrains them, options are global.
type reqParser struct {
	root     string // the top-level file
	dir      string // what includes and local paths must stay inside
	read     func(string) ([]byte, error)
	stack    []string        // fileKey of the files being read, for cycle detection
	names    []string        // the same files as they were named, for messages
	visited  map[string]bool // fileKey of the files already read
	files    []string
	entries  []*reqEntry
	indexes  []Index
	options  []string
	trusted  []string
	indexURL string
	noIndex  bool
}

// reqEntry is one requirement line with what the "# via" block under it said.
type reqEntry struct {
	pkg        Package
	constraint bool
	parents    []string // package names from "# via"
}

// parseRequirementsFile reads path and the files it includes.
// Includes and local paths must lie inside root.
func parseRequirementsFile(path, root string) (*Lock, error) {
	data, err := readInput(filepath.Dir(path), path)
	if err != nil {
		return nil, &inputerr.Error{Path: path, Msg: "cannot read requirements file", Err: err}
	}
	return parseRequirements(path, data, root)
}

// parseRequirements parses data as the requirements file at path (pip's
// requirements format as pip-compile and uv pip compile write it), reading
// -r/-c includes from disk relative to the file that names them, only
// regular files inside root.
func parseRequirements(path string, data []byte, root string) (*Lock, error) {
	return parseRequirementsWith(path, data, root, func(p string) ([]byte, error) { return readInput(root, p) })
}

// parseRequirementsWith is parseRequirements reading includes through read.
func parseRequirementsWith(path string, data []byte, dir string, read func(string) ([]byte, error)) (*Lock, error) {
	p := &reqParser{root: path, dir: dir, read: read, visited: map[string]bool{}}
	if err := p.parse(path, data, false); err != nil {
		return nil, err
	}
	return p.finish()
}

func (p *reqParser) parse(path string, data []byte, constraint bool) error {
	key := fileKey(path)
	p.stack, p.names = append(p.stack, key), append(p.names, filepath.Clean(path))
	defer func() { p.stack, p.names = p.stack[:len(p.stack)-1], p.names[:len(p.names)-1] }()
	p.visited[key] = true
	p.files = append(p.files, path)

	var last *reqEntry // the requirement a "# via" block belongs to
	inVia := false
	for _, item := range splitRequirementLines(string(data)) {
		if c := item.comment; c != nil {
			inVia = p.viaComment(last, c.text, inVia)
			continue
		}
		inVia = false
		entry, err := p.line(path, *item.req, constraint)
		if err != nil {
			return err
		}
		last = entry
	}
	return nil
}

// line handles one logical line: options, includes or a requirement. It
// returns the requirement entry the line added, if any.
func (p *reqParser) line(path string, l reqLine, constraint bool) (*reqEntry, error) {
	toks := tokenize(l.text)
	optStart := len(toks)
	for i, t := range toks {
		if strings.HasPrefix(t.text, "-") {
			optStart = i
			break
		}
	}
	fail := func(se *specError) error {
		line, col := l.pos(se.off)
		return inputerr.At(path, line, col, "%s", se.msg)
	}
	opts, se := parseOptions(toks[optStart:])
	if se != nil {
		return nil, fail(se)
	}
	if optStart > 0 {
		text := l.text[toks[0].off:]
		if optStart < len(toks) {
			text = l.text[toks[0].off:toks[optStart].off]
		}
		return p.requirement(path, l, toks[0].off, strings.TrimSpace(text), opts, false, constraint)
	}
	for i, o := range opts {
		switch o.opt.long {
		case "--requirement", "--constraint":
			if err := p.include(path, l, o, constraint || o.opt.long == "--constraint"); err != nil {
				return nil, err
			}
		case "--editable":
			return p.requirement(path, l, o.off, o.arg, opts[i+1:], true, constraint)
		case "--index-url":
			p.indexURL = o.arg
			p.indexes = append(p.indexes, Index{Name: "index-url", URL: o.arg})
		case "--extra-index-url":
			p.indexes = append(p.indexes, Index{Name: "extra-index-url", URL: o.arg})
		case "--find-links":
			p.indexes = append(p.indexes, Index{Name: "find-links", URL: o.arg})
		case "--trusted-host":
			p.trusted = append(p.trusted, o.arg)
			p.options = append(p.options, o.opt.long+" "+o.arg)
		case "--no-index":
			p.noIndex = true
			p.options = append(p.options, o.opt.long)
		default:
			if o.opt.perLine {
				return nil, fail(&specError{o.off, o.opt.long + " must follow a requirement on the same line"})
			}
			if o.opt.recordArg {
				p.options = append(p.options, strings.TrimSpace(o.opt.long+" "+o.arg))
			}
		}
	}
	return nil, nil
}

// fileKey identifies a file for cycle detection and reading each file
// once: its path with symlinks resolved, so the same file reached through
// different symlinked directories (a/r.txt, b/r.txt with a and b linking
// to one place) counts once and fan-out stays linear; the cleaned path
// when it cannot be resolved (the read then reports why).
func fileKey(path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	return filepath.Clean(path)
}

// include reads the file an -r or -c option names, relative to the file
// that names it.
func (p *reqParser) include(path string, l reqLine, o parsedOption, constraint bool) error {
	line, col := l.pos(o.off)
	if urlSchemeRE.MatchString(o.arg) {
		return inputerr.At(path, line, col, "%s %s: remote requirement files are not read (download it and name the local copy)", o.opt.long, inputerr.Excerpt(o.arg))
	}
	target := o.arg
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(path), target)
	}
	key := fileKey(target)
	for i, s := range p.stack {
		if s == key {
			cycle := append(append([]string{}, p.names[i:]...), filepath.Clean(target))
			return inputerr.At(path, line, col, "include cycle: %s", strings.Join(cycle, " -> "))
		}
	}
	if p.visited[key] {
		return nil
	}
	data, err := p.read(target)
	if err != nil {
		return &inputerr.Error{Path: path, Line: line, Col: col, Msg: "cannot read " + o.opt.long + " " + inputerr.Excerpt(o.arg), Err: err}
	}
	return p.parse(target, data, constraint)
}
