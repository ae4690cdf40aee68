package attest

import (
	"encoding/json"
	"strings"
	"testing"
)

// Statement wraps an SBOM in an in-toto Statement v1 about the image; a
// digest that is not sha256 or a predicate that is not an object is refused.
func TestStatement(t *testing.T) {
	d := "sha256:" + strings.Repeat("c", 64)
	out, err := Statement("hello", d, CycloneDXPredicateType, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6"}`))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Type          string `json:"_type"`
		PredicateType string
		Subject       []struct {
			Name   string
			Digest map[string]string
		}
		Predicate map[string]any
	}
	if err := json.Unmarshal(out, &st); err != nil {
		t.Fatal(err)
	}
	if st.Type != "https://in-toto.io/Statement/v1" || st.PredicateType != CycloneDXPredicateType || len(st.Subject) != 1 ||
		st.Subject[0].Name != "hello" || st.Subject[0].Digest["sha256"] != strings.Repeat("c", 64) || st.Predicate["bomFormat"] != "CycloneDX" {
		t.Errorf("statement %s", out)
	}
	again, _ := Statement("hello", d, CycloneDXPredicateType, []byte(`{"specVersion":"1.6","bomFormat":"CycloneDX"}`))
	if string(again) != string(out) {
		t.Error("the same predicate with other key order gives other bytes")
	}
	if _, err := Statement("hello", "sha512:00", CycloneDXPredicateType, []byte(`{}`)); err == nil {
		t.Error("accepted a sha512 digest")
	}
	if _, err := Statement("hello", d, CycloneDXPredicateType, []byte(`[1]`)); err == nil {
		t.Error("accepted a list as predicate")
	}
}
