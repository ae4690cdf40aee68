package analysis

import (
	"math"
	"slices"
)

// MannWhitneyResult is the outcome of a one-sided Mann-Whitney U test of
// "x tends to be greater than y".
type MannWhitneyResult struct {
	// U is the statistic for x: the number of (x, y) pairs with x > y, plus
	// half the pairs that tie.
	U float64
	// P is the one-sided p-value for the alternative "x is stochastically
	// greater than y".
	P float64
	// Exact reports whether P comes from the exact null distribution (small
	// samples without ties) rather than the normal approximation.
	Exact bool
}

// exactLimit is the largest sample size for which the exact distribution is
// used (as scipy.stats.mannwhitneyu does by default, both samples must be
// smaller than 8 and free of ties).
const exactLimit = 7

// MannWhitneyGreater tests whether x is stochastically greater than y. For
// small samples without ties it uses the exact distribution of U; otherwise
// the normal approximation with tie correction and a continuity correction of
// 0.5. Empty inputs give P = 1 (no evidence). Inputs must be finite.
func MannWhitneyGreater(x, y []float64) MannWhitneyResult {
	n1, n2 := len(x), len(y)
	if n1 == 0 || n2 == 0 {
		return MannWhitneyResult{P: 1}
	}
	u, tieSum := rankU(x, y)
	if n1 <= exactLimit && n2 <= exactLimit && tieSum == 0 {
		return MannWhitneyResult{U: u, P: exactGreater(n1, n2, u), Exact: true}
	}
	return MannWhitneyResult{U: u, P: normalGreater(n1, n2, u, tieSum)}
}

// normalGreater is P(U >= u) by the normal approximation with tie correction
// and continuity correction.
func normalGreater(n1, n2 int, u, tieSum float64) float64 {
	f1, f2 := float64(n1), float64(n2)
	n := f1 + f2
	mu := f1 * f2 / 2
	variance := f1 * f2 / 12 * ((n + 1) - tieSum/(n*(n-1)))
	if variance <= 0 {
		return 1 // every value tied: no evidence either way
	}
	z := (u - mu - 0.5) / math.Sqrt(variance)
	return 0.5 * math.Erfc(z/math.Sqrt2)
}

// rankU ranks the pooled samples (midranks for ties) and returns U for x and
// the tie term Σ(t³ - t) over groups of t tied values.
func rankU(x, y []float64) (u, tieSum float64) {
	type obs struct {
		v     float64
		fromX bool
	}
	pooled := make([]obs, 0, len(x)+len(y))
	for _, v := range x {
		pooled = append(pooled, obs{v, true})
	}
	for _, v := range y {
		pooled = append(pooled, obs{v, false})
	}
	slices.SortFunc(pooled, func(a, b obs) int {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	})
	rankSumX := 0.0
	for i := 0; i < len(pooled); {
		j := i + 1
		for j < len(pooled) && pooled[j].v == pooled[i].v {
			j++
		}
		midrank := float64(i+j+1) / 2 // ranks i+1..j averaged
		for k := i; k < j; k++ {
			if pooled[k].fromX {
				rankSumX += midrank
			}
		}
		if t := float64(j - i); t > 1 {
			tieSum += t*t*t - t
		}
		i = j
	}
	n1 := float64(len(x))
	return rankSumX - n1*(n1+1)/2, tieSum
}

// exactGreater returns P(U >= u) under the null hypothesis for samples of
// sizes n1 and n2 without ties, by counting arrangements: the number of
// orderings with statistic k satisfies c(n1, n2, k) = c(n1-1, n2, k-n2) + c(n1, n2-1, k).
func exactGreater(n1, n2 int, u float64) float64 {
	maxU := n1 * n2
	// counts[b][k] for the current a; built up over a = 0..n1.
	prev := make([][]float64, n2+1)
	for b := range prev {
		prev[b] = make([]float64, maxU+1)
		prev[b][0] = 1 // a = 0: one arrangement, U = 0
	}
	for a := 1; a <= n1; a++ {
		cur := make([][]float64, n2+1)
		for b := 0; b <= n2; b++ {
			cur[b] = make([]float64, maxU+1)
			for k := 0; k <= maxU; k++ {
				c := 0.0
				if k-b >= 0 {
					c += prev[b][k-b] // largest value is an x: it beats all b y's
				}
				if b > 0 {
					c += cur[b-1][k] // largest value is a y
				}
				cur[b][k] = c
			}
		}
		prev = cur
	}
	counts := prev[n2]
	total, tail := 0.0, 0.0
	for k, c := range counts {
		total += c
		if float64(k) >= u-1e-9 {
			tail += c
		}
	}
	return tail / total
}
