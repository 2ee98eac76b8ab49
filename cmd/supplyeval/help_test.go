package main

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/i18n"
)

// TestEveryCommandHasHelp: `supplyeval COMMAND --help` (and -h, and
// `supplyeval help COMMAND`) prints the command's synopsis, every flag and
// an example on standard output and exits 0, and nothing on standard
// error, in English and in French, every text from the catalogue (a
// missing message would show as its key in brackets).
func TestEveryCommandHasHelp(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "")
	if len(commands) == 0 {
		t.Fatal("no command has help")
	}
	for _, name := range commands {
		for _, l := range i18n.Langs {
			for _, args := range [][]string{{name, "--help"}, {name, "-h"}, {"help", name}} {
				args = append(args, "--lang", strings.ToLower(string(l)))
				if l == i18n.EN && args[0] != "help" {
					args = args[:2] // English is the default
				}
				var stdout, stderr bytes.Buffer
				code := run(context.Background(), args, &stdout, &stderr)
				out := stdout.String()
				if code != 0 || stderr.Len() != 0 {
					t.Errorf("supplyeval %v: exit %d, stderr %q; want exit 0 and nothing on stderr", args, code, stderr.String())
				}
				example := l.T("cli." + name + ".example")
				for _, want := range []string{l.T("cli.help.usage", name), l.T("cli.help.flags"), l.T("cli.help.example"), example,
					l.T("cli." + name + ".summary")} {
					if !strings.Contains(out, want) {
						t.Errorf("supplyeval %v: help does not contain %q:\n%s", args, want, out)
					}
				}
				if strings.Contains(out, "[cli.") {
					t.Errorf("supplyeval %v: a message is missing from the catalogue:\n%s", args, out)
				}
				if !strings.HasPrefix(example, "supplyeval "+name) {
					t.Errorf("the %s example of %s does not run %s: %q", l, name, name, example)
				}
			}
		}
	}
	// Every flag of serve is listed in its help.
	var stdout bytes.Buffer
	run(context.Background(), []string{"serve", "--help"}, &stdout, &bytes.Buffer{})
	for _, f := range []string{"-data", "-addr", "-tokens", "-store", "-bus", "-follow", "-period-range", "-read-timeout"} {
		if !strings.Contains(stdout.String(), f) {
			t.Errorf("serve --help does not list %s", f)
		}
	}
}

// TestHelpInFrench: --lang fr, or a French LANG, gives the help in French:
// the overview, and every flag of every command described in French (no
// flag text is left as the English one); LC_ALL wins over LANG, and a
// language the catalogue lacks gives English.
func TestHelpInFrench(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "")
	help := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
			t.Fatalf("supplyeval %v: exit %d\n%s", args, code, stderr.String())
		}
		return stdout.String()
	}
	const fr = "Utilisation :\n  supplyeval serve"
	for _, args := range [][]string{{"--help", "--lang", "fr"}, {"--lang", "fr", "--help"}, {"--lang=fr"}, {"help", "--lang", "FR"}} {
		if out := help(args...); !strings.Contains(out, fr) || !strings.Contains(out, "lance l'application web") {
			t.Errorf("supplyeval %v is not in French:\n%s", args, out)
		}
	}
	if out := help("--help"); !strings.Contains(out, "Usage:\n  supplyeval serve") {
		t.Errorf("the default help is not in English:\n%s", out)
	}
	t.Setenv("LANG", "fr_FR.UTF-8")
	if out := help("--help"); !strings.Contains(out, fr) {
		t.Errorf("LANG=fr_FR.UTF-8: not in French:\n%s", out)
	}
	if out := help("import", "--help"); !strings.Contains(out, "Utilisation : supplyeval import") || !strings.Contains(out, "colonne portant la valeur") {
		t.Errorf("LANG=fr_FR.UTF-8 import --help: not in French:\n%s", out)
	}
	if out := help("--lang", "en", "--help"); !strings.Contains(out, "Usage:\n") {
		t.Errorf("--lang en does not win over LANG:\n%s", out)
	}
	t.Setenv("LC_ALL", "C")
	if out := help("--help"); !strings.Contains(out, "Usage:\n") {
		t.Errorf("LC_ALL=C LANG=fr_FR: want English (LC_ALL wins, C is not in the catalogue):\n%s", out)
	}
	// Every flag's French text differs from its English one.
	for _, k := range i18n.Keys(i18n.EN) {
		if strings.HasPrefix(k, "cli.flag.") && i18n.EN.T(k) == i18n.FR.T(k) {
			t.Errorf("%s is not translated: %q", k, i18n.FR.T(k))
		}
	}
	// And every flag of every command has a text of its own in both.
	for _, name := range commands {
		out := help(name, "--help", "--lang", "fr")
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "    \t") && strings.TrimSpace(line) == "" {
				t.Errorf("%s: a flag without a description:\n%s", name, out)
			}
		}
	}
}

// TestHelpForAnUnlistedFlagSet: a command without an entry in commandHelp
// still gets its flags listed, never an empty help.
func TestHelpForAnUnlistedFlagSet(t *testing.T) {
	fs := flag.NewFlagSet("frobnicate", flag.ContinueOnError)
	fs.String("thing", "", "the thing")
	h := helpFor(fs, i18n.EN)
	if !strings.Contains(h.text, "Usage: supplyeval frobnicate") || !strings.Contains(h.text, "-thing") {
		t.Errorf("help for an unlisted command: %q", h.text)
	}
}
