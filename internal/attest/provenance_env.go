package attest

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// CI is the CI run a build happens in.
type CI struct {
	Provider string // "github-actions", "gitlab", "buildkite", "circleci", "jenkins", "tekton"
	RunID    string
	RunURL   string
}

// DetectCI recognises the common CI environments from getenv. The first
// provider whose marker variable is set wins.
func DetectCI(getenv func(string) string) (CI, bool) {
	switch {
	case getenv("GITHUB_ACTIONS") == "true":
		id := getenv("GITHUB_RUN_ID")
		if a := getenv("GITHUB_RUN_ATTEMPT"); a != "" && id != "" {
			id += "-" + a
		}
		url := ""
		if s, r, rid := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_REPOSITORY"), getenv("GITHUB_RUN_ID"); s != "" && r != "" && rid != "" {
			url = s + "/" + r + "/actions/runs/" + rid
		}
		return CI{"github-actions", id, url}, true
	case getenv("GITLAB_CI") == "true":
		return CI{"gitlab", getenv("CI_PIPELINE_ID"), getenv("CI_PIPELINE_URL")}, true
	case getenv("BUILDKITE") == "true":
		return CI{"buildkite", getenv("BUILDKITE_BUILD_ID"), getenv("BUILDKITE_BUILD_URL")}, true
	case getenv("CIRCLECI") == "true":
		id := getenv("CIRCLE_WORKFLOW_ID")
		if id == "" {
			id = getenv("CIRCLE_BUILD_NUM")
		}
		return CI{"circleci", id, getenv("CIRCLE_BUILD_URL")}, true
	case getenv("JENKINS_URL") != "" && getenv("BUILD_ID") != "":
		return CI{"jenkins", getenv("BUILD_TAG"), getenv("BUILD_URL")}, true
	case getenv("TEKTON_PIPELINE_RUN") != "" || getenv("PIPELINE_RUN_NAME") != "":
		id := getenv("TEKTON_PIPELINE_RUN")
		if id == "" {
			id = getenv("PIPELINE_RUN_NAME")
		}
		return CI{"tekton", id, ""}, true
	}
	return CI{}, false
}

// Git is what the source tree's git checkout says.
type Git struct {
	Commit     string
	Dirty      bool
	CommitTime time.Time
	Source     string // remote.origin.url
}

// ReadGit asks the git CLI about the checkout containing dir. ok is false
// when dir is not in a git work tree (or git is missing). Dirty considers
// tracked and untracked changes under dir only.
func ReadGit(ctx context.Context, dir string) (Git, bool) {
	run := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
		out, err := cmd.Output()
		return strings.TrimSpace(string(out)), err
	}
	commit, err := run("rev-parse", "--verify", "-q", "HEAD")
	if err != nil || commit == "" {
		return Git{}, false
	}
	g := Git{Commit: commit}
	if ts, err := run("log", "-1", "--format=%ct", "HEAD"); err == nil {
		if n, err := strconv.ParseInt(ts, 10, 64); err == nil {
			g.CommitTime = time.Unix(n, 0).UTC()
		}
	}
	if st, err := run("status", "--porcelain", "--", "."); err == nil && st != "" {
		g.Dirty = true
	}
	g.Source, _ = run("config", "--get", "remote.origin.url")
	return g, true
}
