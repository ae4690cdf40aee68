package lock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// pipfileMeta is Pipfile.lock's "_meta" object.
type pipfileMeta struct {
	Hash struct {
		SHA256 string `json:"sha256"`
	} `json:"hash"`
	PipfileSpec json.Number `json:"pipfile-spec"`
	Requires    struct {
		PythonVersion     string `json:"python_version"`
		PythonFullVersion string `json:"python_full_version"`
	} `json:"requires"`
	Sources []struct {
		Name      string `json:"name"`
		URL       string `json:"url"`
		VerifySSL *bool  `json:"verify_ssl"`
	} `json:"sources"`
}

// pipfileEntry is one package under "default", "develop" or a category.
type pipfileEntry struct {
	Version      string   `json:"version"`
	Hashes       []string `json:"hashes"`
	Markers      string   `json:"markers"`
	Index        string   `json:"index"`
	Extras       []string `json:"extras"`
	Git          string   `json:"git"`
	Hg           string   `json:"hg"`
	Svn          string   `json:"svn"`
	Bzr          string   `json:"bzr"`
	Ref          string   `json:"ref"`
	Subdirectory string   `json:"subdirectory"`
	Path         string   `json:"path"`
	Editable     bool     `json:"editable"`
	File         string   `json:"file"`
	URL          string   `json:"url"`
}

// pipfileDecoder walks a Pipfile.lock token by token so that every package
// entry keeps the line it starts on.
type pipfileDecoder struct {
	path string
	data []byte
	idx  lineIndex
	dec  *json.Decoder
}

// parsePipfileLock parses pipenv's Pipfile.lock (pipfile-spec 6): "_meta"
// then one object per category ("default" → group main, "develop" → group
// dev, other keys are pipenv package categories of the same name).
func parsePipfileLock(path string, data []byte) (*Lock, error) {
	pd := &pipfileDecoder{path: path, data: data, idx: newLineIndex(data)}
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		if err == nil {
			err = fmt.Errorf("invalid JSON")
		}
		return nil, pd.errAt(0, err)
	}
	pd.dec = json.NewDecoder(bytes.NewReader(data))
	if err := pd.expectObject("a JSON object with _meta, default and develop"); err != nil {
		return nil, err
	}
	var (
		meta     pipfileMeta
		haveMeta bool
		cats     []pipfileCategory
	)
	for pd.dec.More() {
		key, _, err := pd.key()
		if err != nil {
			return nil, err
		}
		if key == "_meta" {
			if err := pd.decodeValue(&meta); err != nil {
				return nil, err
			}
			haveMeta = true
			continue
		}
		cat, err := pd.category(key)
		if err != nil {
			return nil, err
		}
		cats = append(cats, cat)
	}
	if !haveMeta {
		return nil, inputerr.At(path, 1, 1, "missing \"_meta\" object (is this a Pipfile.lock?)")
	}
	return buildPipfileLock(path, meta, cats)
}

type pipfileCategory struct {
	group   string
	names   []string
	locs    []entryLoc
	entries []pipfileEntry
}

// entryLoc is where one package entry sits, to point errors at its fields.
type entryLoc struct {
	line  int    // line of the package's key
	start int    // offset of the entry's "{"
	raw   []byte // the entry's JSON text
	idx   lineIndex
}

// at is the line and column of the first occurrence of needle (a quoted
// key or value) in the entry, or the package's line when absent.
func (l entryLoc) at(needle string) (line, col int) {
	if i := bytes.Index(l.raw, []byte(needle)); i >= 0 {
		return l.idx.position(l.start + i)
	}
	return l.line, 0
}

func (pd *pipfileDecoder) category(key string) (pipfileCategory, error) {
	cat := pipfileCategory{group: pipfileGroup(key)}
	if err := pd.expectObject(fmt.Sprintf("%q to be an object of packages", key)); err != nil {
		return cat, err
	}
	for pd.dec.More() {
		name, off, err := pd.key()
		if err != nil {
			return cat, err
		}
		start := pd.valueStart()
		var e pipfileEntry
		if err := pd.decodeValue(&e); err != nil {
			return cat, err
		}
		raw := pd.data[start:pd.dec.InputOffset()]
		line, _ := pd.idx.position(int(off) - 1)
		cat.names = append(cat.names, name)
		cat.locs = append(cat.locs, entryLoc{line: line, start: int(start), raw: raw, idx: pd.idx})
		cat.entries = append(cat.entries, e)
	}
	if _, err := pd.dec.Token(); err != nil { // closing }
		return cat, pd.errAt(pd.dec.InputOffset(), err)
	}
	return cat, nil
}

