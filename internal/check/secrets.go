package check

import (
	"regexp"
	"strings"
)

// secretName matches variable names that hold secrets: *_PASSWORD,
// *_TOKEN, *_SECRET, API keys, private keys, AWS access keys.
var secretName = regexp.MustCompile(`(?i)(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|API_?KEY|SECRET_?KEY|PRIVATE_?KEY|ACCESS_?KEY(_ID)?|AUTH|CREDENTIALS?|DSN)$`)

// secretValue matches values that look like real credentials, whatever
// the variable is called.
var secretValue = []struct {
	what string
	re   *regexp.Regexp
}{
	{"an AWS access key ID", regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)},
	{"a GitHub token", regexp.MustCompile(`\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{22,}`)},
	{"a GitLab token", regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20}\b`)},
	{"a Slack token", regexp.MustCompile(`\bxox[baprs]-[A-Za-z0-9-]{10,}`)},
	{"a Google API key", regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`)},
	{"an OpenAI-style secret key", regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{20,}`)},
	{"a private key", regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)},
	{"a URL with a password", regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@$]+@`)},
}

// looksLikeSecret returns what value looks like, if it looks like a
// credential.
func looksLikeSecret(value string) (string, bool) {
	for _, s := range secretValue {
		if s.re.MatchString(value) {
			return s.what, true
		}
	}
	return "", false
}

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
	if what, ok := looksLikeSecret(value); ok {
		f := addAt(r, "PW401", df.File, in, line, "%s %s holds what looks like %s: it is stored in the image", kind, name, what)
		f.Severity = SeverityCritical
		return
	}
	if !secretName.MatchString(name) {
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
