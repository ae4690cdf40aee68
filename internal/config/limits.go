package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Limits are runtime.memory, runtime.cpus and runtime.pids: the cgroup
// limits of each container replica the local runtime (pinwheel up) runs,
// in the units of up's --memory, --cpus and --pids, which win over them.
// A nil field is not set (up's default applies); 0 means no limit.
//
//	runtime:
//	  memory: 256Mi   # a size: 512Mi, 1Gi, 1G, 1.5Gi or bytes; 0: none (default 512Mi)
//	  cpus: 0.5       # CPUs, at least 0.01; 0: none (default none)
//	  pids: 128       # processes; 0: none (default 512)
type Limits struct {
	MemoryBytes *int64
	CPUs        *float64
	Pids        *int64
}

// Bounds of runtime.cpus and runtime.pids.
const (
	MinCPUs = 0.01 // a CFS quota of 1ms per 100ms period, the kernel's least
	MaxCPUs = 1024
	MaxPids = 4 << 20 // the kernel's PID_MAX_LIMIT
)

// memoryUnits are the suffixes a memory size may end in: Kubernetes
// quantities' binary and decimal ones.
var memoryUnits = map[string]float64{
	"": 1, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15,
	"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40, "Pi": 1 << 50,
}

// ParseMemory parses a memory size as up's --memory and runtime.memory take
// it: a number (whole or decimal) with an optional unit suffix — Ki, Mi, Gi,
// Ti, Pi (powers of 1024) or k, M, G, T, P (powers of 1000) — rounded up to
// whole bytes. "0" means no limit and is 0.
func ParseMemory(s string) (int64, error) {
	num := strings.TrimRight(s, "kKMGTPi")
	unit, ok := memoryUnits[s[len(num):]]
	f, err := strconv.ParseFloat(num, 64)
	if !ok || err != nil || num == "" || strings.ContainsAny(num, "eEnN+-_xX") || f < 0 {
		return 0, fmt.Errorf("%q is not a size such as 512Mi or 1G", s)
	}
	b := math.Ceil(f * unit)
	if b >= 1<<62 {
		return 0, fmt.Errorf("%q is larger than any memory", s)
	}
	return int64(b), nil
}

// FormatMemory writes bytes the way ParseMemory reads them, in the largest
// binary unit that divides them ("none" for 0).
func FormatMemory(b int64) string {
	if b == 0 {
		return "none"
	}
	for _, u := range []string{"Pi", "Ti", "Gi", "Mi", "Ki"} {
		if n := int64(memoryUnits[u]); b%n == 0 {
			return strconv.FormatInt(b/n, 10) + u
		}
	}
	return strconv.FormatInt(b, 10)
}

// limitFields are the runtime: keys of Limits, decoding into l.
func (d walker) limitFields(l *Limits) fields {
	return fields{
		"memory": func(_, v *yaml.Node) error {
			b, err := ParseMemory(v.Value)
			if v.Kind != yaml.ScalarNode || err != nil {
				return d.at(v, "runtime.memory: expected a size such as 512Mi or 1G (0: no limit), got %s", got(v))
			}
			l.MemoryBytes = &b
			return nil
		},
		"cpus": func(_, v *yaml.Node) error {
			c, err := strconv.ParseFloat(v.Value, 64)
			if v.Kind != yaml.ScalarNode || (v.Tag != "!!int" && v.Tag != "!!float") || err != nil || c != 0 && (c < MinCPUs || c > MaxCPUs) {
				return d.at(v, "runtime.cpus: expected a number of CPUs from %g to %d, e.g. 0.5 (0: no limit), got %s", MinCPUs, MaxCPUs, got(v))
			}
			l.CPUs = &c
			return nil
		},
		"pids": func(_, v *yaml.Node) error {
			n, err := strconv.ParseInt(v.Value, 10, 64)
			if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || err != nil || n < 0 || n > MaxPids {
				return d.at(v, "runtime.pids: expected a whole number of processes from 0 (no limit) to %d, got %s", MaxPids, got(v))
			}
			l.Pids = &n
			return nil
		},
	}
}

// got names what a limit's value n holds: the scalar quoted (cut to an
// excerpt), else its kind.
func got(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return inputerr.Excerpt(n.Value)
	}
	return kindName(n)
}
