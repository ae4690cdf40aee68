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
// packages.
func checkStartCommand(p *project, df *dockerfile, in instruction, env map[string]string, r *Report) {
	for _, c := range startCommands(df, in) {
		if tool, ok := runtimeInstall(p, c.Argv, env); ok {
			addAt(r, "PW307", df.File, in, c.Line, "%s `%s` installs packages at container start (%s): the running service may differ from the built image",
				in.Cmd, strings.Join(c.Argv, " "), tool)
		}
	}
}
