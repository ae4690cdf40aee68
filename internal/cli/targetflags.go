package cli

import (
	"bytes"
	"io"
	"log/slog"

	"github.com/spf13/pflag"

	"pinwheel.dev/pinwheel/internal/target"
)

// targetFlags are --target and kubectl's connection flags, shared by
// deploy, status, history, promote, abort and rollback.
type targetFlags struct {
	target                         string
	kubeconfig, context, namespace string
	fs                             *pflag.FlagSet
}

// addTargetFlags adds --target (default local), --kubeconfig, --context and
// --namespace (-n, as on every command that has it).
func addTargetFlags(fl *pflag.FlagSet, k *targetFlags) {
	k.fs = fl
	fl.StringVar(&k.target, "target", "local", "runtime target: local (the runtime of pinwheel up) or kube (Releases in a Kubernetes cluster)")
	fl.StringVar(&k.kubeconfig, "kubeconfig", "", "kubeconfig file (--target kube; default $KUBECONFIG, else ~/.kube/config)")
	fl.StringVar(&k.context, "context", "", "kubeconfig context (--target kube; default the current context)")
	fl.StringVarP(&k.namespace, "namespace", "n", "", "namespace (--target kube; default the context's namespace, else default)")
}

// kube checks --target and says whether it is the kube target; the
// connection flags without it are a usage error.
func (k *targetFlags) kube() (bool, error) {
	if err := target.CheckKind(k.target); err != nil {
		return false, err
	}
	if target.IsKube(k.target) {
		return true, nil
	}
	if err := refuseFlags(k.fs, "applies to --target kube only (the target is "+k.target+")", "kubeconfig", "context", "namespace"); err != nil {
		return false, err
	}
	return false, nil
}

// open is the target --target names, with ledgerFlag (--ledger, local),
// the connection flags (kube) and where progress lines go.
func (k *targetFlags) open(ledgerFlag string, logger *slog.Logger, progress io.Writer) (target.Target, error) {
	return target.Open(target.Options{Kind: k.target, Ledger: ledgerFlag,
		Kubeconfig: k.kubeconfig, Context: k.context, Namespace: k.namespace, Logger: logger, Progress: progress})
}

// refuseFlags is a usage error ("--NAME why") for the first of names set
// on the command line.
func refuseFlags(fs *pflag.FlagSet, why string, names ...string) error {
	for _, name := range names {
		if fs != nil && fs.Changed(name) {
			return usageError("--%s %s", name, why)
		}
	}
	return nil
}

// argOr is args[0], else "".
func argOr(args []string) string {
	if len(args) > 0 {
		return args[0]
	}
	return ""
}

// printReport prints what a target call reported, as text or JSON, and
// turns a no into exit 1.
func printReport(streams Streams, output string, r target.Report) error {
	b, err := reportBytes(output, r)
	if err != nil {
		return err
	}
	if _, err := streams.Out.Write(b); err != nil {
		return err
	}
	if r.No {
		return &ExitError{Code: ExitNo}
	}
	return nil
}

// reportBytes is r as output (text or json) shows it.
func reportBytes(output string, r target.Report) ([]byte, error) {
	if output != "json" {
		return []byte(r.Text), nil
	}
	if r.JSON == nil {
		return nil, nil
	}
	var buf bytes.Buffer
	err := writeJSONIf(&buf, output, r.JSON)
	return buf.Bytes(), err
}

// openTarget is the target of a command that reads or sends a command
// (status, history, promote, abort, rollback): --target and its flags
// checked, then --output.
func openTarget(tf *targetFlags, output, ledgerFlag string) (target.Target, error) {
	if _, err := tf.kube(); err != nil {
		return nil, err
	}
	if err := checkTextOrJSON(output); err != nil {
		return nil, err
	}
	return tf.open(ledgerFlag, nil, nil)
}
