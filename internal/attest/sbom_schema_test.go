package attest

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The official schemas, kept under testdata/schema with the $id each
// declares, so $refs between them resolve without a network.
var schemaFiles = map[string]string{
	"http://cyclonedx.org/schema/bom-1.6.schema.json":  "bom-1.6.schema.json",
	"http://cyclonedx.org/schema/spdx.schema.json":     "spdx.schema.json",
	"http://cyclonedx.org/schema/jsf-0.82.schema.json": "jsf-0.82.schema.json",
	"http://spdx.org/rdf/terms/2.3":                    "spdx-schema-2.3.json",
}

const (
	cycloneDXSchemaID = "http://cyclonedx.org/schema/bom-1.6.schema.json"
	spdxSchemaID      = "http://spdx.org/rdf/terms/2.3"
)

var (
	schemasOnce sync.Once
	schemas     map[string]*jsonschema.Schema
	schemasErr  error
)

func loadSchemas() (map[string]*jsonschema.Schema, error) {
	schemasOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.AssertFormat() // date-time, iri-reference, uri… are checked, not just annotated
		for id, file := range schemaFiles {
			data, err := os.ReadFile(filepath.Join("testdata", "schema", file))
			if err != nil {
				schemasErr = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
			if err != nil {
				schemasErr = err
				return
			}
			if err := c.AddResource(id, doc); err != nil {
				schemasErr = err
				return
			}
		}
		schemas = map[string]*jsonschema.Schema{}
		for _, id := range []string{cycloneDXSchemaID, spdxSchemaID} {
			s, err := c.Compile(id)
			if err != nil {
				schemasErr = err
				return
			}
			schemas[id] = s
		}
	})
	return schemas, schemasErr
}

// validateAgainst fails t when doc does not satisfy the schema with the given $id.
func validateAgainst(t *testing.T, schemaID string, doc []byte) {
	t.Helper()
	ss, err := loadSchemas()
	if err != nil {
		t.Fatalf("load schemas: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if err := ss[schemaID].Validate(inst); err != nil {
		t.Fatalf("output does not satisfy %s:\n%v", schemaID, err)
	}
}

// TestSchemaValidatorRejectsInvalidDocuments proves the validator is armed:
// documents broken in ways a writer bug would break them are rejected.
func TestSchemaValidatorRejectsInvalidDocuments(t *testing.T) {
	ss, err := loadSchemas()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, schema, doc string
	}{
		{"cyclonedx_wrong_format", cycloneDXSchemaID, `{"bomFormat":"SPDX","specVersion":"1.6"}`},
		{"cyclonedx_bad_hash_length", cycloneDXSchemaID, `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a","hashes":[{"alg":"SHA-256","content":"abc"}]}]}`},
		{"cyclonedx_bad_scope", cycloneDXSchemaID, `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a","scope":"dev"}]}`},
		{"cyclonedx_bad_timestamp", cycloneDXSchemaID, `{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"timestamp":"yesterday"}}`},
		{"spdx_missing_creation_info", spdxSchemaID, `{"SPDXID":"SPDXRef-DOCUMENT","dataLicense":"CC0-1.0","name":"x","spdxVersion":"SPDX-2.3","documentNamespace":"https://x/y"}`},
		{"spdx_bad_relationship", spdxSchemaID, `{"SPDXID":"SPDXRef-DOCUMENT","dataLicense":"CC0-1.0","name":"x","spdxVersion":"SPDX-2.3","documentNamespace":"https://x/y","creationInfo":{"created":"1970-01-01T00:00:00Z","creators":["Tool: t"]},"relationships":[{"spdxElementId":"SPDXRef-DOCUMENT","relatedSpdxElement":"SPDXRef-A","relationshipType":"NEEDS"}]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(tc.doc)))
			if err != nil {
				t.Fatal(err)
			}
			if err := ss[tc.schema].Validate(inst); err == nil {
				t.Fatalf("schema accepted an invalid document: %s", tc.doc)
			}
		})
	}
}
