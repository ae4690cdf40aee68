package lock

import (
	"fmt"
	"strings"
	"testing"
)

// continuation builds one requirement continued over n physical lines.
func continuation(n int) string {
	var b strings.Builder
	b.WriteString("flask==3.0.0 \\\n")
	for i := range n {
		fmt.Fprintf(&b, "  --hash=sha256:%064x \\\n", i)
	}
	b.WriteString("  --hash=sha256:" + strings.Repeat("f", 64) + "\n")
	return b.String()
}

// A long continuation is one logical line whose every piece still maps
// back to its own physical line and column.
func TestLongContinuationKeepsPositions(t *testing.T) {
	const n = 50_000
	items := splitRequirementLines(continuation(n))
	if len(items) != 1 || items[0].req == nil {
		t.Fatalf("%d items, want one logical line", len(items))
	}
	l := items[0].req
	for _, tc := range []struct {
		tok       string
		line, col int
	}{
		{"flask==3.0.0", 1, 1},
		{fmt.Sprintf("--hash=sha256:%064x", 0), 2, 3},
		{fmt.Sprintf("--hash=sha256:%064x", n/2), n/2 + 2, 3},
		{"--hash=sha256:" + strings.Repeat("f", 64), n + 2, 3},
	} {
		off := strings.Index(l.text, tc.tok)
		if line, col := l.pos(off); line != tc.line || col != tc.col {
			t.Errorf("%s at %d:%d, want %d:%d", tc.tok[:20], line, col, tc.line, tc.col)
		}
	}
}

// BenchmarkLongContinuation shows joining is linear: ns/op per line stays
// flat as the continuation grows.
func BenchmarkLongContinuation(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		src := continuation(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				for _, it := range splitRequirementLines(src) {
					for _, tok := range tokenize(it.req.text) {
						it.req.pos(tok.off)
					}
				}
			}
		})
	}
}
