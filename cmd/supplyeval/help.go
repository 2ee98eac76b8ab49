package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/i18n"
)

// commands are the commands that have a help of their own: `supplyeval
// COMMAND --help` prints the synopsis, summary and example of the
// catalogue's "cli.COMMAND.*" messages and every flag's "cli.flag.*" text.
var commands = []string{"serve", "demo", "import", "report", "check", "ingest-replay", "probe", "token"}

// helpLang is the language of the help: the --lang of args (--lang fr,
// --lang=fr, -lang fr), else the environment's LC_ALL, LC_MESSAGES or
// LANG (the first set, as POSIX orders them), else English. A language
// the catalogue lacks (LANG=de_DE, C) gives English.
func helpLang(args []string) i18n.Lang {
	for i, a := range args {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "lang" {
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		if l, err := i18n.ParseLang(value); err == nil {
			return l
		}
		return i18n.EN
	}
	for _, env := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(env); v != "" {
			if l, err := i18n.ParseLang(v); err == nil {
				return l
			}
			return i18n.EN
		}
	}
	return i18n.EN
}

// withoutLang returns args without --lang and its value.
func withoutLang(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if strings.HasPrefix(args[i], "-") && name == "lang" {
			if !hasValue {
				i++
			}
			continue
		}
		out = append(out, args[i])
	}
	return out
}

// usageText is `supplyeval --help` in l.
func usageText(l i18n.Lang) string { return l.T("cli.usage") }

// flagText is the catalogue's description of flag name of command cmd.
func flagText(l i18n.Lang, cmd, name string) string {
	if k := "cli.flag." + cmd + "." + name; l.Has(k) {
		return l.T(k)
	}
	return l.T("cli.flag." + name)
}

// helpRequested is returned by parseFlags for -h or --help: run prints
// text on standard output and exits 0.
type helpRequested struct{ text string }

func (h helpRequested) Error() string { return "help requested" }

// helpFor renders fs's help in l: the synopsis, summary and example of
// the catalogue, and every flag with its description from the catalogue
// and its default. A command or flag the catalogue lacks shows its
// message key in brackets (TestEveryCommandHasHelp fails on it).
func helpFor(fs *flag.FlagSet, l i18n.Lang) helpRequested {
	name := fs.Name()
	synopsis := name + " [flags]"
	if k := "cli." + name + ".synopsis"; l.Has(k) {
		synopsis = l.T(k)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", l.T("cli.help.usage", synopsis))
	if k := "cli." + name + ".summary"; l.Has(k) {
		fmt.Fprintf(&b, "%s\n\n", l.T(k))
	}
	b.WriteString(l.T("cli.help.flags") + "\n")
	fs.VisitAll(func(f *flag.Flag) {
		desc := *f
		desc.Usage = flagText(l, name, f.Name)
		typ, usage := flag.UnquoteUsage(&desc)
		fmt.Fprintf(&b, "  -%s", f.Name)
		if typ != "" {
			fmt.Fprintf(&b, " %s", typ)
		}
		b.WriteString("\n    \t" + strings.ReplaceAll(usage, "\n", "\n    \t"))
		if def := f.DefValue; def != "" && def != "0" && def != "false" && def != "0s" {
			if fmt.Sprintf("%T", f.Value) == "*flag.stringValue" {
				def = strconv.Quote(def)
			}
			b.WriteString(" " + l.T("cli.help.default", def))
		}
		b.WriteString("\n")
	})
	if k := "cli." + name + ".example"; l.Has(k) {
		fmt.Fprintf(&b, "\n%s\n  %s\n", l.T("cli.help.example"), l.T(k))
	}
	return helpRequested{text: b.String()}
}

// parseFlags parses a command's flags; the command takes no arguments
// besides them.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := parseFlagsAndArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usage("cli.err.argument", fs.Arg(0))
	}
	return nil
}

// parseFlagsAndArgs parses a command's flags and leaves its arguments in
// fs.Args(). -h and --help give a helpRequested; a bad flag a usageError.
func parseFlagsAndArgs(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if fs.Lookup("lang") == nil {
		// Every command takes --lang: the language of its help.
		fs.String("lang", "", "")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return helpFor(fs, helpLang(args))
		}
		return usage("cli.err.at", fs.Name(), flagError(fs, err))
	}
	return nil
}

// flagError gives an error of the flag package the words of the
// catalogue: its English text stays the package's, byte for byte.
func flagError(fs *flag.FlagSet, err error) error {
	s := err.Error()
	cut := func(prefix string) (string, bool) { return strings.CutPrefix(s, prefix) }
	if name, ok := cut("flag provided but not defined: -"); ok {
		return alt{err, i18n.M("cli.err.flag.undefined", name)}
	}
	if name, ok := cut("flag needs an argument: -"); ok {
		return alt{err, i18n.M("cli.err.flag.argument", name)}
	}
	if arg, ok := cut("bad flag syntax: "); ok {
		return alt{err, i18n.M("cli.err.flag.syntax", arg)}
	}
	key, rest := "cli.err.flag.value", ""
	if r, ok := cut("invalid value "); ok {
		rest = r
	} else if r, ok := cut("invalid boolean value "); ok {
		key, rest = "cli.err.flag.bool", r
	} else {
		return err
	}
	// rest is `"VALUE" for flag -NAME: CAUSE` (or `for -NAME` for a
	// boolean): the value is Go-quoted.
	quoted, err2 := strconv.QuotedPrefix(rest)
	if err2 != nil {
		return err
	}
	value, _ := strconv.Unquote(quoted)
	rest = strings.TrimPrefix(strings.TrimPrefix(rest[len(quoted):], " for flag -"), " for -")
	name, cause, ok := strings.Cut(rest, ": ")
	if !ok {
		return err
	}
	// The flag's own error again, to write it in the language (the flag
	// package keeps only its text); a failed Set leaves the value as it was.
	var c error = errors.New(cause)
	if f := fs.Lookup(name); f != nil {
		if e := f.Value.Set(value); e != nil && e.Error() == cause {
			c = e
		}
	}
	switch cause {
	case "parse error":
		c = alt{c, i18n.M("cli.err.flag.parse")}
	case "value out of range":
		c = alt{c, i18n.M("cli.err.flag.range")}
	}
	return alt{err, i18n.M(key, value, name, errText{c})}
}
