package gate

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/ext"

	"pinwheel.dev/pinwheel/internal/config"
)

// Bounds on one expression's evaluation: CEL's runtime cost (roughly one
// unit per operation, strings and lists by their size) and wall time, so
// a hostile or careless expression fails its gate instead of hanging.
const (
	CostLimit = 10_000_000
	EvalTime  = 30 * time.Second
)

// The CEL variables, in the order docs/gates.md lists them.
var variables = []struct {
	name string
	typ  *cel.Type
}{
	{"build", cel.ObjectType("gate.Build")},
	{"lock", cel.ObjectType("gate.Lock")},
	{"sbom", cel.ObjectType("gate.SBOM")},
	{"base", cel.ObjectType("gate.Base")},
	{"findings", cel.ListType(cel.ObjectType("gate.Finding"))},
	{"vulns", cel.ListType(cel.ObjectType("gate.Vuln"))},
	{"tests", cel.MapType(cel.StringType, cel.ObjectType("gate.Test"))},
	{"provenance", cel.MapType(cel.StringType, cel.DynType)},
}

// env is the typed CEL environment over Facts, built once.
var env = sync.OnceValues(func() (*cel.Env, error) {
	opts := []cel.EnvOption{
		ext.NativeTypes(reflect.TypeOf(Build{}), reflect.TypeOf(Lock{}), reflect.TypeOf(Package{}),
			reflect.TypeOf(SBOM{}), reflect.TypeOf(Component{}), reflect.TypeOf(Base{}), reflect.TypeOf(BasePackage{}),
			reflect.TypeOf(Finding{}), reflect.TypeOf(Vuln{}), reflect.TypeOf(Test{}), ext.ParseStructTag("json")),
		ext.Strings(), ext.Sets(), ext.Lists(),
		cel.ParserRecursionLimit(100),
		cel.ParserExpressionSizeLimit(config.MaxGateExpr),
	}
	for _, v := range variables {
		opts = append(opts, cel.Variable(v.name, v.typ))
	}
	return cel.NewEnv(opts...)
})

// Program is one expr: gate compiled and type-checked against Facts.
type Program struct {
	Gate config.Gate
	prg  cel.Program
}

// Compile compiles g's expression. A syntax or type error, or an
// expression that is not a bool, is an *inputerr.Error at the gate's
// place in path (pinwheel.yaml) with CEL's column mapped into the file.
func Compile(path string, g config.Gate) (*Program, error) {
	e, err := env()
	if err != nil {
		return nil, fmt.Errorf("gate: CEL environment: %w", err)
	}
	ast, iss := e.Compile(g.Expr)
	if iss != nil && iss.Err() != nil {
		errs := iss.Errors()
		first := errs[0]
		msg := first.Message
		if len(errs) > 1 {
			msg += fmt.Sprintf(" (and %d more)", len(errs)-1)
		}
		return nil, g.ExprError(path, first.Location.Line(), first.Location.Column()+1, "%s", msg)
	}
	if !ast.OutputType().IsExactType(cel.BoolType) {
		return nil, g.ExprError(path, 1, 1, "expected an expression that is true or false, this one gives %s", ast.OutputType())
	}
	prg, err := e.Program(ast, cel.CostLimit(CostLimit), cel.InterruptCheckFrequency(100))
	if err != nil {
		return nil, g.ExprError(path, 1, 1, "%v", err)
	}
	return &Program{Gate: g, prg: prg}, nil
}

// Eval evaluates p over f: passed, or why not (false, a cost or time
// limit, an evaluation error such as a missing map key).
func (p *Program) Eval(ctx context.Context, f Facts) (bool, string) {
	ctx, cancel := context.WithTimeout(ctx, EvalTime)
	defer cancel()
	out, _, err := p.prg.ContextEval(ctx, f.activation())
	switch {
	case err != nil && strings.Contains(err.Error(), "cost limit exceeded"):
		return false, fmt.Sprintf("stopped: the expression exceeded the cost limit (%d)", CostLimit)
	case err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return false, fmt.Sprintf("stopped: the expression ran longer than %s", EvalTime)
	case err != nil:
		return false, "evaluation failed: " + err.Error()
	}
	b, ok := out.Value().(bool)
	switch {
	case !ok:
		return false, fmt.Sprintf("evaluated to %v, not true or false", out)
	case !b:
		return false, "evaluated to false"
	}
	return true, "true"
}

// activation binds the CEL variables to f's values.
func (f Facts) activation() map[string]any {
	prov := f.Provenance
	if prov == nil {
		prov = map[string]any{}
	}
	tests := f.Tests
	if tests == nil {
		tests = map[string]Test{}
	}
	return map[string]any{
		"build": f.Build, "lock": f.Lock, "sbom": f.SBOM, "base": f.Base,
		"findings": orEmpty(f.Findings), "vulns": orEmpty(f.Vulns), "tests": tests, "provenance": prov,
	}
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
