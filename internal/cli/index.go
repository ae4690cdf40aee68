package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/crash"
	"pinwheel.dev/pinwheel/internal/pyindex/localindex"
)

func newIndexCommand(streams Streams, logger *slog.Logger) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "index",
		Short: "Python package index tools",
	}
	cmd.AddCommand(newIndexServeCommand(streams, logger))
	return cmd
}

func newIndexServeCommand(streams Streams, logger *slog.Logger) *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "serve DIR",
		Short: "Serve a directory of wheels as a PEP 691/503 package index",
		Long: `serve makes DIR (a wheelhouse: *.whl and sdists) a package index that pip,
uv and pinwheel's --index-url can use: /simple/ and /simple/<project>/ in
PEP 691 JSON or PEP 503 HTML (by the Accept header), files with #sha256=
fragments, PEP 658 metadata, and PEP 592 yanked files (a file X.yanked next
to X marks X yanked; its text is the reason). It serves until interrupted.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return usageError("index serve: %s is not a directory", dir)
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return usageError("index serve: listen on %s: %v", addr, err)
			}
			return serveIndex(cmd.Context(), ln, dir, streams, logger)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8765", "address to listen on (port 0 picks a free one)")
	return cmd
}

func serveIndex(ctx context.Context, ln net.Listener, dir string, streams Streams, logger *slog.Logger) error {
	srv := &http.Server{Handler: crash.Handler(localindex.New(dir)), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(streams.Out, "serving %s at http://%s/simple/\n", dir, ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		logger.Debug("index serve: shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			return err
		}
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
