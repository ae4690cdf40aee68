package check

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifSchema compiles the official SARIF 2.1.0 schema kept in testdata.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	schema := sarifSchema(t)
	for _, name := range []string{"rich", "clean", "suppress", "secrets", "docker-run", "nolock"} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteSARIF(&buf, runProject(t, name), SARIFOptions{ToolVersion: "v0.0.0-test"}); err != nil {
				t.Fatal(err)
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(doc); err != nil {
				t.Errorf("SARIF log does not validate:\n%v", err)
			}
		})
	}
}

// TestSchemaRejectsBrokenSARIF proves the validation can fail: a result
// with an unknown level is not SARIF.
func TestSchemaRejectsBrokenSARIF(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, runProject(t, "nohash"), SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(buf.String(), `"level": "error"`, `"level": "fatal"`, 1)
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(broken))
	if err != nil {
		t.Fatal(err)
	}
	if err := sarifSchema(t).Validate(doc); err == nil {
		t.Error("schema accepted a result with level \"fatal\"")
	}
}

// TestSARIFLocations checks what code scanning needs: rule IDs that resolve
// to rules, real line numbers, and in-source suppressions with reasons.
func TestSARIFLocations(t *testing.T) {
	log := sarifLog(t, runProject(t, "suppress"))
	run := log.Runs[0]
	var got []string
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s has ruleIndex %d pointing at %s", r.RuleID, r.RuleIndex, run.Tool.Driver.Rules[r.RuleIndex].ID)
		}
		loc := r.Locations[0].PhysicalLocation
		s := r.RuleID + " " + loc.ArtifactLocation.URI + ":" + strconv.Itoa(loc.Region.StartLine)
		for _, sup := range r.Suppressions {
			s += " [" + sup.Kind + ": " + sup.Justification + "]"
		}
		got = append(got, s)
	}
	want := []string{
		"PW301 Dockerfile:2 [inSource: digest pinned by the platform mirror]",
		"PW001 Dockerfile:3",
		"PW301 Dockerfile:4",
		"PW304 Dockerfile:5 [inSource: same line works too]",
		"PW002 Dockerfile:6",
		"PW301 Dockerfile:7",
		"PW304 Dockerfile:10 [inSource: the line above a multi-line RUN covers it]",
		"PW002 Dockerfile:11",
		"PW105 requirements-dev.txt:1 [inSource: vendored wheel is pinned upstream]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("results:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Every result of every fixture has a location with a URI: GitHub code
// scanning rejects a whole log for one result without.
func TestEverySARIFResultHasALocation(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("testdata", "projects"))
	if err != nil {
		t.Fatal(err)
	}
	results := 0
	reports := map[string]Report{}
	for _, e := range entries {
		reports[e.Name()] = runProject(t, e.Name())
	}
	manifests, _ := filepath.Glob(filepath.Join("testdata", "manifests", "*.yaml"))
	for _, m := range manifests {
		reports[m] = runManifests(t, "", m)
	}
	for name, rep := range reports {
		log := sarifLog(t, rep)
		for _, r := range log.Runs[0].Results {
			results++
			if len(r.Locations) == 0 || r.Locations[0].PhysicalLocation.ArtifactLocation.URI == "" {
				t.Errorf("%s: %s has no location", name, r.RuleID)
			}
		}
	}
	if results < 20 {
		t.Fatalf("only %d results over the fixtures: the test checks nothing", results)
	}
}

// sarifResults is the part of a SARIF log the location tests read.
type sarifResults struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct{ ID string } `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string }    `json:"artifactLocation"`
					Region           struct{ StartLine int } `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			Suppressions []struct {
				Kind          string `json:"kind"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
		} `json:"results"`
	} `json:"runs"`
}

// sarifLog writes rep as SARIF and reads its results back.
func sarifLog(t *testing.T, rep Report) sarifResults {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, rep, SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	var log sarifResults
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	return log
}
