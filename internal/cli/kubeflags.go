package cli

import (
	"cmp"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"

	"pinwheel.dev/pinwheel/internal/config"
	"pinwheel.dev/pinwheel/internal/deploy"
	"pinwheel.dev/pinwheel/internal/kubecli"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// kubeCommand sends kind to a Release for promote, abort and rollback
// --target kube: args[0] names a Release or a service (default: the
// service of ./pinwheel.yaml), whose running Release gets it.
func kubeCommand(cmd *cobra.Command, streams Streams, kf *kubeFlags, args []string, kind rollout.CommandKind, reason, output string) error {
	if err := checkTextOrJSON(output); err != nil {
		return err
	}
	service, err := projectServiceOf(args)
	if err != nil {
		return err
	}
	cfg, ns, err := kf.resolve()
	if err != nil {
		return err
	}
	c, err := kubecli.NewClient(cfg)
	if err != nil {
		return err
	}
	arg := ""
	if len(args) == 1 {
		arg = args[0]
	}
	rel, err := kubecli.Resolve(cmd.Context(), c, ns, arg, service)
	if err != nil {
		return err
	}
	c2 := rollout.Command{Kind: kind, Reason: reason}
	if kind == rollout.CommandResume {
		c2.Step = int(rel.Status.Step)
	}
	id, err := kubecli.SendCommand(cmd.Context(), c, rel, c2)
	if err != nil {
		return &ExitError{Code: ExitNo, Err: err}
	}
	if output == "json" {
		return writeJSONIf(streams.Out, output, map[string]any{"command": id, "release": rel.Name, "namespace": ns, "kind": kind})
	}
	fmt.Fprintf(streams.Out, "asked %s of release %s (%s, %s, step %d/%d) in namespace %s as command %s;\n", kind, rel.Name,
		rel.Spec.Service, cmp.Or(rel.Status.Phase, "Pending"), min(rel.Status.Step+1, max(rel.Status.Steps, 1)), rel.Status.Steps, ns, id)
	fmt.Fprintf(streams.Out, "the controller takes it at its next reconcile (see pinwheel status --target kube -n %s %s)\n", ns, rel.Name)
	return nil
}

// projectServiceOf is the service a kube command defaults to when args
// names none: ./pinwheel.yaml's.
func projectServiceOf(args []string) (string, error) {
	if len(args) > 0 {
		return "", nil
	}
	return kubeServiceArg(nil)
}

// kubeFlags are --target and kubectl's connection flags, shared by deploy,
// status, history, promote, abort and rollback.
type kubeFlags struct {
	target string
	conn   kubecli.Conn
	fs     *pflag.FlagSet
}

// addKubeFlags adds --target (default local), --kubeconfig, --context and
// --namespace (-n, as on every command that has it).
func addKubeFlags(fl *pflag.FlagSet, k *kubeFlags) {
	k.fs = fl
	fl.StringVar(&k.target, "target", "local", "runtime target: local (the runtime of pinwheel up) or kube (Releases in a Kubernetes cluster)")
	fl.StringVar(&k.conn.Kubeconfig, "kubeconfig", "", "kubeconfig file (--target kube; default $KUBECONFIG, else ~/.kube/config)")
	fl.StringVar(&k.conn.Context, "context", "", "kubeconfig context (--target kube; default the current context)")
	fl.StringVarP(&k.conn.Namespace, "namespace", "n", "", "namespace (--target kube; default the context's namespace, else default)")
}

// kube checks --target and says whether it is the kube target; the
// connection flags without it are a usage error.
func (k *kubeFlags) kube() (bool, error) {
	if err := deploy.CheckTarget(k.target); err != nil {
		return false, err
	}
	if deploy.IsKube(k.target) {
		return true, nil
	}
	for _, name := range []string{"kubeconfig", "context", "namespace"} {
		if k.fs != nil && k.fs.Changed(name) {
			return false, usageError("--%s applies to --target kube only (the target is %s)", name, k.target)
		}
	}
	return false, nil
}

// resolve loads the kubeconfig: the REST config and the namespace.
func (k *kubeFlags) resolve() (*rest.Config, string, error) {
	return k.conn.Resolve()
}

// kubeServiceArg is args[0], else the service of ./pinwheel.yaml, else "".
func kubeServiceArg(args []string) (string, error) {
	if len(args) > 0 {
		return args[0], nil
	}
	cfg, err := config.Load(".")
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return cfg.Service, nil
}
