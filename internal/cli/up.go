package cli

import (
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/runtime/local"
)

type upFlags struct {
	addr         string
	python       string
	serviceAddrs []string
}

// newUpCommand hosts the local runtime: replicas, proxies and the control API.
func newUpCommand(streams Streams, logger *slog.Logger) *cobra.Command {
	var f upFlags
	cmd := &cobra.Command{
		Use:   "up [DIR]",
		Short: "Run the local runtime (replicas behind pinwheel's proxy) for the project in DIR",
		Long: `up hosts the embedded local runtime for the project in DIR (default "."):
release replicas as python3 processes behind a weighted proxy, and a control
API on 127.0.0.1 that pinwheel deploy, status and rollback talk to. Its
address and token are written to DIR/.pinwheel/runtime.json; the file is
removed and every replica stopped on SIGINT or SIGTERM.`,
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
				fmt.Fprintf(streams.Out, "  stop with Ctrl-C or SIGTERM (replicas are stopped, the state file removed)\n")
			})
		},
	}
	cmd.Flags().StringVar(&f.addr, "addr", "127.0.0.1:0", "control API listen address")
	cmd.Flags().StringVar(&f.python, "python", "", "python interpreter for replicas (default python3 on PATH)")
	cmd.Flags().StringArrayVar(&f.serviceAddrs, "service-addr", nil, "fix a service's proxy address, SERVICE=HOST:PORT (repeatable)")
	return cmd
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
