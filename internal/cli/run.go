package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/resource"

	"pinwheel.dev/pinwheel/internal/container"
)

// exitTimeout is what `pinwheel run --timeout` exits with when the command
// outlives it, as timeout(1) does.
const exitTimeout = 124

func newRunCommand(streams Streams) *cobra.Command {
	var (
		o       container.Options
		memory  string
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "run IMAGE [-- CMD...]",
		Short: "Run a command in a built image, as an OCI container under runc",
		Long: `run runs the image that ` + "`pinwheel build --output`" + ` wrote — IMAGE is oci:DIR
(an OCI layout; oci:DIR@sha256:… picks one image) or tar:FILE — as a
container under Debian's runc: its own root filesystem (unpacked once per
image into the cache, mounted read-only), a tmpfs /tmp, the image's
env, user and working directory, no capabilities, no new privileges, the
host's network. CMD, when given after --, replaces the image's entrypoint
and cmd. The command's exit code is pinwheel's.

It needs root and runc (scripts/setup.sh installs it); without them it says
what is missing and exits 2 — it never runs the command on the host.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if n := cmd.ArgsLenAtDash(); n > 1 || (n < 0 && len(args) > 1) {
				return usageError("run takes one IMAGE; put the command after --, e.g. pinwheel run oci:out -- python3 -V")
			}
			o.Args = args[1:]
			for _, kv := range o.Env {
				if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
					return usageError("--env %q: want KEY=VALUE", kv)
				}
			}
			if memory != "" {
				q, err := resource.ParseQuantity(memory)
				if err != nil || q.Value() <= 0 {
					return usageError("--memory %q: want a size such as 512Mi or 1G", memory)
				}
				o.MemoryBytes = q.Value()
			}
			if o.CacheDir == "" {
				dir, err := container.DefaultCacheDir()
				if err != nil {
					return err
				}
				o.CacheDir = dir
			}
			img, err := container.OpenImage(args[0])
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			rc, err := container.Detect()
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			ctx := cmd.Context()
			if timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, timeout)
				defer cancel()
			}
			o.Stdin, o.Stdout, o.Stderr = streams.In, streams.Out, streams.Err
			sigs := make(chan os.Signal, 4)
			signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
			defer signal.Stop(sigs)
			o.Signals = sigs
			res, err := rc.Run(ctx, img, o)
			if container.IsInput(err) {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if err != nil {
				return err
			}
			if errors.Is(res.Ended, context.DeadlineExceeded) {
				return &ExitError{Code: exitTimeout, Err: fmt.Errorf("run: the command outlived --timeout %s and was stopped", timeout)}
			}
			if res.ExitCode != 0 {
				return &ExitError{Code: res.ExitCode}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&o.Env, "env", "e", nil, "set an environment variable, KEY=VALUE (repeatable; overrides the image's)")
	f.StringVarP(&o.WorkDir, "workdir", "w", "", "working directory in the container (default: the image's)")
	f.StringVar(&memory, "memory", "", "memory limit (cgroup), e.g. 512Mi")
	f.Int64Var(&o.Pids, "pids", 0, "process limit (cgroup; 0: none)")
	f.Float64Var(&o.CPUs, "cpus", 0, "CPU limit in CPUs, e.g. 0.5 (cgroup; 0: none)")
	f.DurationVar(&timeout, "timeout", 0, "stop the command after this long (SIGTERM, then SIGKILL after --grace) and exit 124")
	f.DurationVar(&o.Grace, "grace", 10*time.Second, "time between SIGTERM and SIGKILL when the command is stopped")
	f.StringVar(&o.CacheDir, "cache-dir", "", "where unpacked root filesystems are kept (default: the user cache dir/pinwheel/rootfs)")
	return cmd
}
