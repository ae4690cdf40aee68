package check

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	rulesBegin = "<!-- rules:begin (go test ./internal/check -run TestDocsRuleTable -update) -->\n"
	rulesEnd   = "<!-- rules:end -->\n"
)

// ruleTable renders the catalog as the Markdown table in docs/check.md.
func ruleTable() string {
	var b strings.Builder
	b.WriteString("| ID | severity | what | fix |\n| --- | --- | --- | --- |\n")
	for _, id := range RuleIDs() {
		r := Rules[id]
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", id, r.Severity, r.Title, r.Fix)
	}
	return b.String()
}

// TestDocsRuleTable keeps docs/check.md's rule table in step with the
// catalog; -update rewrites it.
func TestDocsRuleTable(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "check.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i, j := strings.Index(doc, rulesBegin), strings.Index(doc, rulesEnd)
	if i < 0 || j < i {
		t.Fatalf("docs/check.md lacks the %q … %q markers", rulesBegin, rulesEnd)
	}
	want := doc[:i+len(rulesBegin)] + ruleTable() + doc[j:]
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if doc != want {
		t.Error("docs/check.md rule table differs from the catalog (run with -update)")
	}
}
