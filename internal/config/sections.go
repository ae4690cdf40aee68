package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/rollout"
)

// The sections only deploying reads. Parse decodes them with the rest of
// the file but keeps their errors for the accessors below, so that
// `pinwheel build` does not refuse a project over its rollout: section.
var sectionTypes = map[reflect.Type]bool{
	reflect.TypeOf(Rollout{}): true,
	reflect.TypeOf(Runtime{}): true,
	reflect.TypeOf(Notify{}):  true,
	reflect.TypeOf(Refresh{}): true,
	reflect.TypeOf(Gates{}):   true,
	reflect.TypeOf(Policy{}):  true,
	reflect.TypeOf(Alerts{}):  true,
}

// decodeSections decodes the rollout:, runtime:, notify:, refresh:,
// gates: and policy: values of the root mapping (already checked by
// decodeStruct) into c; src is the file's text.
func (c *Config) decodeSections(path string, root *yaml.Node, src []byte) {
	c.sectionErr = map[string]error{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i].Value, root.Content[i+1]
		var err error
		switch k {
		case "rollout":
			c.Rollout, err = decodeRollout(v, path)
		case "runtime":
			c.Runtime, err = decodeRuntime(v, path)
		case "notify":
			c.Notify, err = decodeNotify(v, path)
		case "refresh":
			c.Refresh, err = decodeRefresh(v, path)
		case "gates":
			c.Gates, err = decodeGates(v, path, src)
		case "policy":
			c.Policy, err = decodePolicy(v, path)
		case "alerts":
			c.Alerts, err = decodeAlerts(v, path)
		}
		if err != nil {
			c.sectionErr[k] = err
		}
	}
}

// RuntimeSection is the runtime: section, or its first problem at file:line:col.
func (c *Config) RuntimeSection() (Runtime, error) { return c.Runtime, c.sectionErr["runtime"] }

// NotifySection is the notify: section, or its first problem at file:line:col.
func (c *Config) NotifySection() (Notify, error) { return c.Notify, c.sectionErr["notify"] }

// RolloutSpec is the rollout: section's spec with defaults applied and
// validated; every problem is an *inputerr.Error at the offending key.
func (c *Config) RolloutSpec() (rollout.Spec, error) {
	file, r := c.Path, c.Rollout
	if err := c.sectionErr["rollout"]; err != nil {
		return r.Spec, err
	}
	if !r.written {
		return r.Spec, &inputerr.Error{Path: file, Msg: "no rollout: section (expected rollout.steps, see docs/rollout.md)"}
	}
	spec := r.Spec.Defaults()
	if err := spec.Validate(); err != nil {
		var errs []error
		for _, fe := range rollout.FieldErrors(err) {
			line, col := r.At(fe.Path)
			errs = append(errs, &inputerr.Error{Path: file, Line: line, Col: col, Msg: "rollout." + fe.Path + ": " + fe.Msg})
		}
		if len(errs) == 0 {
			errs = append(errs, &inputerr.Error{Path: file, Line: r.Line, Col: r.Col, Msg: "rollout", Err: err})
		}
		return spec, errors.Join(errs...)
	}
	return spec, nil
}

// Deploy is what deploying needs from pinwheel.yaml beyond the build: the
// rollout spec (defaulted, validated), the runtime and notify sections.
type Deploy struct {
	Spec    rollout.Spec
	Runtime Runtime
	Notify  Notify
}

// Deploy returns the deploy sections, or the first section's problems at
// file:line:col: rollout, runtime, the checks' queries against the
// runtime's metrics provider, then notify.
func (c *Config) Deploy() (Deploy, error) {
	var d Deploy
	var err error
	if d.Spec, err = c.RolloutSpec(); err != nil {
		return d, err
	}
	if d.Runtime, err = c.RuntimeSection(); err != nil {
		return d, err
	}
	if err := c.checkQueries(d.Runtime.Metrics, d.Spec); err != nil {
		return d, err
	}
	d.Notify, err = c.NotifySection()
	return d, err
}

// checkQueries says, at the check's query, which check queries the
// configured provider cannot answer: with httpjson every query is an
// http(s) URL template.
func (c *Config) checkQueries(m Metrics, spec rollout.Spec) error {
	if m.Provider != MetricsHTTPJSON {
		return nil
	}
	for i, ch := range spec.Checks {
		if strings.HasPrefix(ch.Query, "http://") || strings.HasPrefix(ch.Query, "https://") {
			continue
		}
		line, col, ok := c.Rollout.ValueAt(fmt.Sprintf("checks[%d].query", i))
		if !ok {
			line, col = c.Rollout.At(fmt.Sprintf("checks[%d]", i))
		}
		return inputerr.At(c.Path, line, col, "rollout.checks[%d] (%s): query %q: runtime.metrics.provider httpjson needs an http:// or https:// URL template, e.g. http://127.0.0.1:9100/errors?release={{.Release}}", i, ch.Name, ch.Query)
	}
	return nil
}
