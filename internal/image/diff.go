package image

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// FileFacts are what a layer says about one path.
type FileFacts struct {
	Type     byte   `json:"type"`
	Mode     int64  `json:"mode"`
	UID      int    `json:"uid"`
	GID      int    `json:"gid"`
	MTime    int64  `json:"mtime"`
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256,omitempty"`
	Linkname string `json:"linkname,omitempty"`
}

// LayerFiles reads a layer and returns its entries by path.
func LayerFiles(l v1.Layer) (map[string]FileFacts, error) {
	rc, err := l.Uncompressed()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	out := map[string]FileFacts{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		f := FileFacts{Type: h.Typeflag, Mode: h.Mode, UID: h.Uid, GID: h.Gid, MTime: h.ModTime.Unix(), Size: h.Size, Linkname: h.Linkname}
		if h.Typeflag == tar.TypeReg {
			s := sha256.New()
			if _, err := io.Copy(s, tr); err != nil {
				return nil, err
			}
			f.SHA256 = hex.EncodeToString(s.Sum(nil))
		}
		out[h.Name] = f
	}
}

// FileDiff is one path that differs between two layers.
type FileDiff struct {
	Path   string `json:"path"`
	Change string `json:"change"` // "only in expected", "only in rebuilt", or the fields that differ
}

// LayerDiff names a layer that differs and the files that make it differ.
type LayerDiff struct {
	Index     int        `json:"index"`
	CreatedBy string     `json:"createdBy,omitempty"`
	Expected  string     `json:"expected"`
	Rebuilt   string     `json:"rebuilt"`
	Files     []FileDiff `json:"files,omitempty"`
}

// Comparison is the result of Compare.
type Comparison struct {
	Same           bool        `json:"same"`
	ExpectedDigest string      `json:"expectedDigest"`
	RebuiltDigest  string      `json:"rebuiltDigest"`
	Layers         []LayerDiff `json:"layers,omitempty"`
	ConfigFields   []string    `json:"configFields,omitempty"` // top-level config keys that differ
	LayerCount     string      `json:"layerCount,omitempty"`   // set when the counts differ
}

// Compare reports how rebuilt differs from expected, layer by layer, down
// to the files inside differing layers.
func Compare(expected, rebuilt v1.Image) (*Comparison, error) {
	ed, err := expected.Digest()
	if err != nil {
		return nil, err
	}
	rd, err := rebuilt.Digest()
	if err != nil {
		return nil, err
	}
	c := &Comparison{Same: ed == rd, ExpectedDigest: ed.String(), RebuiltDigest: rd.String()}
	if c.Same {
		return c, nil
	}
	el, err := expected.Layers()
	if err != nil {
		return nil, err
	}
	rl, err := rebuilt.Layers()
	if err != nil {
		return nil, err
	}
	if len(el) != len(rl) {
		c.LayerCount = fmt.Sprintf("expected %d layers, rebuilt has %d", len(el), len(rl))
	}
	ecf, err := expected.ConfigFile()
	if err != nil {
		return nil, err
	}
	rcf, err := rebuilt.ConfigFile()
	if err != nil {
		return nil, err
	}
	c.ConfigFields = configFieldDiff(ecf, rcf)
	for i := 0; i < len(el) && i < len(rl); i++ {
		e, _ := el[i].DiffID()
		r, _ := rl[i].DiffID()
		if e == r {
			continue
		}
		ld := LayerDiff{Index: i, Expected: e.String(), Rebuilt: r.String()}
		if i < len(ecf.History) {
			ld.CreatedBy = historyFor(ecf, i)
		}
		ef, err := LayerFiles(el[i])
		if err != nil {
			return nil, fmt.Errorf("read expected layer %d: %w", i, err)
		}
		rf, err := LayerFiles(rl[i])
		if err != nil {
			return nil, fmt.Errorf("read rebuilt layer %d: %w", i, err)
		}
		ld.Files = fileDiffs(ef, rf)
		c.Layers = append(c.Layers, ld)
	}
	return c, nil
}

// historyFor returns the created_by of the i-th non-empty layer.
func historyFor(cf *v1.ConfigFile, layer int) string {
	n := 0
	for _, h := range cf.History {
		if h.EmptyLayer {
			continue
		}
		if n == layer {
			return h.CreatedBy
		}
		n++
	}
	return ""
}

func fileDiffs(e, r map[string]FileFacts) []FileDiff {
	var out []FileDiff
	for p, ef := range e {
		rf, ok := r[p]
		if !ok {
			out = append(out, FileDiff{Path: p, Change: "only in expected"})
			continue
		}
		if ch := factDiff(ef, rf); ch != "" {
			out = append(out, FileDiff{Path: p, Change: ch})
		}
	}
	for p := range r {
		if _, ok := e[p]; !ok {
			out = append(out, FileDiff{Path: p, Change: "only in rebuilt"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func factDiff(a, b FileFacts) string {
	var fields []string
	add := func(ok bool, name string) {
		if !ok {
			fields = append(fields, name)
		}
	}
	add(a.Type == b.Type, "type")
	add(a.Mode == b.Mode, "mode")
	add(a.UID == b.UID && a.GID == b.GID, "owner")
	add(a.MTime == b.MTime, "mtime")
	add(a.SHA256 == b.SHA256 && a.Size == b.Size, "content")
	add(a.Linkname == b.Linkname, "link")
	if len(fields) == 0 {
		return ""
	}
	return fmt.Sprint(fields)
}

func configFieldDiff(a, b *v1.ConfigFile) []string {
	var am, bm map[string]json.RawMessage
	ab, _ := json.Marshal(a)
	bb, _ := json.Marshal(b)
	_ = json.Unmarshal(ab, &am)
	_ = json.Unmarshal(bb, &bm)
	var out []string
	keys := map[string]bool{}
	for k := range am {
		keys[k] = true
	}
	for k := range bm {
		keys[k] = true
	}
	for k := range keys {
		if !reflect.DeepEqual(am[k], bm[k]) {
			out = append(out, k)
		}
	}
	if !reflect.DeepEqual(a.Config, b.Config) {
		var ac, bc map[string]json.RawMessage
		x, _ := json.Marshal(a.Config)
		y, _ := json.Marshal(b.Config)
		_ = json.Unmarshal(x, &ac)
		_ = json.Unmarshal(y, &bc)
		for k := range ac {
			if string(ac[k]) != string(bc[k]) {
				out = append(out, "config."+k)
			}
		}
		for k := range bc {
			if _, ok := ac[k]; !ok {
				out = append(out, "config."+k)
			}
		}
	}
	sort.Strings(out)
	return out
}
