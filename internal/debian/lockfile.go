package debian

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/BurntSushi/toml"
	"github.com/google/renameio/v2"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// LockVersion is the base.lock format version pinwheel writes and reads.
const LockVersion = 1

// Lock is base.lock: a resolved Debian package closure, pinned to files by
// size and SHA256. It holds no timestamps, so the same resolution always
// writes the same bytes.
type Lock struct {
	Version      int      `toml:"version" json:"version"`
	Suite        string   `toml:"suite" json:"suite"`
	Architecture string   `toml:"architecture" json:"architecture"`
	Requested    []string `toml:"requested" json:"requested"`
	Exclude      []string `toml:"exclude,omitempty" json:"exclude,omitempty"`
	// Skipped are Essential dependencies left out (see Resolve).
	Skipped  []string        `toml:"skipped,omitempty" json:"skipped,omitempty"`
	Indexes  []IndexRef      `toml:"index" json:"indexes"`
	Packages []LockedPackage `toml:"package" json:"packages"`
}

// LockedPackage is one pinned .deb.
type LockedPackage struct {
	Name         string `toml:"name" json:"name"`
	Version      string `toml:"version" json:"version"`
	Architecture string `toml:"architecture" json:"architecture"`
	Source       string `toml:"source,omitempty" json:"source,omitempty"`
	Filename     string `toml:"filename" json:"filename"`
	Size         int64  `toml:"size" json:"size"`
	SHA256       string `toml:"sha256" json:"sha256"`
	Index        string `toml:"index" json:"index"`
}

// NewLock builds the lock for a resolution. Every package must have come
// with its file facts (Filename, Size, SHA256) from the index.
func NewLock(suite string, req Request, idx *Index, res *Result) (*Lock, error) {
	l := &Lock{Version: LockVersion, Suite: suite, Architecture: req.Arch,
		Requested: sorted(req.Packages), Exclude: sorted(req.Exclude), Skipped: res.Skipped, Indexes: idx.Refs}
	for _, p := range res.Packages {
		if p.Filename == "" || p.Size <= 0 || p.SHA256 == "" {
			return nil, inputerr.At(p.Index, p.Line, 0, "%s %s: the index gives no Filename, Size and SHA256 to pin it by", p.Name, p.Version)
		}
		l.Packages = append(l.Packages, LockedPackage{Name: p.Name, Version: p.Version.String(), Architecture: p.Architecture,
			Source: p.Source, Filename: p.Filename, Size: p.Size, SHA256: p.SHA256, Index: p.Index})
	}
	sort.Slice(l.Packages, func(i, j int) bool { return l.Packages[i].Name < l.Packages[j].Name })
	return l, nil
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

const lockHeader = "# base.lock: the Debian packages of this service's base image, written by\n# `pinwheel base lock` from pinwheel.yaml's base.debian. Do not edit by hand.\n\n"

// Marshal renders the lock as TOML.
func (l *Lock) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(lockHeader)
	if err := toml.NewEncoder(&buf).Encode(l); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Hash is the SHA256 of the lock's canonical encoding: it names the base.
func (l *Lock) Hash() string {
	b, _ := l.Marshal()
	h := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(h[:])
}

// WriteLock writes l to path atomically (temp file + rename).
func WriteLock(path string, l *Lock) error {
	b, err := l.Marshal()
	if err != nil {
		return err
	}
	return renameio.WriteFile(path, b, 0o644)
}

// ReadLock reads and checks base.lock.
func ReadLock(path string) (*Lock, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &inputerr.Error{Path: path, Msg: "no base lock (run `pinwheel base lock`)", Err: err}
		}
		return nil, err
	}
	var l Lock
	md, err := toml.Decode(string(b), &l)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, inputerr.At(path, pe.Position.Line, pe.Position.Col, "%s", pe.Message)
		}
		return nil, &inputerr.Error{Path: path, Err: err}
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, inputerr.At(path, 0, 0, "unknown key %s", und[0])
	}
	if l.Version != LockVersion {
		return nil, inputerr.At(path, 0, 0, "version = %d: this pinwheel reads base.lock version %d", l.Version, LockVersion)
	}
	if l.Suite == "" || l.Architecture == "" || len(l.Packages) == 0 {
		return nil, inputerr.At(path, 0, 0, "suite, architecture and at least one [[package]] are required")
	}
	seen := map[string]bool{}
	for i, p := range l.Packages {
		where := fmt.Sprintf("package %d (%s)", i+1, p.Name)
		switch {
		case !validName(p.Name):
			return nil, inputerr.At(path, 0, 0, "%s: invalid name", where)
		case seen[p.Name]:
			return nil, inputerr.At(path, 0, 0, "%s: listed twice", where)
		case !isHex64(p.SHA256):
			return nil, inputerr.At(path, 0, 0, "%s: sha256 must be 64 lowercase hex digits", where)
		case p.Size <= 0 || p.Filename == "":
			return nil, inputerr.At(path, 0, 0, "%s: filename and a positive size are required", where)
		}
		if _, err := ParseVersion(p.Version); err != nil {
			return nil, inputerr.At(path, 0, 0, "%s: %v", where, err)
		}
		seen[p.Name] = true
	}
	return &l, nil
}

// LockBase loads the indexes src names, resolves req over them and returns
// the lock: `pinwheel base lock` without the printing.
func LockBase(ctx context.Context, src Source, req Request) (*Lock, error) {
	idx, err := Load(ctx, src)
	if err != nil {
		return nil, err
	}
	res, err := Resolve(idx, req)
	if err != nil {
		return nil, err
	}
	return NewLock(src.Suite, req, idx, res)
}
