package pep

import "strings"

// markerToken kinds.
const (
	tokEOF = iota
	tokLParen
	tokRParen
	tokString   // a quoted string; text is the unquoted value
	tokVariable // a marker variable; text is its canonical name
	tokOp       // a comparison operator, including "in" and "not in"
	tokAnd
	tokOr
)

type markerToken struct {
	kind int
	text string
	col  int // 1-based byte column in the marker text
}

// markerVariables maps every accepted spelling to its canonical name. The
// dotted and "python_implementation" spellings are PEP 345 forms that pip
// still accepts.
var markerVariables = map[string]string{
	"python_version": "python_version", "python_full_version": "python_full_version",
	"os_name": "os_name", "sys_platform": "sys_platform", "platform_release": "platform_release",
	"platform_system": "platform_system", "platform_version": "platform_version",
	"platform_machine": "platform_machine", "platform_python_implementation": "platform_python_implementation",
	"implementation_name": "implementation_name", "implementation_version": "implementation_version",
	"extra": "extra", "extras": "extras", "dependency_groups": "dependency_groups",
	"os.name": "os_name", "sys.platform": "sys_platform", "platform.version": "platform_version",
	"platform.machine": "platform_machine", "platform.python_implementation": "platform_python_implementation",
	"python_implementation": "platform_python_implementation",
}

// markerLexer splits marker text into tokens. base is added to columns so
// a marker inside a requirement reports columns of the whole line.
type markerLexer struct {
	src  string
	base int
	i    int
}

func (l *markerLexer) fail(col int, format string, args ...any) error {
	return syntaxErr("marker", l.src, col, format, args...)
}

func (l *markerLexer) skipSpace() {
	for l.i < len(l.src) && (l.src[l.i] == ' ' || l.src[l.i] == '\t') {
		l.i++
	}
}

func (l *markerLexer) next() (markerToken, error) {
	l.skipSpace()
	col := l.base + l.i + 1
	if l.i >= len(l.src) {
		return markerToken{kind: tokEOF, col: col}, nil
	}
	c := l.src[l.i]
	switch {
	case c == '(':
		l.i++
		return markerToken{tokLParen, "(", col}, nil
	case c == ')':
		l.i++
		return markerToken{tokRParen, ")", col}, nil
	case c == '"' || c == '\'':
		end := strings.IndexByte(l.src[l.i+1:], c)
		if end < 0 {
			return markerToken{}, l.fail(col, "unterminated string starting with %c", c)
		}
		text := l.src[l.i+1 : l.i+1+end]
		l.i += end + 2
		return markerToken{tokString, text, col}, nil
	}
	for _, op := range []string{"===", "==", "!=", "<=", ">=", "~=", "<", ">"} {
		if strings.HasPrefix(l.src[l.i:], op) {
			l.i += len(op)
			return markerToken{tokOp, op, col}, nil
		}
	}
	start := l.i
	for l.i < len(l.src) && isWordByte(l.src[l.i]) {
		l.i++
	}
	word := l.src[start:l.i]
	switch word {
	case "":
		return markerToken{}, l.fail(col, "unexpected %s", quoteByte(c))
	case "and":
		return markerToken{tokAnd, word, col}, nil
	case "or":
		return markerToken{tokOr, word, col}, nil
	case "in":
		return markerToken{tokOp, "in", col}, nil
	case "not":
		save := l.i
		l.skipSpace()
		if l.i > save && strings.HasPrefix(l.src[l.i:], "in") && (l.i+2 == len(l.src) || !isWordByte(l.src[l.i+2])) {
			l.i += 2
			return markerToken{tokOp, "not in", col}, nil
		}
		return markerToken{}, l.fail(col, "expected \"not in\"")
	}
	if name, ok := markerVariables[word]; ok {
		return markerToken{tokVariable, name, col}, nil
	}
	return markerToken{}, l.fail(col, "expected a marker variable or a quoted string, got %q (string values need quotes)", word)
}

func isWordByte(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.'
}
