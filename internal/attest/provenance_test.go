package attest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	intoto "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

func provenanceInput() ProvenanceInput {
	return ProvenanceInput{
		Info: BuildInfo{Service: "hello", ImageDigest: "sha256:" + strings.Repeat("ab", 32), BuilderVersion: "v1",
			CIProvider: "gitlab", CIRunID: "42", StartedAt: time.Unix(100, 0), FinishedAt: time.Unix(160, 0), Reproducible: true},
		SubjectName:        "registry.example/hello",
		ExternalParameters: map[string]any{"config": map[string]any{"service": "hello", "port": 8080}, "platforms": []string{"linux/amd64"}},
		Materials: []Material{
			{Name: "b.whl", URI: "pkg:pypi/b@1", Digest: map[string]string{"sha256": "bb"}},
			{Name: "source", URI: "git+https://example/x@c0ffee", Digest: map[string]string{"gitCommit": "c0ffee"}},
			{Name: "a.whl", URI: "pkg:pypi/a@1", Digest: map[string]string{"sha256": "aa"}},
		},
	}
}

func TestProvenance(t *testing.T) {
	in := provenanceInput()
	out, err := Provenance(in)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Provenance(in)
	if !bytes.Equal(out, again) {
		t.Fatal("provenance is not deterministic")
	}
	var st intoto.Statement
	if err := protojson.Unmarshal(out, &st); err != nil {
		t.Fatalf("not an in-toto statement: %v", err)
	}
	if err := st.Validate(); err != nil {
		t.Fatal(err)
	}
	if st.Subject[0].Digest["sha256"] != strings.Repeat("ab", 32) || st.Subject[0].Name != "registry.example/hello" {
		t.Errorf("subject %v", st.Subject)
	}
	var doc struct {
		Predicate struct {
			BuildDefinition struct {
				BuildType            string
				ExternalParameters   map[string]any
				ResolvedDependencies []struct{ URI string }
			}
			RunDetails struct {
				Builder  struct{ ID string }
				Metadata struct{ InvocationID, StartedOn, FinishedOn string }
			}
		}
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	bd := doc.Predicate.BuildDefinition
	if bd.BuildType != BuildType || bd.ExternalParameters["config"] == nil {
		t.Errorf("buildDefinition %+v", bd)
	}
	var uris []string
	for _, d := range bd.ResolvedDependencies {
		uris = append(uris, d.URI)
	}
	if strings.Join(uris, " ") != "git+https://example/x@c0ffee pkg:pypi/a@1 pkg:pypi/b@1" {
		t.Errorf("dependencies not sorted: %v", uris)
	}
	md := doc.Predicate.RunDetails.Metadata
	if md.InvocationID != "gitlab:42" || md.StartedOn != "1970-01-01T00:01:40Z" || md.FinishedOn != "1970-01-01T00:02:40Z" {
		t.Errorf("metadata %+v", md)
	}
	if doc.Predicate.RunDetails.Builder.ID != BuilderID {
		t.Errorf("builder %+v", doc.Predicate.RunDetails.Builder)
	}

	in.Info.ImageDigest = "md5:xx"
	if _, err := Provenance(in); err == nil {
		t.Error("non-sha256 subject accepted")
	}
}

func TestDetectCI(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want CI
	}{
		{"github", map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "7", "GITHUB_RUN_ATTEMPT": "2", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "o/r"},
			CI{"github-actions", "7-2", "https://github.com/o/r/actions/runs/7"}},
		{"gitlab", map[string]string{"GITLAB_CI": "true", "CI_PIPELINE_ID": "9", "CI_PIPELINE_URL": "u"}, CI{"gitlab", "9", "u"}},
		{"buildkite", map[string]string{"BUILDKITE": "true", "BUILDKITE_BUILD_ID": "b"}, CI{"buildkite", "b", ""}},
		{"circleci", map[string]string{"CIRCLECI": "true", "CIRCLE_BUILD_NUM": "3"}, CI{"circleci", "3", ""}},
		{"jenkins", map[string]string{"JENKINS_URL": "j", "BUILD_ID": "1", "BUILD_TAG": "jenkins-x-1"}, CI{"jenkins", "jenkins-x-1", ""}},
		{"tekton", map[string]string{"TEKTON_PIPELINE_RUN": "run-1"}, CI{"tekton", "run-1", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := DetectCI(func(k string) string { return tt.env[k] })
			if !ok || got != tt.want {
				t.Errorf("DetectCI = %+v %v, want %+v", got, ok, tt.want)
			}
		})
	}
	if _, ok := DetectCI(func(string) string { return "" }); ok {
		t.Error("detected CI in an empty environment")
	}
}

func TestReadGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_DATE=@1700000000 +0000", "GIT_COMMITTER_DATE=@1700000000 +0000",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@e", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@e")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	if _, ok := ReadGit(context.Background(), dir); ok {
		t.Fatal("ReadGit outside a repository reported ok")
	}
	git("init", "-q")
	os.WriteFile(filepath.Join(dir, "a"), []byte("a"), 0o644)
	git("add", "a")
	git("commit", "-q", "-m", "x")
	git("remote", "add", "origin", "https://example.com/x.git")
	g, ok := ReadGit(context.Background(), dir)
	if !ok || len(g.Commit) != 40 || g.Dirty || g.CommitTime.Unix() != 1700000000 || g.Source != "https://example.com/x.git" {
		t.Fatalf("ReadGit = %+v %v", g, ok)
	}
	os.WriteFile(filepath.Join(dir, "b"), []byte("b"), 0o644)
	if g, _ := ReadGit(context.Background(), dir); !g.Dirty {
		t.Error("untracked file not seen as dirty")
	}
}
