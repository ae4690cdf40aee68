// Package target is the one seam between the deploy-side commands (deploy,
// status, history, promote, abort, rollback) and where releases roll out:
// a Target chosen once from --target, with two implementations —
//
//   - local: the SQLite ledger and the runtime `pinwheel up` hosts, the
//     rollout driven in this process (internal/deploy, internal/driver);
//   - kube: Release objects in a Kubernetes cluster, driven by a controller
//     (internal/kubecli).
//
// Each method takes what the command parsed and returns a Report the
// command prints (text or JSON). The package owns the policy between a
// command and its target: which service an argument means, which ledger is
// opened and how, which release a rollback goes back to, which answers are
// exit 1 (No). It decides nothing about a rollout (internal/rollout), runs
// no loop (internal/driver, internal/controller) and formats no records
// itself (internal/deploy and internal/kubecli render them). It is not
// runtime.Target, which knows where one service's replicas run.
package target
