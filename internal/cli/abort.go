package cli

import (
	"github.com/spf13/cobra"

	"pinwheel.dev/pinwheel/internal/rollout"
)

func newAbortCommand(streams Streams) *cobra.Command {
	return newRolloutCommandCommand(streams, rollout.CommandAbort, "abort [SERVICE]",
		"Abort a service's rollout: all traffic back to the stable release, the canary ends as aborted",
		`abort queues an abort command in the ledger for SERVICE's active rollout
(default: the service of ./pinwheel.yaml, else the ledger's only service). The driver takes it at its next
step: all traffic goes back to the stable release and the canary is scaled
to zero; the rollout ends Aborted (no remediation report: a person asked).`)
}
