package analysis

import (
	"fmt"
	"math"
	"testing"
)

// Mann & Whitney's own example as used in the scipy.stats.mannwhitneyu
// documentation: ages of males and females. scipy reports U1 = 17 with a
// two-sided exact p of 0.1111 (= 14/126) and a two-sided asymptotic p of
// 0.11134688653314041; the one-sided "greater" p-values are half of those.
var males, females = []float64{19, 22, 16, 29, 24}, []float64{20, 11, 17, 12}

func TestMannWhitneyKnownValues(t *testing.T) {
	tests := []struct {
		name      string
		x, y      []float64
		wantU     float64
		wantP     float64
		wantExact bool
	}{
		{name: "scipy_doc_exact", x: males, y: females, wantU: 17, wantP: 7.0 / 126, wantExact: true},
		{name: "reversed_exact", x: females, y: males, wantU: 3, wantP: 1 - 4.0/126, wantExact: true},
		{name: "complete_separation", x: []float64{5, 6, 7}, y: []float64{1, 2, 3}, wantU: 9, wantP: 1.0 / 20, wantExact: true},
		{name: "no_overlap_other_way", x: []float64{1, 2, 3}, y: []float64{5, 6, 7}, wantU: 0, wantP: 1, wantExact: true},
		{name: "all_tied", x: []float64{4, 4, 4}, y: []float64{4, 4}, wantU: 3, wantP: 1},
		{name: "empty", x: nil, y: []float64{1}, wantU: 0, wantP: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := MannWhitneyGreater(tc.x, tc.y)
			if got.U != tc.wantU || math.Abs(got.P-tc.wantP) > 1e-12 || got.Exact != tc.wantExact {
				t.Errorf("got U=%v P=%.15g exact=%v, want U=%v P=%.15g exact=%v", got.U, got.P, got.Exact, tc.wantU, tc.wantP, tc.wantExact)
			}
		})
	}
}

func TestMannWhitneyAsymptoticMatchesScipy(t *testing.T) {
	// The sample is small enough for the exact method, so call the
	// approximation directly to compare it with scipy's method="asymptotic".
	u, tieSum := rankU(males, females)
	if u != 17 || tieSum != 0 {
		t.Fatalf("rankU = %v, %v; want 17, 0", u, tieSum)
	}
	p := normalGreater(len(males), len(females), u, tieSum)
	want := 0.11134688653314041 / 2
	if math.Abs(p-want) > 1e-12 {
		t.Errorf("asymptotic one-sided p = %.17g, want %.17g (scipy two-sided / 2)", p, want)
	}
}

// The tie-corrected variance must equal the true variance of U over every
// equally likely assignment of the pooled values to the two groups.
func TestMannWhitneyTieVariance(t *testing.T) {
	pooled := []float64{1, 2, 2, 3, 3, 3, 4, 5, 5}
	n1 := 4
	var us []float64
	forEachSubset(len(pooled), n1, func(in []bool) {
		var x, y []float64
		for i, v := range pooled {
			if in[i] {
				x = append(x, v)
			} else {
				y = append(y, v)
			}
		}
		u, _ := rankU(x, y)
		us = append(us, u)
	})
	var sum, sq float64
	for _, u := range us {
		sum += u
	}
	mu := sum / float64(len(us))
	for _, u := range us {
		sq += (u - mu) * (u - mu)
	}
	trueVar := sq / float64(len(us))
	_, tieSum := rankU(pooled[:n1], pooled[n1:])
	f1, f2 := float64(n1), float64(len(pooled)-n1)
	n := f1 + f2
	formula := f1 * f2 / 12 * ((n + 1) - tieSum/(n*(n-1)))
	if math.Abs(mu-f1*f2/2) > 1e-9 || math.Abs(trueVar-formula) > 1e-9 {
		t.Errorf("enumerated mean %v var %v; formula mean %v var %v", mu, trueVar, f1*f2/2, formula)
	}
}

// The exact p-value must equal brute-force enumeration of every arrangement.
func TestMannWhitneyExactMatchesEnumeration(t *testing.T) {
	x := []float64{3.1, 7.2, 9.9, 4.4, 8.8, 6.1}
	y := []float64{1.2, 5.5, 2.3, 0.4, 7.7, 6.6, 10.1}
	pooled := append(append([]float64{}, x...), y...)
	obs, _ := rankU(x, y)
	var total, tail float64
	forEachSubset(len(pooled), len(x), func(in []bool) {
		var a, b []float64
		for i, v := range pooled {
			if in[i] {
				a = append(a, v)
			} else {
				b = append(b, v)
			}
		}
		u, _ := rankU(a, b)
		total++
		if u >= obs {
			tail++
		}
	})
	got := MannWhitneyGreater(x, y)
	if !got.Exact || math.Abs(got.P-tail/total) > 1e-12 {
		t.Errorf("exact p = %v (exact=%v), enumeration gives %v", got.P, got.Exact, tail/total)
	}
	// And the approximation is close to it at this size.
	if approx := normalGreater(len(x), len(y), obs, 0); math.Abs(approx-got.P) > 0.02 {
		t.Errorf("normal approximation %v too far from exact %v", approx, got.P)
	}
}

func forEachSubset(n, k int, fn func(in []bool)) {
	in := make([]bool, n)
	var rec func(i, left int)
	rec = func(i, left int) {
		if left == 0 {
			fn(in)
			return
		}
		if n-i < left {
			return
		}
		in[i] = true
		rec(i+1, left-1)
		in[i] = false
		rec(i+1, left)
	}
	rec(0, k)
}

func BenchmarkMannWhitney(b *testing.B) {
	for _, n := range []int{30, 300} {
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = float64((i*7919)%1000) * 1.05
			y[i] = float64((i * 104729) % 1000)
		}
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				MannWhitneyGreater(x, y)
			}
		})
	}
}
