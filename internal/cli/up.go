package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/container"
	"pinwheel.dev/pinwheel/internal/runtime"
	"pinwheel.dev/pinwheel/internal/runtime/local"
)

type upFlags struct {
	addr         string
	python       string
	serviceAddrs []string
	noContainers bool
	memory       string
	cpus         float64
	pids         int64
	rootfsCache  string
}

// newUpCommand hosts the local runtime: replicas, proxies and the control API.
func newUpCommand(streams Streams, logger *slog.Logger) *cobra.Command {
	var f upFlags
	cmd := &cobra.Command{
		Use:   "up [DIR]",
		Short: "Run the local runtime (replicas behind pinwheel's proxy) for the project in DIR",
		Long: `up hosts the embedded local runtime for the project in DIR (default "."):
release replicas behind a weighted proxy, and a control
API on 127.0.0.1 that pinwheel deploy, status and rollback talk to. Its
address and token are written to DIR/.pinwheel/runtime.json; the file is
removed and every replica stopped on SIGINT or SIGTERM.

Replicas of an image run as OCI containers of that image under runc (root
and Debian's runc needed): read-only root, tmpfs /tmp, no capabilities, the
host's network, cgroup limits (--memory, --cpus, --pids, else DIR/pinwheel.yaml's
runtime.memory, runtime.cpus, runtime.pids, else 512Mi, none, 512). Where no OCI
runtime can run, or with --no-containers, they run as host processes on
the machine's python3, and up says so.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			if allInterfaces(f.addr) {
				fmt.Fprintf(streams.Err, "pinwheel up: warning: --addr %s listens on all interfaces: the control API and /metrics are reachable from other machines (the API still needs the token); use 127.0.0.1:PORT unless that is what you want\n", f.addr)
			}
			stateDir := filepath.Join(dir, ".pinwheel")
			opts := []local.Option{local.WithLogger(logger)}
			if f.python != "" {
				opts = append(opts, local.WithPython(f.python))
			}
			for _, sa := range f.serviceAddrs {
				name, addr, ok := strings.Cut(sa, "=")
				if !ok || name == "" || addr == "" {
					return usageError("--service-addr %q: expected SERVICE=HOST:PORT", sa)
				}
				opts = append(opts, local.WithServiceAddr(name, addr))
			}
			lim, err := f.limits(cmd.Flags(), dir)
			if err != nil {
				return err
			}
			opts = append(opts, local.WithContainers(!f.noContainers), local.WithLimits(lim))
			if f.rootfsCache == "" {
				if dir, err := container.DefaultCacheDir(); err == nil {
					f.rootfsCache = dir // shared with pinwheel run
				}
			}
			opts = append(opts, local.WithRootfsCache(f.rootfsCache))
			ctx := cmd.Context()
			if _, err := local.Dial(ctx, stateDir); err == nil {
				st, _ := local.ReadState(stateDir)
				return fmt.Errorf("a local runtime already runs for %s (pid %d, %s)", dir, st.PID, st.Addr)
			}
			rt, err := local.New(ctx, filepath.Join(stateDir, "runtime"), opts...)
			if err != nil {
				return err
			}
			rt.Start()
			return local.Serve(ctx, rt, stateDir, f.addr, func(st local.State) {
				fmt.Fprintf(streams.Out, "pinwheel up: local runtime ready (pid %d)\n", st.PID)
				fmt.Fprintf(streams.Out, "  control API  http://%s  (token in %s)\n", st.Addr, filepath.Join(stateDir, local.StateFileName))
				fmt.Fprintf(streams.Out, "  metrics      http://%s/metrics\n", st.Addr)
				fmt.Fprintf(streams.Out, "  replicas     %s\n", rt.ModeLine())
				if mode, _ := rt.Mode(); mode == runtime.ModeContainer {
					fmt.Fprintf(streams.Out, "  limits       %s per container replica\n", describeLimits(lim))
				}
				if len(f.serviceAddrs) == 0 {
					fmt.Fprintf(streams.Out, "  services     each at an address of its own from its first deploy (deploy and status print it; fix one with --service-addr SERVICE=HOST:PORT)\n")
				}
				for _, sa := range f.serviceAddrs {
					name, addr, _ := strings.Cut(sa, "=")
					fmt.Fprintf(streams.Out, "  service      %s at http://%s\n", name, addr)
				}
				fmt.Fprintf(streams.Out, "  stop with Ctrl-C or SIGTERM (replicas are stopped, the state file removed)\n")
			})
		},
	}
	cmd.Flags().StringVar(&f.addr, "addr", "127.0.0.1:0", "control API listen address")
	cmd.Flags().StringVar(&f.python, "python", "", "python interpreter for replicas (default python3 on PATH)")
	cmd.Flags().StringArrayVar(&f.serviceAddrs, "service-addr", nil, "fix a service's proxy address, SERVICE=HOST:PORT (repeatable)")
	cmd.Flags().BoolVar(&f.noContainers, "no-containers", false, "run replicas as host processes on the machine's python3 even where runc can run containers")
	cmd.Flags().StringVar(&f.memory, "memory", "512Mi", "memory limit of each container replica (cgroup; 0: none)")
	cmd.Flags().Float64Var(&f.cpus, "cpus", 0, "CPU limit of each container replica in CPUs, e.g. 0.5 (cgroup; 0: none)")
	cmd.Flags().Int64Var(&f.pids, "pids", local.DefaultLimits.Pids, "process limit of each container replica (cgroup; 0: none)")
	cmd.Flags().StringVar(&f.rootfsCache, "cache-dir", "", "where images are unpacked for containers (default: the user cache dir/pinwheel/rootfs, shared with pinwheel run)")
	return cmd
}

// limits are the container replicas' cgroup limits: the flags set on the
// command line, else DIR/pinwheel.yaml's runtime: section (when there is a
// pinwheel.yaml), else the flags' defaults.
func (f upFlags) limits(fl *pflag.FlagSet, dir string) (container.Limits, error) {
	if f.cpus < 0 || f.pids < 0 {
		return container.Limits{}, usageError("--cpus and --pids must not be negative")
	}
	mem, err := config.ParseMemory(f.memory)
	if f.memory == "" {
		mem, err = 0, nil
	}
	if err != nil {
		return container.Limits{}, usageError("--memory %q: want a size such as 512Mi or 1G", f.memory)
	}
	lim := container.Limits{MemoryBytes: mem, CPUs: f.cpus, Pids: f.pids}
	file, err := runtimeLimits(dir)
	if err != nil {
		return lim, err
	}
	if v := file.MemoryBytes; v != nil && !fl.Changed("memory") {
		lim.MemoryBytes = *v
	}
	if v := file.CPUs; v != nil && !fl.Changed("cpus") {
		lim.CPUs = *v
	}
	if v := file.Pids; v != nil && !fl.Changed("pids") {
		lim.Pids = *v
	}
	return lim, nil
}

// runtimeLimits are the limits dir/pinwheel.yaml's runtime: section sets;
// none without a pinwheel.yaml. Its problems are input errors at file:line.
func runtimeLimits(dir string) (config.Limits, error) {
	cfg, err := config.Load(dir)
	if errors.Is(err, os.ErrNotExist) {
		return config.Limits{}, nil
	}
	if err != nil {
		return config.Limits{}, err
	}
	rt, err := cfg.RuntimeSection()
	return rt.Limits, err
}

// describeLimits says lim in up's flag units.
func describeLimits(lim container.Limits) string {
	cpus, pids := "none", "none"
	if lim.CPUs > 0 {
		cpus = strconv.FormatFloat(lim.CPUs, 'f', -1, 64)
	}
	if lim.Pids > 0 {
		pids = strconv.FormatInt(lim.Pids, 10)
	}
	return fmt.Sprintf("memory %s, cpus %s, pids %s", config.FormatMemory(lim.MemoryBytes), cpus, pids)
}

// allInterfaces reports whether addr (HOST:PORT) listens beyond loopback on
// every interface: an empty host, 0.0.0.0 or ::.
func allInterfaces(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false // Serve reports the bad address
	}
	ip := net.ParseIP(host)
	return host == "" || (ip != nil && ip.IsUnspecified())
}