func pipfileGroup(category string) string {
	switch category {
	case "default":
		return "main"
	case "develop":
		return "dev"
	}
	return category
}

func (pd *pipfileDecoder) expectObject(what string) error {
	start := pd.valueStart()
	tok, err := pd.dec.Token()
	if err != nil {
		return pd.errAt(start, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		line, col := pd.idx.position(int(start))
		return inputerr.At(pd.path, line, col, "expected %s, found %v", what, tok)
	}
	return nil
}

// key reads an object key and returns it with the offset just after it.
func (pd *pipfileDecoder) key() (string, int64, error) {
	tok, err := pd.dec.Token()
	if err != nil {
		return "", 0, pd.errAt(pd.dec.InputOffset(), err)
	}
	s, _ := tok.(string)
	return s, pd.dec.InputOffset(), nil
}

func (pd *pipfileDecoder) decodeValue(v any) error {
	start := pd.valueStart()
	if err := pd.dec.Decode(v); err != nil {
		return pd.errAt(start, err)
	}
	return nil
}

// valueStart is the offset of the next value: past whitespace, ':' and ','.
func (pd *pipfileDecoder) valueStart() int64 {
	off := pd.dec.InputOffset()
	for off < int64(len(pd.data)) {
		switch pd.data[off] {
		case ' ', '\t', '\r', '\n', ':', ',':
			off++
			continue
		}
		break
	}
	return off
}

func (pd *pipfileDecoder) errAt(base int64, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = errUnexpectedEOF
	}
	return jsonError(pd.path, pd.idx, base, err)
}

func buildPipfileLock(path string, meta pipfileMeta, cats []pipfileCategory) (*Lock, error) {
	l := &Lock{LockVersion: meta.PipfileSpec.String()}
	if meta.Hash.SHA256 != "" {
		l.ContentHash = "sha256:" + meta.Hash.SHA256
	}
	l.RequiresPython = pythonVersionSpecifier(meta.Requires.PythonFullVersion, meta.Requires.PythonVersion)
	sources := map[string]string{}
	for _, s := range meta.Sources {
		l.Indexes = append(l.Indexes, Index{Name: s.Name, URL: s.URL, VerifySSL: s.VerifySSL})
		sources[s.Name] = s.URL
	}
	seen := map[string]int{} // name\x00version\x00source → index in l.Packages
	for _, cat := range cats {
		for i, e := range cat.entries {
			p, err := pipfilePackage(path, cat.names[i], cat.locs[i], e, l.Indexes, sources)
			if err != nil {
				return nil, err
			}
			p.Groups = []string{cat.group}
			if cat.group != "main" {
				l.Groups = appendUnique(l.Groups, cat.group)
			}
			k := p.Name + "\x00" + p.Version + "\x00" + string(p.Source.Kind) + p.Source.URL + p.Source.Path + p.Source.Commit
			if j, ok := seen[k]; ok {
				l.Packages[j].Groups = appendUnique(l.Packages[j].Groups, cat.group)
				continue
			}
			seen[k] = len(l.Packages)
			l.Packages = append(l.Packages, p)
		}
	}
	return l, nil
}

// pythonVersionSpecifier turns Pipfile's python_full_version / python_version
// ("3.11.4" / "3.11") into a PEP 440 specifier ("==3.11.4" / "==3.11.*").
func pythonVersionSpecifier(full, short string) string {
	switch {
	case full != "":
		return "==" + full
	case short != "":
		return "==" + short + ".*"
	}
	return ""
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// trimPin strips the "==" (or "===") of an exact pin; ok is false when v is
// not an exact pin.
func trimPin(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if rest, ok := strings.CutPrefix(v, "==="); ok {
		return strings.TrimSpace(rest), true
	}
	if rest, ok := strings.CutPrefix(v, "=="); ok && !strings.HasSuffix(rest, ".*") {
		return strings.TrimSpace(rest), true
	}
	return v, false
}
