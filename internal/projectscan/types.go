package projectscan

import (
	"fmt"
	"strings"
)

// Evidence is where a finding was read: a file relative to the scanned
// root (slash-separated) and a 1-based line, 0 when the file as a whole is
// the evidence.
type Evidence struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
}

func (e Evidence) String() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	return e.File
}

// Warning is a problem init cannot settle alone: sources that disagree, a
// choice made without a pin, a command that will not work as is.
type Warning struct {
	Msg string     `json:"message"`
	At  []Evidence `json:"at,omitempty"`
}

func (w Warning) String() string {
	if len(w.At) == 0 {
		return w.Msg
	}
	at := make([]string, len(w.At))
	for i, e := range w.At {
		at[i] = e.String()
	}
	return w.Msg + " (" + strings.Join(at, ", ") + ")"
}

// Service is what Scan found out about one service directory.
type Service struct {
	// Dir is the service directory relative to the scanned root, "." for
	// the root itself.
	Dir string `json:"dir"`
	// Name is the service name: the project's declared name, else the
	// directory's; NameAt is where it was declared.
	Name     string   `json:"name"`
	NameAt   Evidence `json:"nameAt"`
	Python   Python   `json:"python"`
	Command  Command  `json:"command"`
	Lockfile Lockfile `json:"lockfile"`
	Env      []EnvVar `json:"env,omitempty"`
	// Workspace lists uv workspace members, relative to Dir.
	Workspace []string `json:"workspace,omitempty"`
	// Secrets are files the secret rules name: never read, never copied.
	Secrets  []string  `json:"secrets,omitempty"`
	Warnings []Warning `json:"warnings,omitempty"`
}

// Python is the chosen interpreter version.
type Python struct {
	// Version is MAJOR.MINOR, "3.12".
	Version string `json:"version"`
	// Why says how it was chosen; At is the deciding source (empty File
	// when nothing pinned it).
	Why     string         `json:"why"`
	At      Evidence       `json:"at"`
	Sources []PythonSource `json:"sources,omitempty"`
}

// PythonSource is one place that says something about the Python version.
type PythonSource struct {
	Kind string `json:"kind"` // ".python-version", "Dockerfile FROM", "requires-python", "uv.lock requires-python", …
	// Pin is an exact version (3.12 or 3.12.4) when the source names one;
	// Spec is a PEP 440 specifier set when it gives a range. One is set.
	Pin  string   `json:"pin,omitempty"`
	Spec string   `json:"spec,omitempty"`
	At   Evidence `json:"at"`
	// Lock marks the lock's resolved range.
	Lock bool `json:"lock,omitempty"`
}

// Command is the process the service runs and what it listens on.
type Command struct {
	// Entrypoint and Cmd are exec form, as pinwheel.yaml takes them.
	Entrypoint []string `json:"entrypoint,omitempty"`
	Cmd        []string `json:"cmd,omitempty"`
	// Server is the server program recognised in the command ("gunicorn",
	// "uvicorn", …), empty when none; Dev is true for a development server.
	Server string   `json:"server,omitempty"`
	Dev    bool     `json:"dev,omitempty"`
	At     Evidence `json:"at"`
	From   string   `json:"from"` // "Dockerfile CMD", "Procfile web", …
	Port   int      `json:"port,omitempty"`
	PortAt Evidence `json:"portAt"`
	// PortWhy says how the port was found ("--bind", "EXPOSE", "gunicorn default").
	PortWhy   string   `json:"portWhy,omitempty"`
	User      string   `json:"user,omitempty"`
	UserAt    Evidence `json:"userAt"`
	Workdir   string   `json:"workdir,omitempty"`
	WorkdirAt Evidence `json:"workdirAt"`
	// Alternatives are the other commands found, for the report.
	Alternatives []Alternative `json:"alternatives,omitempty"`
}

// Alternative is a command found but not chosen.
type Alternative struct {
	Argv []string `json:"argv"`
	From string   `json:"from"`
	At   Evidence `json:"at"`
	Why  string   `json:"why"` // why it lost
}

// Lockfile is the production lock.
type Lockfile struct {
	Path string   `json:"path,omitempty"` // relative to the service directory
	At   Evidence `json:"at"`             // what chose it (a Dockerfile line, or the file itself)
	Why  string   `json:"why,omitempty"`
	// Others are lock-like files not chosen, with the reason.
	Others []Alternative `json:"others,omitempty"`
}

// EnvVar is a variable the Dockerfile's final stage sets that the image
// needs at run time (DJANGO_SETTINGS_MODULE, PORT, …).
type EnvVar struct {
	Name  string   `json:"name"`
	Value string   `json:"value"`
	At    Evidence `json:"at"`
}
