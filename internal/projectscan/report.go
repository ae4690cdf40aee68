package projectscan

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteReport writes what Scan found about svc, with the evidence for
// each finding, as the text `pinwheel init` prints.
func WriteReport(w io.Writer, svc *Service) error {
	var b strings.Builder
	line := func(key, format string, args ...any) {
		fmt.Fprintf(&b, "  %-11s %s\n", key+":", fmt.Sprintf(format, args...))
	}
	fmt.Fprintf(&b, "service %s (%s)\n", svc.Name, svc.Dir)
	line("name", "%s  [%s]", svc.Name, svc.NameAt)
	line("python", "%s  %s%s", svc.Python.Version, svc.Python.Why, at(svc.Python.At))
	for _, src := range svc.Python.Sources {
		v := src.Pin
		if v == "" {
			v = src.Spec
		}
		fmt.Fprintf(&b, "    %-40s %-18s [%s]\n", src.Kind, v, src.At)
	}
	c := svc.Command
	if len(c.Entrypoint)+len(c.Cmd) == 0 {
		line("command", "none found")
	} else {
		server := ""
		if c.Server != "" {
			server = ", server " + c.Server
			if c.Dev {
				server += " (development)"
			}
		}
		line("entrypoint", "%s", quoteArgv(c.Entrypoint))
		if len(c.Cmd) > 0 {
			line("cmd", "%s", quoteArgv(c.Cmd))
		}
		line("from", "%s%s  [%s]", c.From, server, c.At)
	}
	for _, a := range c.Alternatives {
		fmt.Fprintf(&b, "    not chosen: %s from %s, %s  [%s]\n", quoteArgv(a.Argv), a.From, a.Why, a.At)
	}
	if c.Port != 0 {
		line("port", "%d  from %s  [%s]", c.Port, c.PortWhy, c.PortAt)
	} else {
		line("port", "unknown")
	}
	if c.User != "" {
		line("user", "%s  [%s]", c.User, c.UserAt)
	}
	if c.Workdir != "" {
		line("workdir", "%s  [%s]", c.Workdir, c.WorkdirAt)
	}
	if svc.Lockfile.Path != "" {
		line("lockfile", "%s  %s  [%s]", svc.Lockfile.Path, svc.Lockfile.Why, svc.Lockfile.At)
	} else {
		line("lockfile", "none found")
	}
	for _, o := range svc.Lockfile.Others {
		fmt.Fprintf(&b, "    not chosen: %s, %s\n", o.Argv[0], o.Why)
	}
	for _, e := range svc.Env {
		line("env", "%s=%s  [%s]", e.Name, strconv.Quote(e.Value), e.At)
	}
	if len(svc.Workspace) > 0 {
		line("workspace", "%s", strings.Join(svc.Workspace, ", "))
	}
	if len(svc.Secrets) > 0 {
		line("secrets", "%s  (never read, never in the image)", strings.Join(svc.Secrets, ", "))
	}
	for _, warn := range svc.Warnings {
		fmt.Fprintf(&b, "  warning: %s\n", warn)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteServices lists the services Discover found, with the files that
// make each one a service.
func WriteServices(w io.Writer, found *Services) error {
	var b strings.Builder
	fmt.Fprintf(&b, "services:\n")
	for _, f := range found.Found {
		ev := make([]string, len(f.Evidence))
		for i, e := range f.Evidence {
			ev[i] = e.String()
		}
		fmt.Fprintf(&b, "  %-24s %s\n", f.Dir, strings.Join(ev, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func at(e Evidence) string {
	if e.File == "" {
		return ""
	}
	return "  [" + e.String() + "]"
}

func quoteArgv(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		parts[i] = strconv.Quote(a)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
