package wheel

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// EntryPoint is a console or GUI script declared in entry_points.txt.
type EntryPoint struct {
	Name   string // the script's file name
	Module string // dotted module path
	Attr   string // dotted attribute path within the module; may be empty
	GUI    bool
}

var (
	dottedName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)
	scriptName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.+-]*$`)
)

// parseEntryPoints reads the console_scripts and gui_scripts sections of an
// entry_points.txt (an INI file; other groups are ignored). Object references
// must be "module[:attr]" with optional "[extras]"; anything else would be
// pasted into generated Python code, so it is refused.
func parseEntryPoints(data []byte) ([]EntryPoint, error) {
	var out []EntryPoint
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' || text[0] == ';' {
			continue
		}
		if strings.HasPrefix(text, "[") {
			if !strings.HasSuffix(text, "]") {
				return nil, fmt.Errorf("entry_points.txt line %d: bad section header %q", line, text)
			}
			section = strings.TrimSpace(text[1 : len(text)-1])
			continue
		}
		if section != "console_scripts" && section != "gui_scripts" {
			continue
		}
		name, ref, ok := strings.Cut(text, "=")
		if !ok {
			return nil, fmt.Errorf("entry_points.txt line %d: want name = module:attr, got %q", line, text)
		}
		ep, err := parseObjectRef(strings.TrimSpace(name), strings.TrimSpace(ref))
		if err != nil {
			return nil, fmt.Errorf("entry_points.txt line %d: %w", line, err)
		}
		ep.GUI = section == "gui_scripts"
		out = append(out, ep)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("entry_points.txt: %w", err)
	}
	return out, nil
}

func parseObjectRef(name, ref string) (EntryPoint, error) {
	if !scriptName.MatchString(name) || name == "." || name == ".." {
		return EntryPoint{}, fmt.Errorf("bad script name %q", name)
	}
	if i := strings.Index(ref, "["); i >= 0 {
		ref = strings.TrimSpace(ref[:i]) // extras do not change the launcher
	}
	mod, attr, _ := strings.Cut(ref, ":")
	mod, attr = strings.TrimSpace(mod), strings.TrimSpace(attr)
	if !dottedName.MatchString(mod) || (attr != "" && !dottedName.MatchString(attr)) {
		return EntryPoint{}, fmt.Errorf("script %q: bad object reference %q (want module.path:attr.path)", name, ref)
	}
	return EntryPoint{Name: name, Module: mod, Attr: attr}, nil
}

// launcher is the script pip writes for an entry point: a shebang for the
// target interpreter and a stub that imports the object and exits with its
// return value.
func launcher(ep EntryPoint, interpreter string) []byte {
	imp := "import " + ep.Module
	call := ep.Module + "()"
	if ep.Attr != "" {
		first, _, _ := strings.Cut(ep.Attr, ".")
		imp = "from " + ep.Module + " import " + first
		call = ep.Attr + "()"
	}
	var b strings.Builder
	b.WriteString(shebang(interpreter))
	b.WriteString("# -*- coding: utf-8 -*-\nimport re\nimport sys\n")
	b.WriteString(imp + "\n")
	b.WriteString("if __name__ == \"__main__\":\n")
	b.WriteString("    sys.argv[0] = re.sub(r\"(-script\\.pyw|\\.exe)?$\", \"\", sys.argv[0])\n")
	b.WriteString("    sys.exit(" + call + ")\n")
	return []byte(b.String())
}

// shebang returns the first line(s) that run interpreter. Linux limits a
// shebang to 127 bytes and cannot quote spaces; past that, like pip, it uses
// a /bin/sh trampoline that Python reads as a string literal.
func shebang(interpreter string) string {
	if len(interpreter)+3 <= 127 && !strings.ContainsAny(interpreter, " \t") {
		return "#!" + interpreter + "\n"
	}
	return "#!/bin/sh\n'''exec' " + shellQuote(interpreter) + " \"$0\" \"$@\"\n' '''\n"
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
