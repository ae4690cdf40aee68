package check

import (
	"path"
	"regexp"
	"strings"
)

// install is a package installation found in a shell command.
type install struct {
	Tool     string   // "pip", "uv sync", "poetry install", "apt-get", …
	OS       bool     // an OS package manager (apt-get, apk)
	Locked   bool     // installs exactly what the lock says, verified by hash
	Unpinned []string // OS packages without =version
	Why      string   // why it is not locked
}

var pipName = regexp.MustCompile(`^pip(\d+(\.\d+)?)?$`)
var pythonName = regexp.MustCompile(`^python(\d+(\.\d+)?)?$`)

// pipValueFlags are pip install options that take a separate value.
var pipValueFlags = map[string]bool{"-i": true, "--index-url": true, "--extra-index-url": true, "-f": true,
	"--find-links": true, "-c": true, "--constraint": true, "-t": true, "--target": true, "--prefix": true,
	"--root": true, "--platform": true, "--python-version": true, "--implementation": true, "--abi": true,
	"--only-binary": true, "--no-binary": true, "--progress-bar": true, "--src": true, "--cache-dir": true,
	"--upgrade-strategy": true, "--trusted-host": true, "--global-option": true, "--config-settings": true,
	"-C": true, "--python": true, "-p": true, "--index-strategy": true, "--extra": true}

// parseInstall recognises a package installation in argv; ok is false when
// argv installs nothing.
//
// env is the image environment at that point (ENV of the stage); pip and
// uv read some options from it (PIP_REQUIRE_HASHES, UV_LOCKED, UV_FROZEN).
func parseInstall(p *project, argv []string, env map[string]string) (in install, ok bool) {
	argv = unwrap(argv)
	if len(argv) == 0 {
		return in, false
	}
	cmd := base(argv[0])
	if pythonName.MatchString(cmd) && len(argv) > 2 && argv[1] == "-m" {
		cmd, argv = argv[2], argv[2:]
	}
	sub := func(i int) string {
		if len(argv) > i {
			return argv[i]
		}
		return ""
	}
	switch {
	case pipName.MatchString(cmd) && sub(1) == "install":
		if env["PIP_REQUIRE_HASHES"] != "" {
			return install{Tool: "pip install", Locked: true}, true
		}
		return pipInstall(p, "pip install", argv[2:], false), true
	case cmd == "uv" && sub(1) == "pip" && (sub(2) == "install" || sub(2) == "sync"):
		// uv pip sync takes requirements files as its arguments.
		return pipInstall(p, "uv pip "+sub(2), argv[3:], sub(2) == "sync"), true
	case cmd == "uv" && sub(1) == "sync" && (env["UV_LOCKED"] != "" || env["UV_FROZEN"] != ""):
		return install{Tool: "uv sync", Locked: true}, true
	case cmd == "uv" && sub(1) == "sync":
		return flagLocked("uv sync", argv, "without --locked or --frozen, uv may re-resolve", "--locked", "--frozen"), true
	case cmd == "uv" && (sub(1) == "add" || sub(1) == "tool" && sub(2) == "install"):
		return install{Tool: "uv " + sub(1), Why: "resolves at build time"}, true
	case cmd == "poetry" && sub(1) == "install":
		if _, found, _ := p.read("poetry.lock"); found {
			return install{Tool: "poetry install", Locked: true}, true
		}
		return install{Tool: "poetry install", Why: "there is no poetry.lock, so poetry resolves at build time"}, true
	case cmd == "poetry" && (sub(1) == "add" || sub(1) == "update" || sub(1) == "lock"):
		return install{Tool: "poetry " + sub(1), Why: "re-resolves dependencies at build time"}, true
	case cmd == "pipenv" && sub(1) == "install":
		return flagLocked("pipenv install", argv, "without --deploy, pipenv may re-lock", "--deploy", "--ignore-pipfile"), true
	case cmd == "pipenv" && sub(1) == "sync":
		return install{Tool: "pipenv sync", Locked: true}, true
	case cmd == "pdm" && sub(1) == "install":
		return flagLocked("pdm install", argv, "without --frozen-lockfile or --check, pdm may re-lock", "--frozen-lockfile", "--check"), true
	case cmd == "pdm" && sub(1) == "sync":
		return install{Tool: "pdm sync", Locked: true}, true
	case cmd == "pipx" && sub(1) == "install", cmd == "easy_install":
		return install{Tool: cmd, Why: "installs without a lock"}, true
	case (cmd == "apt-get" || cmd == "apt") && sub(1) == "install":
		return osInstall(cmd, argv[2:], map[string]bool{"-o": true, "-t": true, "--target-release": true}), true
	case cmd == "apk" && sub(1) == "add":
		return osInstall(cmd, argv[2:], map[string]bool{"-t": true, "--virtual": true, "-X": true, "--repository": true}), true
	}
	return in, false
}

