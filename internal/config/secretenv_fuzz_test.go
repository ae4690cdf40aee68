package config

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// secretDoc is pinwheel.yaml with secretEnv's name set to value, where value
// is a scalar in the given style or, with asList, a one-item sequence.
func secretDoc(name, value string, style yaml.Style, asList bool) []byte {
	str := func(s string, st yaml.Style) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: st}
	}
	val := str(value, style)
	if asList {
		val = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{val}}
	}
	doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		str("service", 0), str("svc", 0),
		str("base", 0), str("oci:base", 0),
		str("secretEnv", 0), {Kind: yaml.MappingNode, Content: []*yaml.Node{str(name, 0), val}},
	}}
	b, err := yaml.Marshal(doc)
	if err != nil {
		return nil
	}
	return b
}

// A literal where secretEnv wants a reference is refused as input, and the
// message never holds the literal, in any YAML style, at any name.
func FuzzSecretEnvNeverEchoesALiteral(f *testing.F) {
	f.Add("DB_PASSWORD", "hunter2-s3cr3t", uint8(0), false)
	f.Add("API_TOKEN", "ghp_0123456789abcdefghij", uint8(1), true)
	f.Add("X", "line one\nline two secret", uint8(3), false)
	f.Add("1BAD", "{fromEnv: PG_PASS}", uint8(2), false)
	f.Add("A", "fromEnv: PG_PASS", uint8(4), false)
	f.Add("service", "svc-password-123", uint8(0), false)
	styles := []yaml.Style{0, yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle, yaml.LiteralStyle, yaml.FoldedStyle}
	f.Fuzz(func(t *testing.T, name, secret string, style uint8, asList bool) {
		// Short literals can be a word of any message ("a", "svc").
		if len(secret) < 12 || strings.TrimSpace(secret) != secret || strings.ContainsAny(secret, "\x00\r") {
			return
		}
		data := secretDoc(name, secret, styles[int(style)%len(styles)], asList)
		if data == nil {
			return
		}
		c, err := Parse("pinwheel.yaml", data)
		if err == nil {
			err = c.Validate()
		}
		if err == nil {
			t.Fatalf("a literal secretEnv value was accepted:\n%s", data)
		}
		if !inputerr.Is(err) {
			t.Fatalf("non-input error %T: %v\n%s", err, err, data)
		}
		// The name is not secret: the message may name it, whatever it holds.
		if strings.Contains(strings.ReplaceAll(err.Error(), name, ""), secret) {
			t.Fatalf("the message echoes the literal %q: %v", secret, err)
		}
	})
}
