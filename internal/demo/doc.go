// Package demo runs `pinwheel demo`: the whole path on the embedded local
// runtime, in-process, in a scratch directory. It copies examples/shop,
// builds v1 with pinwheel's image builder into an OCI layout, deploys it
// with a load generator running, builds and deploys v2 (a configuration that
// injects 8% server errors), watches the canary fail its SLO and roll back,
// prints the "what changed" report and where the remediation report went,
// then builds and deploys v3 (fixed), which promotes through every step.
//
// It owns the script and its summary only: releases, rollouts and
// decisions come from internal/deploy, internal/driver and internal/rollout,
// exactly as `pinwheel deploy` uses them.
package demo
