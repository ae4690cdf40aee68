package deploy

import (
	"os/exec"
	"strings"
)

// GitLog lists the commits in old..new of the repository holding dir, one
// line each ("abc1234 subject"), for "what changed" reports. It returns an
// error when git or the commits are not at hand.
func GitLog(dir string) func(oldCommit, newCommit string) ([]string, error) {
	return func(oldCommit, newCommit string) ([]string, error) {
		out, err := exec.Command("git", "-C", dir, "log", "--format=%h %s", oldCommit+".."+newCommit).Output()
		if err != nil {
			return nil, err
		}
		var lines []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if l != "" {
				lines = append(lines, l)
			}
		}
		return lines, nil
	}
}
