package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/lock"
)

func newLockCommand(streams Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lock",
		Short: "Read a project's lockfile: inspect its packages, print its canonical hash",
		Long: `Read a lockfile (uv.lock, poetry.lock, Pipfile.lock, pdm.lock, pylock.toml or a
pip-compile requirements file) into pinwheel's lock model. PATH is a lockfile or a
project directory (default "."), searched as "pinwheel check" does.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newLockInspectCommand(streams), newLockHashCommand(streams))
	return cmd
}

func newLockInspectCommand(streams Streams) *cobra.Command {
	var path string
	cmd := newLockReadCommand("inspect [PATH]", "List the packages a lockfile installs, and which of them production installs",
		"output format: text or json (the whole lock model and the production set)",
		func(l *lock.Lock, output string) error {
			sel, err := selectForProject(path, l)
			if err != nil {
				return err
			}
			if output == "json" {
				return writeLockJSON(streams.Out, inspectJSON(l, sel))
			}
			return writeLockTable(streams.Out, l, sel)
		})
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		path = lockArgOr(args, ".")
		return run(c, args)
	}
	return cmd
}

func newLockHashCommand(streams Streams) *cobra.Command {
	return newLockReadCommand("hash [PATH]", "Print the canonical, format-independent hash of what a lockfile installs",
		"output format: text or json",
		func(l *lock.Lock, output string) error {
			h := lock.Hash(l)
			if output == "json" {
				return writeLockJSON(streams.Out, struct {
					Path     string      `json:"path"`
					Format   lock.Format `json:"format"`
					Packages int         `json:"packages"`
					Hash     string      `json:"hash"`
				}{l.Path, l.Format, len(l.Packages), h})
			}
			_, err := fmt.Fprintln(streams.Out, h)
			return err
		})
}

// newLockReadCommand is a "lock" subcommand that takes an optional PATH and
// -o text|json, loads the lock and hands it to print.
func newLockReadCommand(use, short, outputHelp string, print func(l *lock.Lock, output string) error) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := lockCheckOutput(output, "text", "json"); err != nil {
				return err
			}
			l, err := loadLock(lockArgOr(args, "."))
			if err != nil {
				return err
			}
			return print(l, output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", outputHelp)
	return cmd
}

// loadLock finds the lockfile at path (a file or project directory) and
// parses it. A missing path or lockfile is a usage error (exit 2); parse
// errors are input errors naming file:line:col (exit 2).
func loadLock(path string) (*lock.Lock, error) {
	file, err := detectLock(path)
	if err != nil {
		switch {
		case errors.Is(err, os.ErrNotExist):
			return nil, usageError("%s: no such lockfile or project directory", path)
		case errors.Is(err, lock.ErrNoLockfile):
			return nil, usageError("%v", err)
		}
		return nil, err
	}
	return lock.ParseFile(file)
}

func writeLockTable(w io.Writer, l *lock.Lock, sel *lock.Selection) error {
	fmt.Fprintf(w, "%s (%s): %d packages, %s\n", l.Path, l.Format, len(l.Packages), lock.Hash(l))
	fmt.Fprintf(w, "production set: %s", sel.Rule)
	if len(sel.Groups) > 0 {
		fmt.Fprintf(w, "; groups %s", strings.Join(sel.Groups, ","))
	}
	if len(sel.Extras) > 0 {
		fmt.Fprintf(w, "; extras %s", strings.Join(sel.Extras, ","))
	}
	fmt.Fprintf(w, " — %d of %d packages\n\n", len(sel.Packages), len(l.Packages))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVERSION\tSOURCE\tGROUPS\tPROD\tDIRECT\tARTIFACTS\tHASHED")
	for _, p := range l.Packages {
		version := p.Version
		if version == "" {
			version = lockOrDash(p.Specifier)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", p.Name, version, lockSourceLabel(p.Source),
			lockOrDash(strings.Join(p.Groups, ",")), lockYesNo(sel.Has(p)), lockYesNo(p.Direct), len(p.Artifacts), lockYesNo(p.Hashed()))
	}
	return tw.Flush()
}

// inspectJSON is the lock model with the production set beside it.
func inspectJSON(l *lock.Lock, sel *lock.Selection) any {
	type excluded struct {
		Name    string `json:"name"`
		Version string `json:"version,omitempty"`
		Reason  string `json:"reason"`
	}
	prod := struct {
		Rule     string     `json:"rule"`
		Groups   []string   `json:"groups"`
		Extras   []string   `json:"extras"`
		Packages []string   `json:"packages"`
		Excluded []excluded `json:"excluded"`
	}{Rule: sel.Rule, Groups: lockStrings(sel.Groups), Extras: lockStrings(sel.Extras), Packages: []string{}, Excluded: []excluded{}}
	for _, p := range sel.Packages {
		prod.Packages = append(prod.Packages, p.Name)
	}
	for _, x := range sel.Excluded {
		prod.Excluded = append(prod.Excluded, excluded{x.Package.Name, x.Package.Version, x.Reason})
	}
	return struct {
		*lock.Lock
		Production any `json:"production"`
	}{l, prod}
}

func lockStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// lockSourceLabel is a short column value for a package source.
func lockSourceLabel(s lock.Source) string {
	switch s.Kind {
	case lock.SourceRegistry:
		if s.URL == "" {
			return "registry"
		}
		host := s.URL
		if _, rest, ok := strings.Cut(host, "://"); ok {
			host = rest
		}
		if i := strings.LastIndexByte(strings.SplitN(host, "/", 2)[0], '@'); i >= 0 {
			host = host[i+1:]
		}
		return strings.SplitN(host, "/", 2)[0]
	case lock.SourceGit:
		rev := s.Commit
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev == "" {
			rev = s.Ref
		}
		return s.VCS + " " + strings.TrimPrefix(strings.TrimPrefix(s.URL, "https://"), "ssh://") + "@" + rev
	case lock.SourceURL:
		return "url " + strings.SplitN(s.URL, "#", 2)[0]
	}
	return string(s.Kind) + " " + s.Path
}

func lockYesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func lockOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func lockArgOr(args []string, def string) string {
	if len(args) > 0 {
		return args[0]
	}
	return def
}

func lockCheckOutput(output string, allowed ...string) error {
	for _, a := range allowed {
		if output == a {
			return nil
		}
	}
	return usageError("unknown output format %q (want %s)", output, strings.Join(allowed, ", "))
}

func writeLockJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // requires-python and specifiers are full of < and >
	return enc.Encode(v)
}
