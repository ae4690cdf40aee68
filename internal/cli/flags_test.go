package cli

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Flags mean one thing on every command: -o picks the output format, -n
// the Kubernetes namespace, and a flag named --namespace is always -n.
func TestShortFlagsMeanOneThingEverywhere(t *testing.T) {
	root := NewRootCommand(Streams{}, slog.New(slog.DiscardHandler))
	seen := 0
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			name := c.CommandPath() + " --" + f.Name
			switch {
			case f.Shorthand == "o" && !strings.Contains(strings.ToLower(f.Usage), "format"):
				t.Errorf("%s is -o but not an output format: %q", name, f.Usage)
			case f.Shorthand == "n" && f.Name != "namespace":
				t.Errorf("%s is -n but not the namespace", name)
			case f.Name == "namespace" && f.Shorthand != "n":
				t.Errorf("%s has no -n", name)
			}
			if f.Shorthand == "o" || f.Shorthand == "n" {
				seen++
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if seen < 10 {
		t.Fatalf("only %d -o/-n flags found: the walk missed the commands", seen)
	}
}
