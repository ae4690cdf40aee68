// Package cli is pinwheel's command line: one file per command, each thin —
// parse flags, call into the capability packages, print. No command keeps
// global state; NewRootCommand builds a fresh tree so tests run it with buffers.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"

	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/crash"
	"pinwheel.dev/pinwheel/internal/target"
)

// Streams are the standard streams a command reads and writes.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// Exit codes shared by every command.
const (
	ExitOK    = 0
	ExitNo    = 1 // the check, gate or rollout said no
	ExitUsage = 2 // usage, input or environment error (nothing was decided)
	ExitBug   = 3 // pinwheel itself failed: a panic, never the user's input
)

// ExitError carries a specific exit code out of a command. Its message (if
// any) is printed to stderr.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// usageError marks an error as a usage/input error (exit 2).
func usageError(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// NewRootCommand builds the whole pinwheel command tree.
func NewRootCommand(streams Streams, logger *slog.Logger) *cobra.Command {
	root := &cobra.Command{
		Use:   "pinwheel",
		Short: "Deterministic builds, observable releases and safe change for Python services",
		Long: `pinwheel takes a Python service from its lock state to a guarded release:
lockfiles read exactly, reproducible OCI images built without a Docker daemon,
build metadata that travels with the release, and staged rollouts that roll
back on their own when SLOs degrade.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &ExitError{Code: ExitUsage, Err: err}
	})
	root.AddCommand(
		newVersionCommand(streams),
		newInitCommand(streams),
		newBuildCommand(streams, logger),
		newVerifyReproducibleCommand(streams, logger),
		newSBOMCommand(streams),
		newCheckCommand(streams, logger),
		newLockCommand(streams), newDiffCommand(streams),
		newBaseCommand(streams),
		newIndexCommand(streams, logger),
		newUpCommand(streams, logger),
		newNotifyCommand(streams, logger),
		newDeployCommand(streams, logger), newStatusCommand(streams), newHistoryCommand(streams), newPromoteCommand(streams), newAbortCommand(streams), newRollbackCommand(streams, logger), newRecreateCommand(streams), newDemoCommand(streams, logger),
		newReplayCommand(streams), newControllerCommand(streams, logger),
		newRunCommand(streams), newCacheCommand(streams), newFetchCommand(streams, logger),
		newRefreshCommand(streams, logger),
		newLedgerCommand(streams),
		newScanCommand(streams),
		newVerifyCommand(streams),
		newGateCommand(streams),
		newScorecardCommand(streams), newDriftCommand(streams),
		// Commands are added here, one line each.
	)
	_ = logger
	return root
}

// Execute runs the CLI with args and returns the process exit code.
func Execute(ctx context.Context, streams Streams, args []string) int {
	logger := slog.New(slog.NewTextHandler(streams.Err, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return run(ctx, streams.Err, NewRootCommand(streams, logger), args)
}

// run executes root with args. A panic anywhere on the command's goroutine
// is a bug in pinwheel, not bad input: it is reported with its value and
// stack and exit code 3, never as a usage error. Goroutines the command
// starts report theirs the same way (internal/crash).
func run(ctx context.Context, stderr io.Writer, root *cobra.Command, args []string) (code int) {
	defer func() {
		if v := recover(); v != nil {
			crash.Report(stderr, v, debug.Stack())
			code = ExitBug
		}
	}()
	root.SetArgs(args)
	return reportError(stderr, root.ExecuteContext(ctx))
}

func reportError(w io.Writer, err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintf(w, "pinwheel: %v\n", ee.Err)
		}
		return ee.Code
	}
	var no *target.No
	if errors.As(err, &no) { // the target's answer was no
		if no.Err != nil {
			fmt.Fprintf(w, "pinwheel: %v\n", err)
		}
		return ExitNo
	}
	fmt.Fprintf(w, "pinwheel: %v\n", err)
	// Only a command's explicit verdict is exit 1 (CI reads it as "the
	// gate or rollout said no"); any other failure — bad input, a missing
	// image, runtime or ledger — is exit 2.
	return ExitUsage
}