func flagLocked(tool string, argv []string, why string, flags ...string) install {
	for _, a := range argv {
		for _, f := range flags {
			if a == f {
				return install{Tool: tool, Locked: true}
			}
		}
	}
	return install{Tool: tool, Why: why}
}

// pipInstall judges pip's (or uv pip's) install arguments.
func pipInstall(p *project, tool string, args []string, positionalFiles bool) install {
	in := install{Tool: tool}
	var reqFiles, pkgs []string
	requireHashes, noDeps := false, false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--require-hashes":
			requireHashes = true
		case a == "--no-deps":
			noDeps = true
		case a == "-r" || a == "--requirement":
			if i+1 < len(args) {
				reqFiles = append(reqFiles, args[i+1])
				i++
			}
		case strings.HasPrefix(a, "--requirement="):
			reqFiles = append(reqFiles, strings.TrimPrefix(a, "--requirement="))
		case strings.HasPrefix(a, "-r") && len(a) > 2 && !strings.HasPrefix(a, "--"):
			reqFiles = append(reqFiles, a[2:])
		case a == "-e" || a == "--editable":
			if i+1 < len(args) {
				pkgs = append(pkgs, args[i+1])
				i++
			}
		case pipValueFlags[a]:
			i++
		case strings.HasPrefix(a, "-"):
		case positionalFiles:
			reqFiles = append(reqFiles, a)
		default:
			pkgs = append(pkgs, a)
		}
	}
	var remote []string
	for _, pkg := range pkgs {
		if !isLocalPackage(pkg) {
			remote = append(remote, pkg)
		}
	}
	switch {
	case len(remote) > 0:
		in.Why = "installs " + strings.Join(remote, " ") + " by name, not from the lock"
	case requireHashes:
		in.Locked = true
	case len(reqFiles) > 0:
		in.Locked = true
		for _, f := range reqFiles {
			if !hashLocked(p, f) {
				in.Locked = false
				in.Why = "-r " + f + " is not fully pinned with hashes in the project, and --require-hashes is not given"
				break
			}
		}
	case len(pkgs) > 0 && !noDeps:
		in.Why = "installs " + strings.Join(pkgs, " ") + " with its dependencies resolved at build time (add --no-deps after installing the lock)"
	case len(pkgs) > 0:
		in.Locked = true
	default:
		in.Locked = true // nothing to install
	}
	return in
}

func isLocalPackage(pkg string) bool {
	return pkg == "." || strings.HasPrefix(pkg, "./") || strings.HasPrefix(pkg, "/") || strings.HasPrefix(pkg, "../") ||
		strings.HasSuffix(pkg, ".whl") || strings.HasPrefix(pkg, "$")
}

// hashLocked reports whether the requirements file named in the image (as
// ref) is a project file whose every requirement is pinned and hashed.
func hashLocked(p *project, ref string) bool {
	ref = strings.TrimPrefix(path.Clean(ref), "/")
	candidates := []string{ref, path.Base(ref)}
	for i := strings.Index(ref, "/"); i >= 0; i = strings.Index(ref, "/") {
		ref = ref[i+1:]
		candidates = append(candidates, ref)
	}
	for _, c := range candidates {
		l, _, ok, err := parseRequirements(p, c)
		if err != nil || !ok {
			continue
		}
		return requirementsHashLocked(l)
	}
	return false
}

// osInstall lists OS packages installed without =version.
func osInstall(tool string, args []string, valueFlags map[string]bool) install {
	in := install{Tool: tool, OS: true, Locked: true}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case valueFlags[a]:
			i++
		case strings.HasPrefix(a, "-"), strings.HasPrefix(a, "$"), a == "?":
		case !strings.Contains(a, "="):
			in.Unpinned = append(in.Unpinned, a)
		}
	}
	if len(in.Unpinned) > 0 {
		in.Locked = false
	}
	return in
}
