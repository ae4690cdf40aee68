package vulnwatch

import (
	"fmt"
	"strings"
	"time"

	"pinwheel.dev/pinwheel/internal/notify"
)

// Issue is the remediation issue of a hit. Its title names the release
// and digest only, so trackers that look for an open issue with the same
// title (GitHub) add later hits of the same release as comments.
func Issue(h Hit, maxBody int, now time.Time) notify.Issue {
	r := h.Release
	var b strings.Builder
	fmt.Fprintf(&b, "New advisories affect the running release **%s** of %s (image `%s`), found %s.\n\n", r.ID, r.Service, r.Digest, now.UTC().Format(time.RFC3339))
	b.WriteString("| advisory | package | version | severity | fixed in | aliases |\n|---|---|---|---|---|---|\n")
	for _, f := range h.Findings {
		id := f.ID
		if f.URL != "" {
			id = "[" + f.ID + "](" + f.URL + ")"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", id, f.Package.Name, f.Package.Version, f.Severity.Level,
			strings.Join(f.Fixed, ", "), strings.Join(f.Aliases, ", "))
	}
	b.WriteString("\n### Build\n\n")
	i := r.Info
	for _, kv := range [][2]string{{"version", i.Version}, {"git commit", i.GitCommit}, {"source", i.GitSource}, {"lock hash", i.LockHash},
		{"image", i.ImageRef}, {"base", i.BaseImage + " " + i.BaseDigest}, {"CI run", i.CIRunURL}} {
		if strings.TrimSpace(kv[1]) != "" {
			fmt.Fprintf(&b, "- %s: `%s`\n", kv[0], strings.TrimSpace(kv[1]))
		}
	}
	b.WriteString("\nUpgrade the packages to a fixed version, rebuild and roll out; or record an ignore with a reason and an expiry in `.pinwheel-ignore.yaml`.\n")
	body := b.String()
	if maxBody > 0 && len(body) > maxBody {
		body = body[:maxBody-40] + "\n\n… (cut to the tracker's limit)\n"
	}
	return notify.Issue{Title: fmt.Sprintf("pinwheel: vulnerable packages in %s (%s)", r.ID, shortDigest(r.Digest)),
		Body: body, Labels: []string{"security"}, Key: r.ID + "-vulnerabilities", At: now}
}

func shortDigest(d string) string {
	if len(d) > 19 {
		return d[:19]
	}
	return d
}
