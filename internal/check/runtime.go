package check

import "strings"

// runtimeInstall reports whether argv, run when a container starts,
// installs packages: any install parseInstall recognises, or `uv run`,
// which syncs the environment first unless --no-sync or --frozen is given
// (or UV_NO_SYNC / UV_FROZEN is set in the image's environment).
func runtimeInstall(p *project, argv []string, env map[string]string) (tool string, ok bool) {
	if inst, ok := parseInstall(p, argv, env); ok {
		return inst.Tool, true
	}
	argv = unwrap(argv)
	if len(argv) < 2 || base(argv[0]) != "uv" || argv[1] != "run" {
		return "", false
	}
	if env["UV_NO_SYNC"] != "" || env["UV_FROZEN"] != "" {
		return "", false
	}
	for _, a := range argv[2:] {
		if a == "--no-sync" || a == "--frozen" {
			return "", false
		}
		if !strings.HasPrefix(a, "-") {
			break // the command uv runs; its own flags are not uv's
		}
	}
	return "uv run syncs the environment first", true
}

// startCommands returns the commands an ENTRYPOINT or CMD runs.
func startCommands(df *dockerfile, in instruction) []shellCmd {
	if in.JSON {
		if len(in.Args) == 3 && shells[base(in.Args[0])] && in.Args[1] == "-c" {
			return scanShell(in.Args[2], in.Start).Cmds
		}
		return []shellCmd{{Argv: in.Args, Line: in.Start}}
	}
	if len(in.Args) == 0 {
		return nil
	}
	cmds := scanShell(in.Args[0], in.Start).Cmds
	for i := range cmds {
		cmds[i].Line, cmds[i].Col = df.lineOf(in, cmds[i].Argv[0]), 0
	}
	return cmds
}

// checkStartCommand reports PW307 when ENTRYPOINT or CMD itself installs
// packages, and PW515 when its shell form leaves /bin/sh as PID 1.
func checkStartCommand(p *project, df *dockerfile, in instruction, env map[string]string, r *Report) {
	checkShellForm(df, in, r)
	for _, c := range startCommands(df, in) {
		if tool, ok := runtimeInstall(p, c.Argv, env); ok {
			addAt(r, "PW307", df.File, in, c.Line, "%s `%s` installs packages at container start (%s): the running service may differ from the built image",
				in.Cmd, strings.Join(c.Argv, " "), tool)
		}
	}
}

// checkShellForm reports PW515 for an ENTRYPOINT or CMD in shell form whose
// last command is not exec'd: BuildKit runs it as /bin/sh -c, and Debian's
// dash (the python images' /bin/sh) stays PID 1 even for a lone command, so
// SIGTERM never reaches the server.
func checkShellForm(df *dockerfile, in instruction, r *Report) {
	if in.JSON || len(in.Args) == 0 {
		return
	}
	cmds := scanShell(in.Args[0], in.Start).Cmds
	if len(cmds) == 0 {
		return
	}
	last := cmds[len(cmds)-1].Argv
	if len(last) == 0 || last[0] == "exec" || shellBuiltins[last[0]] || strings.Contains(in.Args[0], "trap ") {
		return
	}
	addAt(r, "PW515", df.File, in, in.Start, "%s in shell form runs `%s` under /bin/sh -c without exec: the shell stays PID 1 and does not pass SIGTERM on",
		in.Cmd, quoteArgv(last))
}
