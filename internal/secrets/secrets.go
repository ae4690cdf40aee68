// Package secrets owns pinwheel's one set of secret detectors: file names
// that hold credentials (.env, id_rsa, cloud key files…), values that look
// like credentials (private key blocks, cloud keys, tokens), variable names
// that hold secrets, and a scan of a layer's tar stream with them. `check`
// reports what they find in a project; `build` refuses to write a layer
// they find something in. It reads nothing from disk itself and decides no
// exit codes.
package secrets

import (
	"bytes"
	"path"
	"regexp"
	"strings"
)

// Name matches variable names that hold secrets: *_PASSWORD, *_TOKEN,
// *_SECRET, API keys, private keys, AWS access keys.
var Name = regexp.MustCompile(`(?i)(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|API_?KEY|SECRET_?KEY|PRIVATE_?KEY|ACCESS_?KEY(_ID)?|AUTH|CREDENTIALS?|DSN)$`)

// values are the shapes of real credentials, whatever they are called.
// valueOnly ones are judged in single values (env, args) but not inside
// files, where code builds such URLs from variables.
var values = []struct {
	what      string
	re        *regexp.Regexp
	valueOnly bool
}{
	{"an AWS access key ID", regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`), false},
	{"an AWS secret access key", regexp.MustCompile(`(?i)aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+]{40}([^A-Za-z0-9/+]|$)`), false},
	{"a Google Cloud service account key", regexp.MustCompile(`"type"\s*:\s*"service_account"`), false},
	{"a GitHub token", regexp.MustCompile(`\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{22,}`), false},
	{"a GitLab token", regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20}\b`), false},
	{"a Slack token", regexp.MustCompile(`\bxox[baprs]-[A-Za-z0-9-]{10,}`), false},
	{"a Google API key", regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`), false},
	{"an OpenAI-style secret key", regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{20,}`), false},
	{"a private key", regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`), false},
	{"a URL with a password", regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@$]+@`), true},
}

// Value returns what v looks like, if it looks like a credential.
func Value(v string) (string, bool) { return match([]byte(v), true) }

// Content returns what data (a file's contents) holds, if any part of it
// looks like a credential.
func Content(data []byte) (string, bool) { return match(data, false) }

func match(data []byte, single bool) (string, bool) {
	for _, s := range values {
		if (single || !s.valueOnly) && s.re.Match(data) {
			return s.what, true
		}
	}
	return "", false
}

// NeedsHead reports whether File needs the contents of a file with this
// name to judge it.
func NeedsHead(name string) bool {
	return strings.HasSuffix(name, ".pem") || strings.HasSuffix(name, ".key") || strings.HasSuffix(name, ".json")
}

// safeSuffixes mark template files that only show which variables exist.
var safeSuffixes = []string{".example", ".sample", ".template", ".dist", ".defaults"}

// File returns what the file at rel (slash path) is when its name says it
// holds credentials. head is the start of its contents, used for names
// that are credentials only with a key inside (.pem, .key, .json); nil
// head judges by the name alone.
func File(rel string, head []byte) (string, bool) {
	name := path.Base(rel)
	dir := path.Base(path.Dir(rel))
	switch {
	case name == ".env" || strings.HasPrefix(name, ".env."):
		for _, safe := range safeSuffixes {
			if strings.HasSuffix(name, safe) {
				return "", false
			}
		}
		return "a dotenv file", true
	case name == "id_rsa" || name == "id_dsa" || name == "id_ecdsa" || name == "id_ed25519":
		return "an SSH private key", true
	case name == ".netrc" || name == ".pypirc" || name == ".git-credentials" || name == ".npmrc":
		return "a credentials file (" + name + ")", true
	case name == "credentials" || name == "credentials.json" || (dir == ".aws" && name == "config") ||
		(dir == ".docker" && name == "config.json") || name == "application_default_credentials.json":
		return "a cloud credentials file", true
	case strings.HasSuffix(name, ".p12") || strings.HasSuffix(name, ".pfx") || strings.HasSuffix(name, ".jks"):
		return "a key store", true
	case NeedsHead(name):
		if bytes.Contains(head, []byte("PRIVATE KEY-----")) {
			return "a private key", true
		}
	}
	return "", false
}

// vcsAndCI are directories and files of version control and CI systems:
// never app files.
var vcsAndCI = []string{".git/", ".hg/", ".svn/", ".github/", ".gitlab/", ".gitlab-ci.yml", ".circleci/",
	".buildkite/", ".travis.yml", ".drone.yml", "Jenkinsfile", ".azure-pipelines/", "azure-pipelines.yml", ".woodpecker/"}

// VCSAndCI returns the gitignore-style patterns of version control and CI
// directories and files.
func VCSAndCI() []string { return append([]string(nil), vcsAndCI...) }

// Env judges one environment variable: its value shaped like a credential
// (critical), or a secret's name given a literal value. what completes
// "env: NAME …"; it never holds the value.
func Env(name, value string) (what string, critical, ok bool) {
	if kind, ok := Value(value); ok {
		return "holds what looks like " + kind, true, true
	}
	if value != "" && Name.MatchString(name) {
		return "is a secret's name with a literal value", false, true
	}
	return "", false, false
}
