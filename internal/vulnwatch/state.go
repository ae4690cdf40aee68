package vulnwatch

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/google/renameio/v2"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/vuln"
)

// State is what has been reported: for each image digest, the ids (every
// id and alias of each finding, keyed with the package) already notified.
// A finding is new when none of its ids was seen for that digest and
// package, so a record that joins an alias group later (a GHSA after its
// PYSEC) is not reported twice.
type State struct {
	path string
	Seen map[string]map[string]bool `json:"seen"`
}

// LoadState reads the state file at path ("" keeps the state in memory
// only); a missing file is an empty state.
func LoadState(path string) (*State, error) {
	s := &State{path: path, Seen: map[string]map[string]bool{}}
	if path == "" {
		return s, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, s); err != nil {
		return nil, &inputerr.Error{Path: path, Msg: "not a pinwheel vulnerability watch state file", Err: err}
	}
	if s.Seen == nil {
		s.Seen = map[string]map[string]bool{}
	}
	return s, nil
}

// Save writes the state atomically (temp file + rename).
func (s *State) Save() error {
	if s.path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := renameio.WriteFile(s.path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", s.path, err)
	}
	return nil
}

func keys(f vuln.Finding) []string {
	ids := f.IDs()
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = f.Package.Ecosystem + "/" + f.Package.Name + "@" + f.Package.Version + " " + id
	}
	sort.Strings(out)
	return out
}

// isNew says whether none of f's ids was seen for digest.
func (s *State) isNew(digest string, f vuln.Finding) bool {
	for _, k := range keys(f) {
		if s.Seen[digest][k] {
			return false
		}
	}
	return true
}

func (s *State) mark(digest string, f vuln.Finding) {
	if s.Seen[digest] == nil {
		s.Seen[digest] = map[string]bool{}
	}
	for _, k := range keys(f) {
		s.Seen[digest][k] = true
	}
}
