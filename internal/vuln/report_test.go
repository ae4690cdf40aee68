package vuln

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestVEXValidatesAgainstCycloneDX16 checks the VEX document against the
// official CycloneDX 1.6 schema kept in internal/attest/testdata/schema.
func TestVEXValidatesAgainstCycloneDX16(t *testing.T) {
	c := jsonschema.NewCompiler()
	dir := filepath.Join("..", "attest", "testdata", "schema")
	for id, file := range map[string]string{
		"http://cyclonedx.org/schema/bom-1.6.schema.json":  "bom-1.6.schema.json",
		"http://cyclonedx.org/schema/spdx.schema.json":     "spdx.schema.json",
		"http://cyclonedx.org/schema/jsf-0.82.schema.json": "jsf-0.82.schema.json",
	} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(id, doc); err != nil {
			t.Fatal(err)
		}
	}
	schema, err := c.Compile("http://cyclonedx.org/schema/bom-1.6.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	db := loadTestdata(t)
	pkgs := []Located{{Package{PyPI, "requests", "2.30.0"}, Location{"requirements.txt", 1}},
		{Package{"Debian:7", "nginx", "1.2.1-2.2"}, Location{"var/lib/dpkg/status", 0}},
		{Package{PyPI, "py", "1.11.0"}, Location{"requirements.txt", 3}}}
	igs := []Ignore{{ID: "PYSEC-2022-42969", Reason: "unused", Expires: time.Now().Add(time.Hour), File: ".pinwheel-ignore.yaml", Line: 2}}
	rep, err := Run(context.Background(), db, []string{"t"}, pkgs, igs, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 2 || len(rep.Ignored) != 1 {
		t.Fatalf("report: %d findings, %d ignored; want 2 and 1", len(rep.Findings), len(rep.Ignored))
	}
	var buf bytes.Buffer
	if err := WriteVEX(&buf, rep); err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("VEX does not validate: %v\n%s", err, buf.String())
	}
}
