package pep

import (
	"encoding/json"
	"testing"
)

func TestJSONRoundTrip(t *testing.T) {
	type doc struct {
		Version   Version
		Specifier SpecifierSet
		Marker    Marker
		Empty     Marker
		Req       Requirement
	}
	in := `{"Version":"V1.0-RC1","Specifier":">= 1.0 , <2","Marker":"os_name=='posix'","Empty":"","Req":"Requests[socks]>=2; python_version>'3'"}`
	var d doc
	if err := json.Unmarshal([]byte(in), &d); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"1.0rc1","Specifier":"\u003c2,\u003e=1.0","Marker":"os_name == \"posix\"","Empty":"","Req":"Requests[socks]\u003e=2; python_version \u003e \"3\""}`
	if string(out) != want {
		t.Errorf("json:\n got %s\nwant %s", out, want)
	}
	for _, bad := range []string{`{"Version":"x"}`, `{"Specifier":"1.0"}`, `{"Marker":"os_name"}`, `{"Req":"-x"}`} {
		if err := json.Unmarshal([]byte(bad), &d); err == nil {
			t.Errorf("Unmarshal(%s) succeeded", bad)
		}
	}
}
