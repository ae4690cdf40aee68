package kubecli

import (
	"fmt"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Conn is how to reach a cluster, as kubectl's flags say it. Empty fields
// take kubectl's defaults: Kubeconfig $KUBECONFIG (a list of files), else
// ~/.kube/config; Context the current context; Namespace the context's
// namespace, else "default".
type Conn struct {
	Kubeconfig string
	Context    string
	Namespace  string
}

// Resolve loads the kubeconfig with client-go's loading rules and returns
// the REST config for the chosen context and the namespace to work in. A
// missing or unusable kubeconfig or an unknown context is an
// *inputerr.Error (exit 2).
func (c Conn) Resolve() (*rest.Config, string, error) {
	cc := c.clientConfig()
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, "", &inputerr.Error{Msg: c.describe(), Err: err}
	}
	ns, _, err := cc.Namespace()
	if err != nil {
		return nil, "", &inputerr.Error{Msg: c.describe(), Err: err}
	}
	// Each CLI call is short; client-go's default 5 req/s would make a
	// followed rollout with an in-process controller crawl.
	cfg.QPS, cfg.Burst = 50, 100
	return cfg, ns, nil
}

func (c Conn) clientConfig() clientcmd.ClientConfig {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if c.Kubeconfig != "" {
		rules.ExplicitPath = c.Kubeconfig
	}
	overrides := &clientcmd.ConfigOverrides{CurrentContext: c.Context}
	overrides.Context.Namespace = c.Namespace
	return clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
}

// describe names where the configuration came from, for errors.
func (c Conn) describe() string {
	src := "kubeconfig ($KUBECONFIG, else ~/.kube/config)"
	if c.Kubeconfig != "" {
		src = "--kubeconfig " + c.Kubeconfig
	}
	if c.Context != "" {
		src += fmt.Sprintf(", --context %s", c.Context)
	}
	return src + ": expected a kubeconfig with a usable context (kubectl config get-contexts)"
}
