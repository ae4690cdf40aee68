package kubecli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"pinwheel.dev/pinwheel/api/v1alpha1"
)

func decision(i int) v1alpha1.Decision {
	return v1alpha1.Decision{Time: metav1.NewTime(time.Date(2026, 11, 24, 10, 0, i, 0, time.UTC)), Step: int32(i), Phase: "Progressing", Action: "step", Reason: "reason " + string(rune('a'+i))}
}

// The printer shows each decision once across versions of the Release,
// says how many it never saw when the Release dropped them, and shows the
// waiting message of a Release that has not started.
func TestPrinterShowsEachDecisionOnce(t *testing.T) {
	var buf bytes.Buffer
	p := &printer{w: &buf, done: Terminal}
	rel := &v1alpha1.Release{}
	rel.Status.Message = "waiting for release shop-aaaa"
	p.show(rel)
	p.show(rel) // same message: not again
	rel.Status = v1alpha1.ReleaseStatus{Phase: "Progressing", Decisions: []v1alpha1.Decision{decision(0), decision(1)}, Message: "reason b"}
	p.show(rel)
	rel.Status.Decisions = append(rel.Status.Decisions, decision(2))
	p.show(rel)
	// The Release keeps 2 and has dropped 3: decisions 3 was never seen, 4 is new.
	rel.Status.Decisions, rel.Status.DecisionsDropped = []v1alpha1.Decision{decision(4), decision(5)}, 4
	p.show(rel)
	want := []string{
		"  Pending: waiting for release shop-aaaa",
		"  10:00:00.0  step 0  Progressing  step      reason a",
		"  10:00:01.0  step 1  Progressing  step      reason b",
		"  10:00:02.0  step 2  Progressing  step      reason c",
		"  (1 decisions not shown: the Release keeps the newest 2)",
		"  10:00:04.0  step 4  Progressing  step      reason e",
		"  10:00:05.0  step 5  Progressing  step      reason f",
	}
	if got := strings.TrimRight(buf.String(), "\n"); got != strings.Join(want, "\n") {
		t.Fatalf("printed:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}
