package pep

import (
	"strconv"
	"strings"
)

// Target describes the interpreter and platform a build installs wheels
// for: the container's Python, not the machine running pinwheel.
type Target struct {
	PythonVersion  string // "3.11" ("3.11.7" and free-threaded "3.13t" are allowed)
	Implementation string // PEP 425 abbreviation: "cp" (default), "pp", ...
	OS             string // "linux"
	Arch           string // Python's machine name: "x86_64", "aarch64", ...
	Libc           string // "glibc" (default) or "musl"
	LibcVersion    string // "2.36" for glibc, "1.2" for musl
}

// Default C library versions when a target does not say: Debian bookworm's
// glibc (the python:3.x-slim images) and Alpine's musl.
const (
	DefaultGlibcVersion = "2.36"
	DefaultMuslVersion  = "1.2"
)

// ociArch maps OCI platform architectures (with variant) to Python's
// platform.machine() names.
var ociArch = map[string]string{
	"amd64": "x86_64", "arm64": "aarch64", "arm64/v8": "aarch64", "386": "i686",
	"arm/v7": "armv7l", "arm": "armv7l", "ppc64le": "ppc64le", "s390x": "s390x",
	"riscv64": "riscv64",
}

// ParseTarget builds a CPython glibc target from an OCI platform such as
// "linux/amd64" or "linux/arm64/v8" and a Python version such as "3.11".
// Set Libc/LibcVersion afterwards for musl-based images.
func ParseTarget(platform, pythonVersion string) (Target, error) {
	fail := func(format string, args ...any) (Target, error) {
		return Target{}, syntaxErr("target", platform, 0, format, args...)
	}
	osName, arch, ok := strings.Cut(strings.ToLower(strings.TrimSpace(platform)), "/")
	if !ok || osName == "" || arch == "" {
		return fail("platform %q: expected os/arch, e.g. linux/amd64", platform)
	}
	if osName != "linux" {
		return fail("platform %q: only linux targets are supported", platform)
	}
	machine, ok := ociArch[arch]
	if !ok {
		return fail("platform %q: unknown architecture %q", platform, arch)
	}
	t := Target{PythonVersion: pythonVersion, Implementation: "cp", OS: "linux", Arch: machine, Libc: "glibc", LibcVersion: DefaultGlibcVersion}
	if _, _, err := t.pythonMajorMinor(); err != nil {
		return Target{}, err
	}
	return t, nil
}

// String describes the target, e.g. "cp3.11 linux/x86_64 glibc 2.36".
func (t Target) String() string {
	return t.impl() + t.PythonVersion + " " + t.OS + "/" + t.Arch + " " + t.libc() + " " + t.libcVersion()
}

func (t Target) impl() string {
	if t.Implementation == "" {
		return "cp"
	}
	return strings.ToLower(t.Implementation)
}

func (t Target) libc() string {
	if t.Libc == "" {
		return "glibc"
	}
	return strings.ToLower(t.Libc)
}

func (t Target) libcVersion() string {
	switch {
	case t.LibcVersion != "":
		return t.LibcVersion
	case t.libc() == "musl":
		return DefaultMuslVersion
	}
	return DefaultGlibcVersion
}

// FreeThreaded reports whether PythonVersion names a free-threaded
// (no-GIL) CPython build, e.g. "3.13t".
func (t Target) FreeThreaded() bool {
	return strings.HasSuffix(strings.TrimSpace(t.PythonVersion), "t")
}

// pythonMajorMinor splits PythonVersion into its first two numbers.
func (t Target) pythonMajorMinor() (major, minor int, err error) {
	parts := strings.Split(strings.TrimSuffix(strings.TrimSpace(t.PythonVersion), "t"), ".")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, syntaxErr("target", t.PythonVersion, 0, "python version %q: expected MAJOR.MINOR, e.g. 3.11", t.PythonVersion)
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, ok := atoiAll(p)
		if !ok || n > 999 {
			return 0, 0, syntaxErr("target", t.PythonVersion, 0, "python version %q: expected MAJOR.MINOR, e.g. 3.11", t.PythonVersion)
		}
		nums[i] = n
	}
	if t.FreeThreaded() && (nums[0] < 3 || nums[0] == 3 && nums[1] < 13) {
		return 0, 0, syntaxErr("target", t.PythonVersion, 0, "python version %q: free-threaded builds start at 3.13", t.PythonVersion)
	}
	return nums[0], nums[1], nil
}

// libcMajorMinor parses LibcVersion ("2.36").
func (t Target) libcMajorMinor() (major, minor int, err error) {
	v := t.libcVersion()
	a, b, ok := strings.Cut(v, ".")
	x, ok1 := atoiAll(a)
	y, ok2 := atoiAll(b)
	if !ok || !ok1 || !ok2 || y > 999 {
		return 0, 0, syntaxErr("target", v, 0, "%s version %q: expected MAJOR.MINOR", t.libc(), v)
	}
	return x, y, nil
}

// EnvironmentFor returns the PEP 508 marker environment of a target, as
// that interpreter would report it. Values a target cannot know
// (platform_release, platform_version) are empty.
func EnvironmentFor(t Target) Environment {
	full := strings.TrimSuffix(strings.TrimSpace(t.PythonVersion), "t")
	short := full
	if major, minor, err := t.pythonMajorMinor(); err == nil {
		short = strconv.Itoa(major) + "." + strconv.Itoa(minor)
		if strings.Count(full, ".") == 1 {
			full += ".0"
		}
	}
	name, impl := "cpython", "CPython"
	switch t.impl() {
	case "pp":
		name, impl = "pypy", "PyPy"
	case "ip":
		name, impl = "ironpython", "IronPython"
	case "jy":
		name, impl = "jython", "Jython"
	}
	osName := t.OS
	if osName == "" {
		osName = "linux"
	}
	return Environment{
		"python_version":                 short,
		"python_full_version":            full,
		"implementation_name":            name,
		"implementation_version":         full,
		"platform_python_implementation": impl,
		"sys_platform":                   osName,
		"platform_system":                strings.ToUpper(osName[:1]) + osName[1:],
		"platform_machine":               t.Arch,
		"platform_release":               "",
		"platform_version":               "",
		"os_name":                        "posix",
	}
}
