package localindex

import (
	"archive/zip"
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"pinwheel.dev/pinwheel/internal/safefs"
)

type handler struct {
	dir            string
	user, password string
	htmlOnly       bool

	mu      sync.Mutex
	digests map[string]digestEntry
}

type digestEntry struct {
	size    int64
	modTime time.Time
	info    fileInfo
}

// fileInfo is what the index says about one file.
type fileInfo struct {
	Filename       string
	Project        string // normalised
	SHA256         string
	RequiresPython string
	Metadata       []byte // the wheel's METADATA (nil for sdists)
	MetadataSHA256 string
	Yanked         bool
	YankedReason   string
}

var normRE = regexp.MustCompile(`[-_.]+`)

func normalize(name string) string { return strings.ToLower(normRE.ReplaceAllString(name, "-")) }

// projectOf derives the normalised project name from a distribution file
// name, or "" when it is not one.
func projectOf(filename string) string {
	switch {
	case strings.HasSuffix(filename, ".whl"):
		name, _, ok := strings.Cut(filename, "-")
		if !ok {
			return ""
		}
		return normalize(name)
	case strings.HasSuffix(filename, ".tar.gz"), strings.HasSuffix(filename, ".zip"):
		stem := strings.TrimSuffix(strings.TrimSuffix(filename, ".tar.gz"), ".zip")
		i := strings.LastIndex(stem, "-")
		if i <= 0 {
			return ""
		}
		return normalize(stem[:i])
	}
	return ""
}

// list returns the distribution files in the wheelhouse, sorted by name.
func (h *handler) list() ([]string, error) {
	entries, err := os.ReadDir(h.dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && projectOf(e.Name()) != "" {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// info describes filename, hashing it once per (size, mtime).
func (h *handler) info(filename string) (fileInfo, error) {
	p := filepath.Join(h.dir, filename)
	st, err := os.Stat(p)
	if err != nil {
		return fileInfo{}, err
	}
	h.mu.Lock()
	e, ok := h.digests[filename]
	h.mu.Unlock()
	if !ok || e.size != st.Size() || !e.modTime.Equal(st.ModTime()) {
		fi, err := describe(h.dir, p, filename)
		if err != nil {
			return fileInfo{}, err
		}
		e = digestEntry{size: st.Size(), modTime: st.ModTime(), info: fi}
		h.mu.Lock()
		h.digests[filename] = e
		h.mu.Unlock()
	}
	fi := e.info
	if reason, err := safefs.ReadFile(context.Background(), h.dir, p+".yanked", 4096); err == nil {
		fi.Yanked, fi.YankedReason = true, strings.TrimSpace(string(reason))
	}
	return fi, nil
}

func describe(dir, p, filename string) (fileInfo, error) {
	f, err := safefs.Open(dir, p)
	if err != nil {
		return fileInfo{}, err
	}
	defer f.Close()
	sum := sha256.New()
	if _, err := io.Copy(sum, f); err != nil {
		return fileInfo{}, err
	}
	fi := fileInfo{Filename: filename, Project: projectOf(filename), SHA256: hex.EncodeToString(sum.Sum(nil))}
	if strings.HasSuffix(filename, ".whl") {
		if meta := wheelMetadata(p); meta != nil {
			fi.Metadata = meta
			ms := sha256.Sum256(meta)
			fi.MetadataSHA256 = hex.EncodeToString(ms[:])
			if hdr, err := textproto.NewReader(bufio.NewReader(strings.NewReader(string(meta)))).ReadMIMEHeader(); err == nil || len(hdr) > 0 {
				fi.RequiresPython = hdr.Get("Requires-Python")
			}
		}
	}
	return fi, nil
}

// wheelMetadata returns the .dist-info/METADATA of a wheel, or nil.
func wheelMetadata(p string) []byte {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil
	}
	defer zr.Close()
	for _, zf := range zr.File {
		dir, base, ok := strings.Cut(zf.Name, "/")
		if ok && base == "METADATA" && strings.HasSuffix(dir, ".dist-info") {
			rc, err := zf.Open()
			if err != nil {
				return nil
			}
			data, err := io.ReadAll(io.LimitReader(rc, 16<<20))
			rc.Close()
			if err != nil {
				return nil
			}
			return data
		}
	}
	return nil
}
