package lock

import (
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// reqOption describes one pip requirements-file option.
type reqOption struct {
	long      string // canonical long name, e.g. "--index-url"
	takesArg  bool
	perLine   bool // allowed after a requirement on its line (--hash, ...)
	recordArg bool // kept in Lock.Options (changes what gets installed)
}

var reqOptions = map[string]reqOption{}

func init() {
	for _, o := range []struct {
		names []string
		opt   reqOption
	}{
		{[]string{"-r", "--requirement"}, reqOption{long: "--requirement", takesArg: true}},
		{[]string{"-c", "--constraint"}, reqOption{long: "--constraint", takesArg: true}},
		{[]string{"-e", "--editable"}, reqOption{long: "--editable", takesArg: true}},
		{[]string{"-i", "--index-url"}, reqOption{long: "--index-url", takesArg: true}},
		{[]string{"--extra-index-url"}, reqOption{long: "--extra-index-url", takesArg: true}},
		{[]string{"-f", "--find-links"}, reqOption{long: "--find-links", takesArg: true}},
		{[]string{"--no-index"}, reqOption{long: "--no-index", recordArg: true}},
		{[]string{"--trusted-host"}, reqOption{long: "--trusted-host", takesArg: true, recordArg: true}},
		{[]string{"--no-binary"}, reqOption{long: "--no-binary", takesArg: true, recordArg: true}},
		{[]string{"--only-binary"}, reqOption{long: "--only-binary", takesArg: true, recordArg: true}},
		{[]string{"--prefer-binary"}, reqOption{long: "--prefer-binary", recordArg: true}},
		{[]string{"--pre"}, reqOption{long: "--pre", recordArg: true}},
		{[]string{"--require-hashes"}, reqOption{long: "--require-hashes", recordArg: true}},
		{[]string{"--use-feature"}, reqOption{long: "--use-feature", takesArg: true}},
		{[]string{"--hash"}, reqOption{long: "--hash", takesArg: true, perLine: true}},
		{[]string{"--global-option"}, reqOption{long: "--global-option", takesArg: true, perLine: true}},
		{[]string{"--config-settings"}, reqOption{long: "--config-settings", takesArg: true, perLine: true}},
	} {
		for _, n := range o.names {
			reqOptions[n] = o.opt
		}
	}
}

// parsedOption is one option occurrence with its argument.
type parsedOption struct {
	opt reqOption
	arg string
	off int // offset of the option in the logical line
}

// parseOptions reads toks as pip options ("--x=v", "--x v", "-rFILE", "-r FILE").
func parseOptions(toks []reqToken) ([]parsedOption, *specError) {
	var out []parsedOption
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		name, arg, hasArg := strings.Cut(t.text, "=")
		opt, ok := reqOptions[name]
		if !ok && len(t.text) > 2 && t.text[0] == '-' && t.text[1] != '-' {
			// short option with its argument attached: -rbase.txt
			name, arg, hasArg = t.text[:2], t.text[2:], true
			opt, ok = reqOptions[name]
		}
		if !ok {
			return nil, &specError{t.off, "unknown option " + inputerr.Excerpt(t.text) + " (expected a requirement or a pip option such as -r, -c, -e, --index-url, --hash)"}
		}
		if !opt.takesArg {
			if hasArg {
				return nil, &specError{t.off, opt.long + " takes no value"}
			}
			out = append(out, parsedOption{opt: opt, off: t.off})
			continue
		}
		if !hasArg {
			if i+1 >= len(toks) {
				return nil, &specError{t.off, opt.long + " needs a value"}
			}
			i++
			arg = toks[i].text
		}
		if arg == "" {
			return nil, &specError{t.off, opt.long + " needs a value"}
		}
		out = append(out, parsedOption{opt: opt, arg: arg, off: t.off})
	}
	return out, nil
}
