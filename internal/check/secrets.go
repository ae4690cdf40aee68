package check

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/secrets"
)

// isReference reports whether v only refers to another variable.
func isReference(v string) bool {
	return varRef.ReplaceAllString(v, "") == "" && v != ""
}

// checkArgSecrets reports PW401 for build args that carry secrets.
func checkArgSecrets(df *dockerfile, in instruction, r *Report) {
	for _, a := range in.Args {
		name, value, hasValue := strings.Cut(a, "=")
		value = unquote(value)
		judgeSecret(df, in, "ARG", name, value, hasValue, r)
	}
}

// checkEnvSecrets reports PW401 for environment variables that carry
// secrets. The parser gives ENV as (name, value, separator) triples.
func checkEnvSecrets(df *dockerfile, in instruction, r *Report) {
	for i := 0; i+1 < len(in.Args); i += 3 {
		judgeSecret(df, in, "ENV", in.Args[i], unquote(in.Args[i+1]), true, r)
	}
}

func judgeSecret(df *dockerfile, in instruction, kind, name, value string, hasValue bool, r *Report) {
	line := df.lineOf(in, name)
	if what, ok := secrets.Value(value); ok {
		f := addAt(r, "PW401", df.File, in, line, "%s %s holds what looks like %s: it is stored in the image", kind, name, what)
		f.Severity = SeverityCritical
		return
	}
	if !secrets.Name.MatchString(name) {
		return
	}
	switch {
	case kind == "ARG" && (!hasValue || value == ""):
		f := addAt(r, "PW401", df.File, in, line, "ARG %s passes a secret as a build arg: its value is recorded in the image history", name)
		f.Severity = SeverityMedium
	case isReference(value):
		addAt(r, "PW401", df.File, in, line, "%s %s copies a secret (%s) into the image's configuration", kind, name, value)
	case value != "":
		addAt(r, "PW401", df.File, in, line, "%s %s sets a secret in the Dockerfile: it is stored in the image", kind, name)
	}
}
