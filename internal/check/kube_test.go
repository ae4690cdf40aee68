package check

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// runManifests checks the manifests at path beside project dir (an empty
// directory when dir is "": only the manifest rules run).
func runManifests(t *testing.T, dir, path string) Report {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	rep, err := Run(context.Background(), dir, WithManifests(path))
	if err != nil {
		t.Fatalf("Run(%s, %s): %v", dir, path, err)
	}
	return rep
}

// only keeps the findings of the rules in ids, rendered by brief.
func only(rep Report, ids ...string) []string {
	var out []string
	for _, f := range rep.Findings {
		if slices.Contains(ids, f.RuleID) {
			out = append(out, brief(f))
		}
	}
	return out
}

// TestManifestRules: each fixture under testdata/manifests triggers
// exactly the findings of the rules it is about (at their lines), and the
// clean one triggers nothing at all.
func TestManifestRules(t *testing.T) {
	const m = "testdata/manifests/"
	tests := []struct {
		file string
		ids  []string
		want []string
	}{
		{"clean.yaml", nil, nil},
		{"probes.yaml", []string{"PW501", "PW502", "PW503"}, []string{
			"PW501 " + m + "probes.yaml:13", "PW502 " + m + "probes.yaml:13", "PW503 " + m + "probes.yaml:18",
		}},
		{"resources.yaml", []string{"PW504"}, []string{
			"PW504 " + m + "resources.yaml:10", "PW504 " + m + "resources.yaml:15",
		}},
		{"images.yaml", []string{"PW505", "PW506"}, []string{
			"PW506 " + m + "images.yaml:13", "PW505 " + m + "images.yaml:16", "PW506 " + m + "images.yaml:18", "PW505 " + m + "images.yaml:27",
		}},
		{"pdb.yaml", []string{"PW507"}, []string{"PW507 " + m + "pdb.yaml:8", "PW507 " + m + "pdb.yaml:58"}},
		{"security.yaml", []string{"PW508", "PW509", "PW510", "PW511", "PW512"}, []string{
			"PW509 " + m + "security.yaml:13", "PW511 " + m + "security.yaml:13", "PW512 " + m + "security.yaml:13",
			"PW508 " + m + "security.yaml:17", "PW509 " + m + "security.yaml:17", "PW511 " + m + "security.yaml:17", "PW512 " + m + "security.yaml:17",
			"PW510 " + m + "security.yaml:24",
		}},
		{"secrets.yaml", []string{"PW408"}, []string{
			"PW408 " + m + "secrets.yaml:12", "PW408 " + m + "secrets.yaml:14", "PW408 " + m + "secrets.yaml:27",
		}},
		{"suppress.yaml", nil, []string{
			"PW502 " + m + "suppress.yaml:9 (suppressed)", "PW502 " + m + "suppress.yaml:13 (suppressed)",
			"PW508 " + m + "suppress.yaml:9 (suppressed)", "PW508 " + m + "suppress.yaml:13 (suppressed)",
			"PW509 " + m + "suppress.yaml:9 (suppressed)", "PW509 " + m + "suppress.yaml:13 (suppressed)",
			"PW511 " + m + "suppress.yaml:9 (suppressed)", "PW511 " + m + "suppress.yaml:13 (suppressed)",
			"PW512 " + m + "suppress.yaml:9 (suppressed)", "PW512 " + m + "suppress.yaml:13 (suppressed)",
			"PW505 " + m + "suppress.yaml:11 (suppressed)",
			"PW001 " + m + "suppress.yaml:14", "PW505 " + m + "suppress.yaml:14",
		}},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".yaml"), func(t *testing.T) {
			rep := runManifests(t, "", filepath.Join("testdata", "manifests", tt.file))
			var got []string
			if tt.ids == nil {
				for _, f := range rep.Findings {
					got = append(got, brief(f))
				}
				slices.Sort(got)
				slices.Sort(tt.want)
			} else {
				got = only(rep, tt.ids...)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings:\n got  %q\n want %q", got, tt.want)
			}
		})
	}
}
