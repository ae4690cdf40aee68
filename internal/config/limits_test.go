package config

import (
	"errors"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

func TestParseMemory(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"0", 0}, {"512Mi", 512 << 20}, {"1Gi", 1 << 30}, {"1G", 1e9}, {"1.5Gi", 3 << 29}, {"300Mi", 300 << 20},
		{"64Ki", 64 << 10}, {"2k", 2000}, {"1048576", 1 << 20}, {"0.5", 1},
	} {
		got, err := ParseMemory(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseMemory(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "lots", "-1Mi", "1e9", "512MB", "500m", "Mi", "1 Gi", "NaN", "Inf", "+1", "0x10", "9999999Pi"} {
		if got, err := ParseMemory(bad); err == nil {
			t.Errorf("ParseMemory(%q) = %d, want an error", bad, got)
		}
	}
	for _, b := range []int64{0, 1, 512 << 20, 3 << 29, 1e9} {
		if got, err := ParseMemory(FormatMemory(b)); b != 0 && (err != nil || got != b) {
			t.Errorf("ParseMemory(FormatMemory(%d) = %q) = %d, %v", b, FormatMemory(b), got, err)
		}
	}
}

func FuzzParseMemory(f *testing.F) {
	for _, s := range []string{"512Mi", "1.5Gi", "0", "1G", "lots", "9Pi"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseMemory(s)
		if err == nil && (b < 0 || b >= 1<<62) {
			t.Fatalf("ParseMemory(%q) = %d", s, b)
		}
	})
}

// runtime.memory, cpus and pids decode into Limits; bad values are input
// errors at their line and column (line 1 is "service: shop").
func TestDecodeRuntimeLimits(t *testing.T) {
	i64 := func(n int64) *int64 { return &n }
	f64 := func(n float64) *float64 { return &n }
	for _, tc := range []struct {
		name, src string
		want      Limits
		wantErr   string
	}{
		{"absent", "runtime:\n  replicas: 2\n", Limits{}, ""},
		{"all", "runtime:\n  memory: 256Mi\n  cpus: 0.5\n  pids: 128\n", Limits{MemoryBytes: i64(256 << 20), CPUs: f64(0.5), Pids: i64(128)}, ""},
		{"zeros_mean_none", "runtime:\n  memory: 0\n  cpus: 0\n  pids: 0\n", Limits{MemoryBytes: i64(0), CPUs: f64(0), Pids: i64(0)}, ""},
		{"whole_cpus", "runtime:\n  cpus: 2\n", Limits{CPUs: f64(2)}, ""},
		{"bytes", "runtime:\n  memory: 1073741824\n", Limits{MemoryBytes: i64(1 << 30)}, ""},
		{"bad_memory", "runtime:\n  memory: lots\n", Limits{}, `pinwheel.yaml:3:11: runtime.memory: expected a size such as 512Mi or 1G (0: no limit), got "lots"`},
		{"memory_list", "runtime:\n  memory: [1Gi]\n", Limits{}, "pinwheel.yaml:3:11: runtime.memory: expected a size such as 512Mi or 1G (0: no limit), got a list"},
		{"negative_memory", "runtime:\n  memory: -1Gi\n", Limits{}, "pinwheel.yaml:3:11: runtime.memory"},
		{"cpus_string", "runtime:\n  cpus: half\n", Limits{}, `pinwheel.yaml:3:9: runtime.cpus: expected a number of CPUs from 0.01 to 1024, e.g. 0.5 (0: no limit), got "half"`},
		{"cpus_quoted", "runtime:\n  cpus: \"0.5\"\n", Limits{}, "pinwheel.yaml:3:9: runtime.cpus"},
		{"cpus_negative", "runtime:\n  cpus: -1\n", Limits{}, "pinwheel.yaml:3:9: runtime.cpus"},
		{"cpus_too_small", "runtime:\n  cpus: 0.001\n", Limits{}, "pinwheel.yaml:3:9: runtime.cpus"},
		{"cpus_nan", "runtime:\n  cpus: .nan\n", Limits{}, "pinwheel.yaml:3:9: runtime.cpus"},
		{"pids_float", "runtime:\n  pids: 1.5\n", Limits{}, `pinwheel.yaml:3:9: runtime.pids: expected a whole number of processes from 0 (no limit) to 4194304, got "1.5"`},
		{"pids_negative", "runtime:\n  pids: -2\n", Limits{}, "pinwheel.yaml:3:9: runtime.pids"},
		{"pids_huge", "runtime:\n  pids: 99999999999\n", Limits{}, "pinwheel.yaml:3:9: runtime.pids"},
		{"misspelt", "runtime:\n  cpu: 1\n", Limits{}, `pinwheel.yaml:3:3: runtime: unknown key "cpu" (expected one of: cpus, memory, metrics, pids, readinessPath, replicas)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("pinwheel.yaml", []byte("service: shop\n"+tc.src))
			if err != nil {
				t.Fatal(err)
			}
			rt, err := c.RuntimeSection()
			if tc.wantErr != "" {
				var ie *inputerr.Error
				if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want an input error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := rt.Limits; !same(got.MemoryBytes, tc.want.MemoryBytes) || !same(got.CPUs, tc.want.CPUs) || !same(got.Pids, tc.want.Pids) {
				t.Fatalf("limits %s, want %s", show(got), show(tc.want))
			}
		})
	}
}

func same[T comparable](a, b *T) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func show(l Limits) string {
	var parts []string
	if l.MemoryBytes != nil {
		parts = append(parts, "memory "+FormatMemory(*l.MemoryBytes))
	}
	if l.CPUs != nil {
		parts = append(parts, "cpus set")
	}
	if l.Pids != nil {
		parts = append(parts, "pids set")
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
