package check

import (
	"strconv"
	"strings"

	"pinwheel.dev/pinwheel/internal/check/k8syaml"
)

// shutdown runs the Python-aware stop rules on a long-running container
// that starts a Python server: PW513 terminationGracePeriodSeconds shorter
// than the server's drain time plus the preStop sleep, PW514 no preStop
// sleep, PW516 a liveness probe that gives up before gunicorn's worker
// timeout. The server's settings come from projectscan.ReadShutdown: the
// command line, GUNICORN_CMD_ARGS and gunicorn.conf.py in the project.
func (k *kubeCheck) shutdown(w workload, c container, sd server, served bool) {
	if sd.Server == "" {
		return
	}
	o := w.obj
	origin := ""
	if sd.fromProject != "" {
		origin = " (" + sd.fromProject + " of the project)"
	}
	preStop, hasPreStop := preStopSleep(k8syaml.Get(c.node, "lifecycle", "preStop"))
	if !hasPreStop && served {
		k.add("PW514", o, c.line, "container %s runs %s%s with no preStop sleep: on SIGTERM it stops accepting at once while endpoints still send it requests for a few seconds",
			c.name, sd.Server, origin)
	}
	grace, graceSet := k8syaml.Int(k8syaml.Get(w.spec, "terminationGracePeriodSeconds"))
	if !graceSet {
		grace = 30
	}
	if g := sd.Graceful; g != nil && grace < g.Seconds+preStop {
		line := k8syaml.KeyLine(w.spec, "terminationGracePeriodSeconds")
		if !graceSet {
			line = c.line
		}
		what := "terminationGracePeriodSeconds " + strconv.Itoa(grace)
		if !graceSet {
			what += " (the default)"
		}
		k.add("PW513", o, line, "%s is shorter than container %s's %s%s drain of %d s (%s) plus %d s of preStop sleep: requests still running get SIGKILL",
			what, c.name, sd.Server, origin, g.Seconds, g.From, preStop)
	}
	if wt := sd.WorkerTimeout; wt != nil {
		if live := k8syaml.Get(c.node, "livenessProbe"); live != nil {
			if p := readProbe(live); p.network && p.window() < wt.Seconds {
				k.add("PW516", o, c.at("livenessProbe"), "container %s's livenessProbe gives up after %d s, before gunicorn's worker timeout of %d s (%s): when every worker is busy with requests gunicorn still allows, the kubelet restarts the whole container",
					c.name, p.window(), wt.Seconds, wt.From)
			}
		}
	}
}

// preStopSleep reads how long a preStop hook delays SIGTERM: the sleep
// action, or an exec of `sleep N` (directly, or every sleep of an sh -c
// script: `sleep 5 && nginx -s quit`). ok is false when
// there is no preStop hook; an httpGet hook counts as one of unknown
// length (0 s).
func preStopSleep(n *k8syaml.Node) (seconds int, ok bool) {
	if n == nil {
		return 0, false
	}
	if s, ok := k8syaml.Int(k8syaml.Get(n, "sleep", "seconds")); ok {
		return s, true
	}
	argv := k8syaml.Strs(k8syaml.Get(n, "exec", "command"))
	cmds := [][]string{argv}
	if script, ok := shellScript(argv); ok {
		cmds = nil
		for _, c := range scanShell(script, 1).Cmds {
			cmds = append(cmds, c.Argv)
		}
	}
	total := 0.0
	for _, c := range cmds {
		for i := 0; i+1 < len(c); i++ {
			if base(c[i]) == "sleep" {
				if v, err := strconv.ParseFloat(c[i+1], 64); err == nil && v >= 0 && v < 1e6 {
					total += v
				}
			}
		}
	}
	if total > 0 {
		return int(total + 0.999), true
	}
	return 0, true
}

// shellWrapped is the command a `sh -c SCRIPT` argv runs last, split in
// words; nil when argv is not a shell wrapper.
func shellWrapped(argv []string) []string {
	script, ok := shellScript(argv)
	if !ok {
		return nil
	}
	cmds := scanShell(script, 1).Cmds
	if len(cmds) == 0 {
		return []string{}
	}
	return cmds[len(cmds)-1].Argv
}

// shellScript is SCRIPT of an argv `[sh|bash|…] [-flags] -c SCRIPT …`.
func shellScript(argv []string) (string, bool) {
	if len(argv) < 3 || !posixShells[base(argv[0])] {
		return "", false
	}
	for i := 1; i < len(argv)-1; i++ {
		a := argv[i]
		if !strings.HasPrefix(a, "-") {
			return "", false
		}
		if strings.Contains(a, "c") && !strings.HasPrefix(a, "--") {
			return argv[i+1], true
		}
	}
	return "", false
}

var posixShells = map[string]bool{"sh": true, "bash": true, "dash": true, "ash": true, "zsh": true, "ksh": true}

// shellBuiltins end a script without starting a program: a script that
// ends in one is a short task, not a server the shell keeps as a child.
var shellBuiltins = map[string]bool{"exit": true, "return": true, "echo": true, "printf": true, "true": true,
	"false": true, ":": true, "set": true, "export": true, "cd": true, "test": true, "[": true, "unset": true}

// execForm reports PW515 for a long-running container whose command is a
// shell that stays PID 1: `sh -c "… && gunicorn …"` without exec leaves the shell as
// PID 1, and a shell as PID 1 does not pass SIGTERM on — the pod waits out
// its whole grace period and then SIGKILLs the server mid-request. Debian's
// dash (the python images' /bin/sh) forks even a lone command; bash execs a
// lone simple command itself, so only that case passes unwrapped.
func (k *kubeCheck) execForm(o k8syaml.Object, c container) {
	cmd, args := k8syaml.Strs(k8syaml.Get(c.node, "command")), k8syaml.Strs(k8syaml.Get(c.node, "args"))
	argv := append(append([]string{}, cmd...), args...)
	script, ok := shellScript(argv)
	if !ok {
		return
	}
	s := scanShell(script, 1)
	if len(s.Cmds) == 0 {
		return
	}
	last := s.Cmds[len(s.Cmds)-1].Argv
	if len(last) == 0 || last[0] == "exec" || shellBuiltins[last[0]] || strings.Contains(script, "trap ") {
		return // exec'd, a short task, or a script that handles its signals
	}
	if base(argv[0]) == "bash" && len(s.Cmds) == 1 && !strings.ContainsAny(script, ";&|\n") {
		return
	}
	line := c.at("command")
	if len(cmd) == 0 {
		line = c.at("args")
	}
	k.add("PW515", o, line, "container %s starts `%s` under %s without exec: the shell stays PID 1 and does not pass SIGTERM on, so the server is SIGKILLed at the end of the grace period",
		c.name, quoteArgv(last), base(argv[0]))
}
