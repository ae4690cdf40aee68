package v1alpha1

import (
	"encoding/json"
	"fmt"

	"pinwheel.dev/pinwheel/internal/rollout"
)

// AnnotationCommand carries a person's command (promote, abort, rollback,
// resume) to the controller: a JSON object with a unique "id" plus the
// fields of rollout.Command. The controller hands each id to the engine
// once; writers overwrite the annotation with a fresh id.
const AnnotationCommand = "pinwheel.dev/command"

// Command is the value of AnnotationCommand.
type Command struct {
	ID string `json:"id"`
	rollout.Command
}

// CommandAnnotation encodes cmd under id as AnnotationCommand's value.
func CommandAnnotation(cmd rollout.Command, id string) (string, error) {
	if id == "" {
		return "", fmt.Errorf("command annotation: empty id")
	}
	switch cmd.Kind {
	case rollout.CommandPromote, rollout.CommandAbort, rollout.CommandRollback, rollout.CommandResume:
	default:
		return "", fmt.Errorf("command annotation: unknown kind %q (expected promote, abort, rollback or resume)", cmd.Kind)
	}
	b, err := json.Marshal(Command{ID: id, Command: cmd})
	return string(b), err
}

// ParseCommand decodes an AnnotationCommand value.
func ParseCommand(s string) (Command, error) {
	var c Command
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return c, fmt.Errorf("annotation %s: %w", AnnotationCommand, err)
	}
	if c.ID == "" {
		return c, fmt.Errorf("annotation %s: no id", AnnotationCommand)
	}
	switch c.Kind {
	case rollout.CommandPromote, rollout.CommandAbort, rollout.CommandRollback, rollout.CommandResume:
	default:
		return c, fmt.Errorf("annotation %s: unknown kind %q (expected promote, abort, rollback or resume)", AnnotationCommand, c.Kind)
	}
	return c, nil
}
