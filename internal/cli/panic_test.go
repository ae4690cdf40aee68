package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// A crash is a bug (exit 3) with the panic value and stack; bad input stays
// exit 2 and a "no" stays exit 1.
func TestRunExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		runE     func() error
		code     int
		want     []string
		wantNone []string
	}{
		{name: "panic_is_exit_3", runE: func() error { var m map[string]int; m["x"]++; return nil },
			code: ExitBug, want: []string{"pinwheel: internal error: assignment to entry in nil map", "please report it", "panic_test.go"}},
		{name: "panic_with_error_value", runE: func() error { panic(errors.New("boom")) },
			code: ExitBug, want: []string{"internal error: boom", "goroutine "}},
		{name: "input_error_is_exit_2", runE: func() error { return inputerr.At("pinwheel.yaml", 3, 1, "bad") },
			code: ExitUsage, want: []string{"pinwheel: pinwheel.yaml:3:1: bad"}, wantNone: []string{"internal error"}},
		// Only an explicit verdict is exit 1: CI reads 1 as "said no".
		{name: "verdict_is_exit_1", runE: func() error { return &ExitError{Code: ExitNo, Err: errors.New("gate said no")} },
			code: ExitNo, want: []string{"pinwheel: gate said no"}, wantNone: []string{"internal error"}},
		{name: "missing_runtime_is_exit_2", runE: func() error { return errors.New("no local runtime running") },
			code: ExitUsage, want: []string{"pinwheel: no local runtime running"}, wantNone: []string{"internal error"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := &cobra.Command{Use: "pinwheel", SilenceUsage: true, SilenceErrors: true}
			root.AddCommand(&cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return tc.runE() }})
			var stderr bytes.Buffer
			if code := run(context.Background(), &stderr, root, []string{"x"}); code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			for _, w := range tc.wantNone {
				if strings.Contains(stderr.String(), w) {
					t.Errorf("stderr has %q:\n%s", w, stderr.String())
				}
			}
		})
	}
}
