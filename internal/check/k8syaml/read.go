// Package k8syaml reads Kubernetes manifest streams — plain YAML files with
// several documents, kustomize output, `helm template` output — into
// objects that keep the yaml.v3 node tree, so every field a rule looks at
// still has its line and column in the file it came from.
// (sigs.k8s.io/yaml converts to JSON first and loses them.)
//
// It knows object shapes (where a workload keeps its pod spec, what a List
// holds) but no rules: internal/check judges the objects.
package k8syaml

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Object is one Kubernetes object of a manifest stream.
type Object struct {
	File       string // as the caller named the stream
	APIVersion string
	Kind       string
	Name       string
	Namespace  string // "" when the manifest leaves it to the apply
	// Source is the template a `helm template` document came from (its
	// "# Source: chart/templates/x.yaml" comment), "" otherwise.
	Source string
	Line   int        // line of the object's first key
	Root   *yaml.Node // the object's mapping node
}

// Group is the API group of the object ("" for the core group).
func (o Object) Group() string {
	g, _, ok := strings.Cut(o.APIVersion, "/")
	if !ok {
		return ""
	}
	return g
}

// MaxDocuments bounds how many documents one stream may hold.
const MaxDocuments = 100000

// parserProblems are the messages of yaml.v3's parser (parserc.go), whose
// "line N" is the 0-based line of the construct being parsed; the
// scanner's messages carry 1-based lines.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'": true, "did not find expected ',' or '}'": true,
	"did not find expected '-' indicator": true, "did not find expected <document start>": true,
	"did not find expected <stream-start>": true, "did not find expected key": true,
	"did not find expected node content": true, "found duplicate %TAG directive": true,
	"found duplicate %YAML directive": true, "found incompatible YAML document": true,
	"found undefined tag handle": true,
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Read parses data (named file in errors and objects) as a stream of YAML
// documents. Empty documents and documents that are not mappings with a
// kind are skipped; a List's items are objects of their own. Malformed
// YAML is an *inputerr.Error at file:line.
func Read(file string, data []byte) ([]Object, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []Object
	for n := 0; ; n++ {
		if n >= MaxDocuments {
			return nil, inputerr.At(file, 0, 0, "more than %d YAML documents", MaxDocuments)
		}
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, yamlError(file, err)
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode {
			continue
		}
		source := helmSource(doc.HeadComment)
		if source == "" {
			source = helmSource(root.HeadComment)
		}
		if source == "" && len(root.Content) > 0 {
			source = helmSource(root.Content[0].HeadComment)
		}
		out = appendObject(out, file, source, root, 0)
	}
}

// appendObject adds the object at root, or the items of a List.
func appendObject(out []Object, file, source string, root *yaml.Node, depth int) []Object {
	o := Object{File: file, Source: source, Line: root.Line, Root: root}
	o.APIVersion = Str(Get(root, "apiVersion"))
	o.Kind = Str(Get(root, "kind"))
	if o.Kind == "" {
		return out
	}
	if strings.HasSuffix(o.Kind, "List") && o.APIVersion == "v1" && depth == 0 {
		for _, item := range Items(Get(root, "items")) {
			if item.Kind == yaml.MappingNode {
				out = appendObject(out, file, source, item, depth+1)
			}
		}
		return out
	}
	meta := Get(root, "metadata")
	o.Name, o.Namespace = Str(Get(meta, "name")), Str(Get(meta, "namespace"))
	return append(out, o)
}

// helmSource reads the "# Source: PATH" comment helm template writes above
// each document.
func helmSource(comment string) string {
	for _, line := range strings.Split(comment, "\n") {
		if s, ok := strings.CutPrefix(strings.TrimSpace(line), "# Source:"); ok {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// yamlError turns a yaml.v3 error into an input error at its line.
func yamlError(file string, err error) error {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		if parserProblems[m[2]] {
			line++ // yaml.v3 adds one to scanner errors' 0-based marks only
		}
		return inputerr.At(file, line, 0, "invalid YAML: %s", m[2])
	}
	return &inputerr.Error{Path: file, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}
