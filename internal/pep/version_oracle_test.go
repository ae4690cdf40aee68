package pep

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// versionCorpus returns spellings that exercise every branch of the grammar,
// valid and invalid.
func versionCorpus() []string {
	var out []string
	out = append(out, pep440Ordered...)
	releases := []string{"1", "1.0", "01.2.03", "v2", "1!3.4", "0!0"}
	pres := []string{"", "a", "a1", ".a1", "-alpha-2", "_beta_", "c", "rc.3", "pre", "preview9", "RC", "b-"}
	posts := []string{"", "-1", ".post", "post2", "-rev", "_r_3", ".post.", "-"}
	devs := []string{"", ".dev", "dev1", "-dev-2", "_DEV"}
	locals := []string{"", "+abc", "+1.2", "+ubuntu-1_a", "+", "+a..b", "+01"}
	for _, r := range releases {
		for _, p := range pres {
			for _, po := range posts {
				for _, d := range devs {
					for _, l := range locals {
						out = append(out, r+p+po+d+l)
					}
				}
			}
		}
	}
	return append(out, "", " ", "v", "1.", ".1", "1..2", "1.0 ", "\t1.0\n", "1 .0", "1.0a1b1", "1.0.post1.post2", "1!2!3", "a1.0", "1.0-r", "1.0-1-1")
}

func TestParseVersionMatchesPackaging(t *testing.T) {
	corpus := versionCorpus()
	var want []*string
	runPackagingOracle(t, `
from pip._vendor.packaging.version import Version, InvalidVersion
out = []
for s in data:
    try:
        out.append(str(Version(s)))
    except InvalidVersion:
        out.append(None)
print(json.dumps(out))
`, corpus, &want)
	if len(want) != len(corpus) {
		t.Fatalf("oracle returned %d results for %d inputs", len(want), len(corpus))
	}
	mismatches := 0
	for i, s := range corpus {
		v, err := ParseVersion(s)
		switch {
		case want[i] == nil && err == nil:
			t.Errorf("ParseVersion(%q) = %s, packaging rejects it", s, v)
		case want[i] != nil && err != nil:
			t.Errorf("ParseVersion(%q): %v, packaging gives %s", s, err, *want[i])
		case want[i] != nil && v.String() != *want[i]:
			t.Errorf("ParseVersion(%q) = %s, packaging gives %s", s, v, *want[i])
		default:
			continue
		}
		if mismatches++; mismatches > 20 {
			t.Fatal("too many mismatches")
		}
	}
}

func TestCompareMatchesPackaging(t *testing.T) {
	var valid []string
	for _, s := range versionCorpus() {
		if _, err := ParseVersion(s); err == nil {
			valid = append(valid, s)
		}
	}
	// Every 7th valid spelling against all the ordered examples keeps the
	// pair count modest while covering each part.
	var pairs [][2]string
	for i := 0; i < len(valid); i += 7 {
		for _, o := range pep440Ordered {
			pairs = append(pairs, [2]string{valid[i], o})
		}
	}
	var want []int
	runPackagingOracle(t, `
from pip._vendor.packaging.version import Version
out = []
for a, b in data:
    x, y = Version(a), Version(b)
    out.append(-1 if x < y else (1 if x > y else 0))
print(json.dumps(out))
`, pairs, &want)
	for i, p := range pairs {
		if got := Compare(MustParseVersion(p[0]), MustParseVersion(p[1])); got != want[i] {
			t.Errorf("Compare(%s, %s) = %d, packaging says %d", p[0], p[1], got, want[i])
		}
	}
}

// TestRandomVersionsMatchPackaging feeds packaging and ParseVersion the same
// pseudo-random strings over the grammar's alphabet (fixed seed), so the
// two parsers are compared well beyond hand-picked spellings.
func TestRandomVersionsMatchPackaging(t *testing.T) {
	const alphabet = "0123456789........---__++!vVabcdeilmoprstvwAPRC "
	words := []string{"alpha", "beta", "rc", "pre", "preview", "post", "rev", "dev", "c", "r"}
	rng := rand.New(rand.NewPCG(440, 508))
	corpus := make([]string, 20000)
	for i := range corpus {
		var b strings.Builder
		b.WriteByte(byte('0' + rng.IntN(10)))
		for n := rng.IntN(12); n > 0; n-- {
			if rng.IntN(4) == 0 {
				b.WriteString(words[rng.IntN(len(words))])
			} else {
				b.WriteByte(alphabet[rng.IntN(len(alphabet))])
			}
		}
		corpus[i] = b.String()
	}
	var want []*string
	runPackagingOracle(t, `
from pip._vendor.packaging.version import Version, InvalidVersion
out = []
for s in data:
    try:
        out.append(str(Version(s)))
    except InvalidVersion:
        out.append(None)
print(json.dumps(out))
`, corpus, &want)
	valid, mismatches := 0, 0
	for i, s := range corpus {
		v, err := ParseVersion(s)
		ok := err == nil && want[i] != nil && v.String() == *want[i]
		if err != nil && want[i] == nil {
			ok = true
		}
		if want[i] != nil {
			valid++
		}
		if !ok {
			t.Errorf("ParseVersion(%q) = %v, %v; packaging gives %v", s, v, err, deref(want[i]))
			if mismatches++; mismatches > 20 {
				t.Fatal("too many mismatches")
			}
		}
	}
	if valid < 1000 {
		t.Errorf("only %d of %d random strings are valid versions; the corpus tests too little", valid, len(corpus))
	}
	t.Logf("%d random strings, %d valid", len(corpus), valid)

	// Rank the valid ones both ways: equal versions share a rank.
	var versions []string
	for i, s := range corpus {
		if want[i] != nil {
			versions = append(versions, s)
		}
	}
	var wantRanks []int
	runPackagingOracle(t, `
from pip._vendor.packaging.version import Version
vs = [Version(s) for s in data]
order = sorted(range(len(vs)), key=lambda i: vs[i])
ranks = [0] * len(vs)
r = 0
for k, i in enumerate(order):
    if k > 0 and vs[i] > vs[order[k - 1]]:
        r += 1
    ranks[i] = r
print(json.dumps(ranks))
`, versions, &wantRanks)
	parsed := make([]Version, len(versions))
	order := make([]int, len(versions))
	for i, s := range versions {
		parsed[i], order[i] = MustParseVersion(s), i
	}
	slices.SortFunc(order, func(a, b int) int { return Compare(parsed[a], parsed[b]) })
	gotRanks := make([]int, len(versions))
	r := 0
	for k, i := range order {
		if k > 0 && Compare(parsed[i], parsed[order[k-1]]) > 0 {
			r++
		}
		gotRanks[i] = r
	}
	for i := range versions {
		if gotRanks[i] != wantRanks[i] {
			t.Fatalf("%q ranks %d here, %d in packaging", versions[i], gotRanks[i], wantRanks[i])
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return "<invalid>"
	}
	return *s
}
