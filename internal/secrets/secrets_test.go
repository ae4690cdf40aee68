package secrets

import (
	"archive/tar"
	"bytes"
	"strings"
	"testing"
)

func TestFile(t *testing.T) {
	key := []byte("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n")
	for _, tc := range []struct {
		rel  string
		head []byte
		want string // "" when not a secret file
	}{
		{".env", nil, "a dotenv file"},
		{"deploy/.env.production", nil, "a dotenv file"},
		{".env.example", nil, ""},
		{".env.sample", nil, ""},
		{"home/.ssh/id_rsa", nil, "an SSH private key"},
		{"id_ed25519", nil, "an SSH private key"},
		{"id_ed25519.pub", nil, ""},
		{".netrc", nil, "a credentials file (.netrc)"},
		{".pypirc", nil, "a credentials file (.pypirc)"},
		{".aws/credentials", nil, "a cloud credentials file"},
		{".aws/config", nil, "a cloud credentials file"},
		{"config", nil, ""},
		{".docker/config.json", nil, "a cloud credentials file"},
		{"gcloud/application_default_credentials.json", nil, "a cloud credentials file"},
		{"tls/server.p12", nil, "a key store"},
		{"tls/server.pem", key, "a private key"},
		{"tls/ca.pem", []byte("-----BEGIN CERTIFICATE-----\n"), ""},
		{"sa.json", []byte(`{"private_key": "-----BEGIN PRIVATE KEY-----\n"}`), "a private key"},
		{"package.json", []byte(`{"name": "x"}`), ""},
		{"app/main.py", key, ""}, // contents are Content's business
	} {
		t.Run(strings.ReplaceAll(tc.rel, "/", "_"), func(t *testing.T) {
			got, ok := File(tc.rel, tc.head)
			if got != tc.want || ok != (tc.want != "") {
				t.Fatalf("File(%q) = %q, %v; want %q", tc.rel, got, ok, tc.want)
			}
		})
	}
}

func TestValueAndContent(t *testing.T) {
	for _, tc := range []struct {
		name, in      string
		value, inFile string // what Value and Content say; "" for nothing
	}{
		{"aws_key_id", "AKIAIOSFODNN7EXAMPLE", "an AWS access key ID", "an AWS access key ID"},
		{"aws_secret_assignment", `aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"`, "an AWS secret access key", "an AWS secret access key"},
		{"aws_secret_ending_in_slash", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE/", "an AWS secret access key", "an AWS secret access key"},
		{"gcp_service_account", `{"type": "service_account", "project_id": "x"}`, "a Google Cloud service account key", "a Google Cloud service account key"},
		{"github_token", "ghp_" + strings.Repeat("A", 36), "a GitHub token", "a GitHub token"},
		{"private_key_block", "-----BEGIN EC PRIVATE KEY-----", "a private key", "a private key"},
		{"url_with_password", "postgres://app:hunter2@db/app", "a URL with a password", ""},
		{"url_built_in_code", `f"postgres://{user}:{password}@{host}/db"`, "a URL with a password", ""},
		{"plain", "info", "", ""},
		{"public_cert", "-----BEGIN CERTIFICATE-----", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, _ := Value(tc.in); got != tc.value {
				t.Errorf("Value = %q, want %q", got, tc.value)
			}
			if got, _ := Content([]byte(tc.in)); got != tc.inFile {
				t.Errorf("Content = %q, want %q", got, tc.inFile)
			}
		})
	}
}

func TestScanTar(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(name, body string, typ byte) {
		tw.WriteHeader(&tar.Header{Name: name, Typeflag: typ, Size: int64(len(body)), Mode: 0o644})
		tw.Write([]byte(body))
	}
	add("app/", "", tar.TypeDir)
	add("app/.env", "X=1", tar.TypeReg)
	add("app/settings.py", "KEY = 'AKIAIOSFODNN7EXAMPLE'", tar.TypeReg)
	add("app/.wh..env.local", "", tar.TypeReg)
	add("app/id_rsa", "", tar.TypeSymlink)
	add("venv/lib/tornado/test/test.key", "-----BEGIN PRIVATE KEY-----", tar.TypeReg)
	add("venv/lib/pkg/docs.py", "ghp_"+strings.Repeat("A", 36), tar.TypeReg)
	tw.Close()
	for _, tc := range []struct {
		depth Depth
		want  string
	}{
		{Names, "app/.env: a dotenv file"},
		{Contents, "app/.env: a dotenv file|app/settings.py: an AWS access key ID|venv/lib/tornado/test/test.key: a private key|venv/lib/pkg/docs.py: a GitHub token"},
	} {
		hits, err := ScanTar(bytes.NewReader(buf.Bytes()), tc.depth)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range hits {
			got = append(got, h.String())
		}
		if strings.Join(got, "|") != tc.want {
			t.Errorf("depth %d: %q, want %q", tc.depth, strings.Join(got, "|"), tc.want)
		}
	}
	if _, err := ScanTar(strings.NewReader("not a tar stream, not at all....."), Names); err == nil {
		t.Error("a broken layer scanned clean")
	}
}
