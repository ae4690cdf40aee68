package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsListEveryRule keeps docs/check.md's rule table in step with the
// catalog: every rule has a row with its current severity and title.
func TestDocsListEveryRule(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "check.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range RuleIDs() {
		r := Rules[id]
		row := "| " + id + " | " + r.Severity.String() + " | " + r.Title + " |"
		if !strings.Contains(string(doc), row) {
			t.Errorf("docs/check.md has no row %q", row)
		}
	}
}
