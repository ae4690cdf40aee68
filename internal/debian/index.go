package debian

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Source says where the Packages indexes come from.
type Source struct {
	// Mirror is an archive root URL (http://, https:// or file://); its
	// dists/SUITE/InRelease is verified and its Packages files checked
	// against the SHA256 that InRelease lists.
	Mirror string
	// Index is a local path: an apt lists directory (/var/lib/apt/lists,
	// whose InRelease files are verified the same way) or one Packages
	// file (trusted as given; the lock records its SHA256).
	Index      string
	Suite      string
	Components []string // default main
	Arch       string   // amd64, arm64, …
	Keyring    string   // default DefaultKeyring
	Get        Getter   // fetches mirror URLs; default HTTPGetter
}

// IndexRef records one index a lock was resolved from.
type IndexRef struct {
	Name   string `toml:"name" json:"name"`
	SHA256 string `toml:"sha256" json:"sha256"`
}

// Index is the set of binary packages a resolution can choose from.
type Index struct {
	Packages []*Package
	Refs     []IndexRef
}

// Load reads the indexes src names.
func Load(ctx context.Context, src Source) (*Index, error) {
	if len(src.Components) == 0 {
		src.Components = []string{"main"}
	}
	if src.Keyring == "" {
		src.Keyring = DefaultKeyring
	}
	if src.Get == nil {
		src.Get = HTTPGetter(nil)
	}
	switch {
	case src.Mirror != "":
		return loadMirror(ctx, src)
	case src.Index == "":
		return nil, fmt.Errorf("no index: set a mirror URL or a local index path")
	}
	st, err := os.Stat(src.Index)
	if err != nil {
		return nil, &inputerr.Error{Path: src.Index, Msg: "index", Err: err}
	}
	if st.IsDir() {
		return loadAptLists(src)
	}
	data, err := readDecompressed(src.Index)
	if err != nil {
		return nil, err
	}
	pkgs, err := ParsePackages(bytes.NewReader(data), src.Index)
	if err != nil {
		return nil, err
	}
	return &Index{Packages: pkgs, Refs: []IndexRef{{Name: src.Index, SHA256: sum(data)}}}, nil
}

// loadAptLists reads every signed suite in an apt lists directory whose
// codename is src.Suite or src.Suite-* (bookworm, bookworm-updates,
// bookworm-security), as apt would, skipping NotAutomatic suites (backports).
func loadAptLists(src Source) (*Index, error) {
	releases, _ := filepath.Glob(filepath.Join(src.Index, "*_InRelease"))
	sort.Strings(releases)
	idx := &Index{}
	for _, rp := range releases {
		data, err := os.ReadFile(rp)
		if err != nil {
			return nil, err
		}
		text, err := VerifyInRelease(data, rp, src.Keyring)
		if err != nil {
			return nil, err
		}
		rel, err := ParseRelease(text, rp)
		if err != nil {
			return nil, err
		}
		if rel.NotAutomatic || (rel.Codename != src.Suite && !strings.HasPrefix(rel.Codename, src.Suite+"-")) {
			continue
		}
		prefix := strings.TrimSuffix(rp, "InRelease")
		origin := strings.ReplaceAll(strings.TrimSuffix(filepath.Base(prefix), "_"), "_", "/")
		idx.Refs = append(idx.Refs, IndexRef{Name: origin + "/InRelease", SHA256: sum(data)})
		for _, comp := range src.Components {
			name := comp + "/binary-" + src.Arch + "/Packages"
			files, _ := filepath.Glob(prefix + comp + "_binary-" + src.Arch + "_Packages*")
			if len(files) == 0 {
				continue
			}
			pkgs, err := verifiedPackages(files[0], origin+"/"+name, rel.Files[name])
			if err != nil {
				return nil, err
			}
			idx.Packages = append(idx.Packages, pkgs...)
		}
	}
	if len(idx.Refs) == 0 {
		return nil, &inputerr.Error{Path: src.Index, Msg: fmt.Sprintf("no signed Release for suite %q (run apt-get update, or check suite:)", src.Suite)}
	}
	return idx, nil
}

// verifiedPackages reads a (possibly compressed) Packages file, checks its
// uncompressed content against want and parses it.
func verifiedPackages(path, name string, want FileSum) ([]*Package, error) {
	data, err := readDecompressed(path)
	if err != nil {
		return nil, err
	}
	if want.SHA256 == "" {
		return nil, &inputerr.Error{Path: path, Msg: "the Release file lists no SHA256 for " + name}
	}
	if got := sum(data); got != want.SHA256 || int64(len(data)) != want.Size {
		return nil, &inputerr.Error{Path: path, Msg: fmt.Sprintf("sha256 %s (%d bytes), but the signed Release says %s (%d bytes)", got, len(data), want.SHA256, want.Size)}
	}
	pkgs, err := ParsePackages(bytes.NewReader(data), path)
	for _, p := range pkgs {
		p.Index = name
	}
	return pkgs, err
}

func readDecompressed(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := decompress(f)
	if err != nil {
		return nil, &inputerr.Error{Path: path, Err: err}
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, &inputerr.Error{Path: path, Msg: "decompress", Err: err}
	}
	return b, nil
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
