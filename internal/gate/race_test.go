//go:build race

package gate

// raceEnabled: the race detector slows evaluation about tenfold, so a
// hostile expression may meet the time bound before the cost bound.
const raceEnabled = true
