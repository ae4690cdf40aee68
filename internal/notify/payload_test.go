package notify

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// The documented payloads (docs/notify.md) are these golden files.
func TestPayloadGolden(t *testing.T) {
	ev := WithID(sampleEvent())
	tests := []struct {
		name string
		v    any
	}{
		{name: "payload.json", v: ev},
		{name: "payload.slack.json", v: SlackMessage(ev)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(tt.v); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tt.name)
			if *update {
				os.WriteFile(golden, b.Bytes(), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("%s changed (run with -update and review):\n%s", golden, b.Bytes())
			}
			// What goes on the wire is the same JSON, compact.
			var compact bytes.Buffer
			json.Compact(&compact, want)
			var wire []byte
			if tt.name == "payload.json" {
				wire, _ = json.Marshal(ev)
			} else {
				wire, _ = json.Marshal(SlackMessage(ev))
			}
			var a, c any
			json.Unmarshal(wire, &a)
			json.Unmarshal(compact.Bytes(), &c)
			ab, _ := json.Marshal(a)
			cb, _ := json.Marshal(c)
			if !bytes.Equal(ab, cb) {
				t.Errorf("wire JSON differs from the golden payload")
			}
		})
	}
}
