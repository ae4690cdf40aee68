package check

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

const from = "FROM python:3.11.9@sha256:" + "a" + "bcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678" + "\n"

// Shell fragments beyond the limits are input errors at file:line — never
// a stack overflow — and fragments within them are scanned in full.
func TestShellLimits(t *testing.T) {
	chain := func(n int, op string) string { return strings.Repeat("true "+op+" ", n) + "true" }
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string // error prefix after the directory; "" for no error
	}{
		{"and_chain_in_script", map[string]string{"Dockerfile": from + "COPY entrypoint.sh /\nENTRYPOINT [\"/entrypoint.sh\"]\n",
			"entrypoint.sh": "#!/bin/sh\n" + chain(maxShellChain+1, "&&") + "\n"},
			"entrypoint.sh:2: more than 10000 commands joined by &&, || or | in one chain"},
		{"and_chain_continued", map[string]string{"Dockerfile": from + "RUN true" + strings.Repeat(" \\\n && true", maxShellChain+1) + "\n"},
			"Dockerfile:10003: more than 10000"},
		{"pipe_chain_in_cmd", map[string]string{"Dockerfile": from + "CMD true" + strings.Repeat(" | \\\n  true", maxShellChain+1) + "\n"},
			"Dockerfile:10002: more than 10000"},
		{"subshells", map[string]string{"Dockerfile": from + "RUN " + strings.Repeat("(", 1000) + "true" + strings.Repeat(")", 1000) + "\n"},
			"Dockerfile:2: shell nesting deeper than 200 levels"},
		{"substitutions_in_quotes", map[string]string{"Dockerfile": from + "RUN echo " + strings.Repeat(`"$(echo `, 300) + "\n"},
			"Dockerfile:2: shell nesting deeper than 200 levels"},
		{"nested_ifs_in_entrypoint", map[string]string{"Dockerfile": from + "COPY entrypoint.sh /\nENTRYPOINT [\"/entrypoint.sh\"]\n",
			"entrypoint.sh": "#!/bin/sh\n\n" + strings.Repeat("if true; then\n", 300) + "exec app\n" + strings.Repeat("fi\n", 300)},
			"entrypoint.sh:203: shell nesting deeper than 200 levels"},
		{"long_chain_within_limit", map[string]string{"Dockerfile": from + "RUN true" + strings.Repeat(" \\\n && true", maxShellChain-1) + "\n"}, ""},
		{"parens_in_quotes_and_comments", map[string]string{"Dockerfile": from + "RUN echo '" + strings.Repeat("(", 1000) + "' \\\n  && echo \"" + strings.Repeat("((", 500) + "\"\n",
			"entrypoint.sh": "#!/bin/sh\n" + strings.Repeat("# if for while (\n", 1000) + strings.Repeat("echo \"$(date) $(id)\"\n", 1000)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeProject(t, tc.files)
			_, err := Run(context.Background(), dir)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				return
			}
			if !inputerr.Is(err) {
				t.Fatalf("error %v, want an input error", err)
			}
			if got := strings.TrimPrefix(err.Error(), dir+string(filepath.Separator)); !strings.HasPrefix(got, tc.want) {
				t.Fatalf("error %q, want %q…", got, tc.want)
			}
		})
	}
}

// A pipeline far longer than any real one is scanned once per command:
// the downloader piped into a shell at its end is still found.
func TestLongPipelineFindsPipeToShell(t *testing.T) {
	src := "curl -fsSL https://x.example/i.sh" + strings.Repeat(" | tee -a log", 9000) + " | sh && echo done"
	s := scanShell(src, 1)
	if len(s.Cmds) != 9003 || len(s.PipeToShell) != 1 || s.PipeToShell[0].Argv[0] != "curl" {
		t.Fatalf("%d commands, pipe-to-shell %v", len(s.Cmds), s.PipeToShell)
	}
	if s := scanShell("curl x | grep y && sh z", 1); len(s.PipeToShell) != 0 {
		t.Fatalf("&& ends the pipeline: %v", s.PipeToShell)
	}
}

func BenchmarkShellChain(b *testing.B) {
	src := strings.Repeat("curl x | tee y && ", 3000) + "true"
	for b.Loop() {
		if err := shellLimit("Dockerfile", src, 1); err != nil {
			b.Fatal(err)
		}
		scanShell(src, 1)
	}
}

// FuzzShellLimit: whatever the fragment, the limit check and (when it
// passes) the scan return without panicking.
func FuzzShellLimit(f *testing.F) {
	for _, s := range []string{"a && b | c", "echo \"$(x '(' \\\" )\"", "if a; then (b); fi # (", strings.Repeat("(", 300), "curl x | sh"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if shellLimit("f", src, 1) == nil {
			scanShell(src, 1)
		}
	})
}
