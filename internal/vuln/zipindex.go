package vuln

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/renameio/v2"
)

// zipIndex maps a normalized name to the zip entries whose records mention
// it (see eachName).
type zipIndex map[string][]string

func indexPath(dir, zipPath string) (string, error) {
	abs, err := filepath.Abs(zipPath)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(zipPath)
	if err != nil {
		return "", err
	}
	key := sha256.Sum256(fmt.Appendf(nil, "v1\x00%s\x00%d\x00%d", abs, st.Size(), st.ModTime().UnixNano()))
	return filepath.Join(dir, fmt.Sprintf("%x.json", key[:16])), nil
}

func readIndex(path string) (zipIndex, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	var idx zipIndex
	if json.Unmarshal(data, &idx) != nil {
		return nil, false
	}
	return idx, true
}

func writeIndex(path string, idx zipIndex) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	data, err := json.Marshal(idx)
	if err != nil {
		return err
	}
	return renameio.WriteFile(path, data, 0o644)
}

// indexEntry adds the names data mentions to idx under entry.
func indexEntry(idx zipIndex, entry string, data []byte) {
	seen := map[string]bool{}
	eachName(data, func(n string) bool {
		n = normalizeName(PyPI, n)
		if n != "" && !seen[n] {
			seen[n] = true
			idx[n] = append(idx[n], entry)
		}
		return true
	})
}

// wantedEntries are the entries of zr the index says mention a wanted name.
func wantedEntries(zr *zip.ReadCloser, idx zipIndex, names map[string]bool) []*zip.File {
	want := map[string]bool{}
	for n := range names {
		for _, e := range idx[normalizeName(PyPI, n)] {
			want[e] = true
		}
	}
	var out []*zip.File
	for _, f := range zr.File {
		if want[f.Name] {
			out = append(out, f)
		}
	}
	return out
}
