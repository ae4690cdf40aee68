package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/container"
)

func newCacheCommand(streams Streams) *cobra.Command {
	var dir, output string
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "List or prune the unpacked image root filesystems pinwheel run and up keep",
	}
	cmd.PersistentFlags().StringVar(&dir, "cache-dir", "", "the rootfs cache (default: the user cache dir/pinwheel/rootfs)")
	cmd.PersistentFlags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	resolve := func() (string, error) {
		if err := checkTextOrJSON(output); err != nil {
			return "", err
		}
		if dir != "" {
			return dir, nil
		}
		return container.DefaultCacheDir()
	}

	ls := &cobra.Command{
		Use:   "ls",
		Short: "List the cached root filesystems, least recently used first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := resolve()
			if err != nil {
				return err
			}
			all, err := container.ListRootfs(d)
			if err != nil {
				return err
			}
			if output == "json" {
				return writeJSONIf(streams.Out, output, orEmpty(all))
			}
			printRootfs(streams, all)
			return nil
		},
	}

	var maxAge time.Duration
	var maxSize string
	prune := &cobra.Command{
		Use:   "prune",
		Short: "Remove root filesystems unused for --max-age, then the least recently used beyond --max-size; never one in use",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := resolve()
			if err != nil {
				return err
			}
			keep := container.Retention{MaxAge: maxAge}
			if maxAge < 0 {
				return usageError("--max-age %s: want a duration of 0 or more, e.g. 168h", maxAge)
			}
			if maxSize != "" {
				n, err := config.ParseMemory(maxSize)
				if err != nil || n < 0 {
					return usageError("--max-size %q: want a size such as 10Gi or 0", maxSize)
				}
				keep.MaxBytes = n
				if keep.MaxBytes == 0 {
					keep.MaxBytes = 1 // 0 means "keep none", not "no bound"
				}
			}
			p, err := container.PruneRootfs(d, keep, time.Now())
			if err != nil {
				return err
			}
			if output == "json" {
				return writeJSONIf(streams.Out, output, map[string]any{"removed": orEmpty(p.Removed), "kept": orEmpty(p.Kept), "freedBytes": p.Freed})
			}
			for _, c := range p.Removed {
				fmt.Fprintf(streams.Out, "removed %s  %s  last used %s\n", c.Image, humanBytes(c.Bytes), c.LastUsed.UTC().Format(time.RFC3339))
			}
			inUse := 0
			for _, c := range p.Kept {
				if c.InUse {
					inUse++
				}
			}
			fmt.Fprintf(streams.Out, "freed %s; kept %d (%d in use)\n", humanBytes(p.Freed), len(p.Kept), inUse)
			return nil
		},
	}
	prune.Flags().DurationVar(&maxAge, "max-age", container.DefaultRetention.MaxAge, "remove what was not used for this long (0: no age bound)")
	prune.Flags().StringVar(&maxSize, "max-size", "20Gi", "then remove the least recently used until the cache is at most this size (0: everything not in use)")
	cmd.AddCommand(ls, prune)
	return cmd
}

func orEmpty(cs []container.CachedRootfs) []container.CachedRootfs {
	if cs == nil {
		return []container.CachedRootfs{}
	}
	return cs
}

func printRootfs(streams Streams, all []container.CachedRootfs) {
	var total int64
	for _, c := range all {
		use := ""
		if c.InUse {
			use = "  in use"
		}
		fmt.Fprintf(streams.Out, "%s  %9s  last used %s%s\n", c.Image, humanBytes(c.Bytes), c.LastUsed.UTC().Format(time.RFC3339), use)
		total += c.Bytes
	}
	fmt.Fprintf(streams.Out, "%d root filesystems, %s\n", len(all), humanBytes(total))
}

// humanBytes prints n in binary units (KiB, MiB, GiB).
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, exp := float64(n), 0
	for v >= unit && exp < 4 {
		v /= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", v, " KMGT"[exp])
}
