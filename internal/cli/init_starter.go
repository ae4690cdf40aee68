package cli

import (
	"fmt"
	"strings"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/projectscan"
)

// starterOf turns what init found into the values pinwheel.yaml gets,
// each with its evidence as a comment.
func starterOf(svc *projectscan.Service) config.Starter {
	c := svc.Command
	s := config.Starter{
		Service:    svc.Name,
		Python:     svc.Python.Version,
		PythonNote: svc.Python.Why + evidence(svc.Python.At),
		Lockfile:   svc.Lockfile.Path,
		LockNote:   svc.Lockfile.Why + evidence(svc.Lockfile.At),
		Entrypoint: c.Entrypoint,
		Cmd:        c.Cmd,
		Port:       c.Port,
		Workdir:    c.Workdir,
		User:       c.User,
	}
	if s.Service == "" {
		s.Service = "service"
	}
	if c.From != "" {
		s.EntryNote = "From " + c.From + evidence(c.At)
	}
	if c.Port != 0 {
		s.PortNote = "from " + c.PortWhy + evidence(c.PortAt)
	}
	if c.User != "" {
		s.UserNote = "USER" + evidence(c.UserAt)
	}
	for _, e := range svc.Env {
		s.Env = append(s.Env, config.StarterEnv{Name: e.Name, Value: e.Value, Note: strings.TrimSpace(evidence(e.At))})
	}
	for _, w := range svc.Warnings {
		s.Warnings = append(s.Warnings, w.String())
	}
	return s
}

func evidence(e projectscan.Evidence) string {
	if e.File == "" {
		return ""
	}
	return fmt.Sprintf(" [%s]", e)
}
