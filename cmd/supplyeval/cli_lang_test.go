package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// runIn runs the supplyeval binary in dir with LANG=lang (LC_ALL and
// LC_MESSAGES unset), as a user's shell would.
func runIn(t *testing.T, dir, lang string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "LANG" && k != "LC_ALL" && k != "LC_MESSAGES" && k != "SUPPLYEVAL_TOKEN" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "LANG="+lang)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("supplyeval %v: %v", args, err)
	}
	return code, o.String(), e.String()
}

// refusalDir is a directory holding a tokens file with every mistake.
func refusalDir(t *testing.T) string {
	dir := t.TempDir()
	bad := `{"principals":[{"name":"","roles":["X"],"clearance":"Y","tokenSha256":"zz"}]}`
	if err := os.WriteFile(filepath.Join(dir, "t.json"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// refusals are command lines supplyeval refuses, with the first line of
// standard error in English (today's text, byte for byte) and in French.
var refusals = []struct {
	args   []string
	code   int
	en, fr string
}{
	{[]string{"frobnicate"}, 2,
		`supplyeval: unknown command "frobnicate"`,
		`supplyeval : commande inconnue : "frobnicate"`},
	{[]string{"serve", "--rate", "abc"}, 2,
		`supplyeval: serve: invalid value "abc" for flag -rate: parse error`,
		`supplyeval : serve : valeur "abc" non valide pour l'option -rate : valeur illisible`},
	{[]string{"serve", "--nope"}, 2,
		`supplyeval: serve: flag provided but not defined: -nope`,
		`supplyeval : serve : option inconnue : -nope`},
	{[]string{"serve", "--addr", "0.0.0.0:8080"}, 2,
		`supplyeval: --addr "0.0.0.0:8080": without --tokens there is no access control, so serve only listens on loopback addresses (127.0.0.1, ::1, localhost)`,
		`supplyeval : --addr "0.0.0.0:8080" : sans --tokens, aucun contrôle d'accès n'est assuré ; serve n'écoute donc que sur les adresses de boucle locale (127.0.0.1, ::1, localhost)`},
	{[]string{"serve", "--log-format", "xml"}, 2,
		`supplyeval: --log-format "xml": use json or console`,
		`supplyeval : --log-format "xml" : indiquez json ou console`},
	{[]string{"serve", "--tokens", "t.json"}, 2,
		`supplyeval: --tokens t.json: principals[0].name: a name of 1 to 128 characters is required`,
		`supplyeval : --tokens t.json : principals[0].name : un nom de 1 à 128 caractères est obligatoire`},
	{[]string{"serve", "--tokens", "none.json"}, 2,
		`supplyeval: --tokens: open none.json: no such file or directory`,
		`supplyeval : --tokens : impossible d'ouvrir none.json : fichier ou répertoire introuvable`},
	{[]string{"import", "--data", "d"}, 2,
		`supplyeval: import: name at least one FILE`,
		`supplyeval : import : indiquez au moins un FICHIER`},
	{[]string{"import", "--data", "d", "--mapping", "none.json", "x.csv"}, 1,
		`supplyeval: open none.json: no such file or directory`,
		`supplyeval : impossible d'ouvrir none.json : fichier ou répertoire introuvable`},
	{[]string{"import", "--server", "http://127.0.0.1:1", "x.csv"}, 1,
		`supplyeval: server http://127.0.0.1:1/graphql: Post "http://127.0.0.1:1/graphql": dial tcp 127.0.0.1:1: connect: connection refused`,
		`supplyeval : serveur http://127.0.0.1:1/graphql : la connexion est refusée : un serveur est-il en service à cette adresse ?`},
	{[]string{"report", "--cycle", "c", "--format", "xml"}, 2,
		`supplyeval: report: --format format: "xml" is not a report format (json, markdown or html)`,
		`supplyeval : report : --format "xml" n'est pas un format de rapport (json, markdown ou html)`},
	{[]string{"report", "--cycle", "c", "--data", "nodir"}, 1,
		`supplyeval: report: no data directory at nodir (pass --data)`,
		`supplyeval : report : aucun répertoire de données à l'emplacement nodir (indiquez --data)`},
	{[]string{"ingest-replay"}, 2,
		`supplyeval: ingest-replay: --bus is required (the NATS URL the primary's --bus names)`,
		`supplyeval : ingest-replay : --bus est obligatoire (l'adresse NATS que désigne --bus sur le serveur principal)`},
}

// TestRefusalsInFrench: with LANG=fr_FR.UTF-8 every refusal is one line
// in French naming the cause (a bad command line is followed by the
// French usage), with exit status 1 (2 for a bad command line), nothing
// on standard output and no stack trace.
func TestRefusalsInFrench(t *testing.T) {
	dir := refusalDir(t)
	for _, r := range refusals {
		code, out, errOut := runIn(t, dir, "fr_FR.UTF-8", r.args...)
		first, rest, _ := strings.Cut(errOut, "\n")
		if code != r.code || out != "" || first != r.fr {
			t.Errorf("LANG=fr_FR.UTF-8 supplyeval %v: exit %d, stdout %q, stderr:\n%s\nwant exit %d and\n%s", r.args, code, out, errOut, r.code, r.fr)
		}
		for _, english := range []string{"Usage:", " is ", " use ", "required", "unknown", "invalid value", "no such", "goroutine", "panic"} {
			if strings.Contains(errOut, english) {
				t.Errorf("LANG=fr_FR.UTF-8 supplyeval %v: %q in\n%s", r.args, english, errOut)
			}
		}
		if r.code == 2 && !strings.Contains(rest, "Utilisation :") {
			t.Errorf("LANG=fr_FR.UTF-8 supplyeval %v: no French usage after the refusal:\n%s", r.args, errOut)
		}
	}
	// Every line of the tokens file's refusal is French.
	_, _, errOut := runIn(t, dir, "fr_FR.UTF-8", "serve", "--tokens", "t.json")
	for _, want := range []string{`principals[0].clearance : "Y" n'est pas PUBLIC, RESTRICTED ou CONFIDENTIAL`,
		`principals[0].roles[0] : "X" n'est pas l'un des rôles`, `principals[0].tokenSha256 : 64 chiffres hexadécimaux`} {
		if !strings.Contains(errOut, "\n"+want) {
			t.Errorf("tokens file: no line %q in\n%s", want, errOut)
		}
	}
	// --lang fr on the command line does the same without LANG.
	code, _, errOut := runIn(t, dir, "C", "import", "--lang", "fr", "--data", "d")
	if code != 2 || !strings.HasPrefix(errOut, "supplyeval : import : indiquez au moins un FICHIER\n") {
		t.Errorf("--lang fr: exit %d\n%s", code, errOut)
	}
}

// TestRefusalsInEnglishUnchanged: the same refusals in English (LANG=C,
// or a language the catalogue lacks) are today's text byte for byte.
func TestRefusalsInEnglishUnchanged(t *testing.T) {
	dir := refusalDir(t)
	for _, lang := range []string{"C", "de_DE.UTF-8"} {
		for _, r := range refusals {
			code, out, errOut := runIn(t, dir, lang, r.args...)
			first, _, _ := strings.Cut(errOut, "\n")
			if code != r.code || out != "" || first != r.en {
				t.Errorf("LANG=%s supplyeval %v: exit %d, stdout %q, stderr:\n%s\nwant exit %d and\n%s", lang, r.args, code, out, errOut, r.code, r.en)
			}
			if r.code == 2 && !strings.HasSuffix(errOut, "\n\n"+i18n.EN.T("cli.usage")) {
				t.Errorf("LANG=%s supplyeval %v: no usage after the refusal:\n%s", lang, r.args, errOut)
			}
		}
	}
}

// importFiles writes a monthly file whose line 2 is good and line 3 has a
// month 13, and a mapping that defines what it needs.
func importFiles(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "prix.csv"), []byte("region,period,value\nNL33,2024-01,61.5\nNL33,2024-13,63\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := `{"indicator": "COC_PRICE",
	  "defineIndicators": [{"code": "COC_PRICE", "name": "Cocaine price", "family": "COST", "unit": "EUR/g", "granularity": "MONTH", "desiredDirection": "UP"}],
	  "defineRegions": [{"code": "NL", "name": "Nederland", "country": "NL", "level": "COUNTRY"},
	                    {"code": "NL33", "name": "Zuid-Holland", "country": "NL", "level": "NUTS2", "parent": "NL"}]}`
	if err := os.WriteFile(filepath.Join(dir, "m.json"), []byte(m), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestImportInFrench: import of a file with a good and a bad row, with
// LANG=fr_FR.UTF-8: the refusal, the rejected row (file:line kept) and
// the summary are French; check's findings too.
func TestImportInFrench(t *testing.T) {
	dir := importFiles(t)
	const fr = "fr_FR.UTF-8"
	code, out, errOut := runIn(t, dir, fr, "import", "--data", "d", "--mapping", "m.json", "prix.csv")
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	want := "supplyeval : prix.csv : 1 enregistrement sur 2 comporte des erreurs ; rien n'a été enregistré (corrigez-les, ou utilisez --skip-invalid " +
		"pour enregistrer 1 observation valide et écrire les autres dans prix.csv.rejects.csv) :"
	if code != 1 || out != "" || len(lines) != 2 || lines[0] != want {
		t.Fatalf("refused import: exit %d, stdout %q, stderr:\n%s\nwant first line\n%s", code, out, errOut, want)
	}
	row := lines[1]
	if !strings.HasPrefix(row, "  prix.csv:3 : colonne value : ") || !strings.HasSuffix(row, " [BAD_INPUT]") || !strings.Contains(row, "2024-13") {
		t.Errorf("rejected row: %q", row)
	}
	for _, english := range []string{"records", "recorded", "column", "period", "is not", "expected"} {
		if strings.Contains(errOut, english) {
			t.Errorf("English %q in the refusal:\n%s", english, errOut)
		}
	}

	code, out, errOut = runIn(t, dir, fr, "import", "--data", "d", "--mapping", "m.json", "--skip-invalid", "prix.csv")
	summary := regexp.MustCompile(`^prix\.csv : 2 enregistrements, 1 observation enregistrée en 1 lot, 0 déjà enregistrée, 0 cellule vide ignorée, ` +
		`1 enregistrement refusé \(voir prix\.csv\.rejects\.csv\) ; [0-9]+(,[0-9]+)? s \([0-9\x{202f}]+ lignes/s\) ; position [0-9]+\n$`)
	if code != 0 || !summary.MatchString(out) || errOut != "" {
		t.Errorf("import --skip-invalid: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, _ = runIn(t, dir, fr, "import", "--data", "d", "--mapping", "m.json", "--skip-invalid", "prix.csv")
	if code != 0 || !strings.HasPrefix(out, "prix.csv : 2 enregistrements, 0 observation enregistrée en 0 lot, 1 déjà enregistrée, 0 cellule vide ignorée, 1 enregistrement refusé") {
		t.Errorf("import again: exit %d, stdout %q", code, out)
	}

	code, out, errOut = runIn(t, dir, fr, "check", "--data", "d")
	if code != 0 || !strings.Contains(out, "journal d/events : intact : ") || !strings.Contains(out, "instantané series : intact à la position ") ||
		strings.Contains(out, " ok") || strings.Contains(out, "snapshot") {
		t.Errorf("check: exit %d, stdout:\n%s%s", code, out, errOut)
	}
}

// TestImportInEnglishUnchanged: the same import in English prints
// today's text byte for byte.
func TestImportInEnglishUnchanged(t *testing.T) {
	dir := importFiles(t)
	code, out, errOut := runIn(t, dir, "C", "import", "--data", "d", "--mapping", "m.json", "prix.csv")
	want := "supplyeval: prix.csv: 1 of 2 records have errors; nothing was recorded (fix them, or use --skip-invalid to record the 1 valid observations " +
		"and write the rest to prix.csv.rejects.csv):\n" +
		"  prix.csv:3: column value: period \"2024-13\" is not a month period (expected e.g. 2024-05, 2024M05 or 202405) [BAD_INPUT]\n"
	if code != 1 || out != "" || errOut != want {
		t.Fatalf("refused import: exit %d, stdout %q, stderr:\n%s\nwant\n%s", code, out, errOut, want)
	}
	code, out, errOut = runIn(t, dir, "C", "import", "--data", "d", "--mapping", "m.json", "--skip-invalid", "prix.csv")
	summary := regexp.MustCompile(`^prix\.csv: 2 records, 1 observations recorded in 1 batches, 0 already recorded, 0 empty cells skipped, ` +
		`1 rejected \(see prix\.csv\.rejects\.csv\); [0-9.]+(ms|µs|s) \([0-9]+ rows/s\); position [0-9]+\n$`)
	if code != 0 || !summary.MatchString(out) || errOut != "" {
		t.Errorf("import --skip-invalid: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, _ = runIn(t, dir, "C", "check", "--data", "d")
	if code != 0 || !regexp.MustCompile(`^log d/events: ok: [0-9]+ events in [0-9]+ streams, positions 1 to [0-9]+ without a gap, stream indexes agree\n`).MatchString(out) {
		t.Errorf("check: exit %d, stdout:\n%s", code, out)
	}
}

// TestImportProgressInFrench: the progress bar drawn on a terminal is in
// the language of the command.
func TestImportProgressInFrench(t *testing.T) {
	for _, c := range []struct {
		l    i18n.Lang
		want string
	}{{i18n.FR, "12\u202f345/12\u202f345 lignes, "}, {i18n.EN, "12345/12345 rows, "}} {
		var b bytes.Buffer
		var done atomic.Int64
		done.Store(12345)
		stop := startProgress(importOptions{progress: true, stderr: &b, lang: c.l}, "prix.csv", 12345, &done, time.Now().Add(-time.Second))
		stop()
		if !strings.HasPrefix(b.String(), "\rprix.csv [==============================] "+c.want) || strings.Contains(b.String(), "[cli.") {
			t.Errorf("%s: progress %q", c.l, b.String())
		}
	}
}

// TestErrorsInTheUserLanguage: errIn writes a keyed domain error through
// domain.MessageIn (with its field), keeps the words of a wrapper around
// it, writes joined errors one a line, and gives English unchanged.
func TestErrorsInTheUserLanguage(t *testing.T) {
	keyed := domain.Invalidm("code", "error.required")
	wrapped := fmt.Errorf("open store: %w", keyed)
	joined := errors.Join(errm("cli.err.data.required"), wrapped)
	for _, c := range []struct {
		err    error
		en, fr string
	}{
		{keyed, "code: is required", "code : est obligatoire"},
		{wrapped, "open store: code: is required", "open store: code : est obligatoire"},
		{errm("cli.err.at", "prix.csv", keyed), "prix.csv: code: is required", "prix.csv : code : est obligatoire"},
		{joined, "--data: a data directory is required\nopen store: code: is required",
			"--data : un répertoire de données est obligatoire\nopen store: code : est obligatoire"},
		{usage("cli.err.import.set", keyed), "--set: code: is required", "--set : code : est obligatoire"},
		{errors.New("plain"), "plain", "plain"},
	} {
		if got := errIn(c.err, i18n.EN); got != c.en || c.err.Error() != c.en {
			t.Errorf("English %q (Error %q), want %q", got, c.err.Error(), c.en)
		}
		if got := errIn(c.err, i18n.FR); got != c.fr {
			t.Errorf("French %q, want %q", got, c.fr)
		}
	}
	if !errors.Is(errm("cli.err.at", "x", keyed), keyed) {
		t.Error("errm does not wrap its error argument")
	}
}

// TestServerErrorKeepsItsMessageKey: an error of import --server that
// comes with messageKey and messageArgs is written in French when the key
// and arguments give back the server's English; else it stays English.
func TestServerErrorKeepsItsMessageKey(t *testing.T) {
	var e gqlError
	e.Extensions.MessageKey, e.Extensions.MessageArgs = "error.list.min", []any{float64(2)}
	m := e.msg("needs at least 2 entries")
	if m.IsZero() || i18n.FR.Render(m) != "doit contenir au moins 2 éléments" {
		t.Errorf("message %+v: %q", m, i18n.FR.Render(m))
	}
	if m := e.msg("needs at least 3 entries"); !m.IsZero() {
		t.Errorf("a message the key does not give back: %+v", m)
	}
}

// TestBoundaryImportInFrench: a boundary file with a feature naming an
// unknown region is refused in French, counted with the right forms, and
// --skip-invalid's summary is French; English is today's text.
func TestBoundaryImportInFrench(t *testing.T) {
	dir := importFiles(t)
	square := `[[[4.0,52.0],[4.5,52.0],[4.5,52.5],[4.0,52.5],[4.0,52.0]]]`
	geo := `{"type":"FeatureCollection","features":[` +
		`{"type":"Feature","properties":{"NUTS_ID":"NL33"},"geometry":{"type":"Polygon","coordinates":` + square + `}},` +
		`{"type":"Feature","properties":{"NUTS_ID":"XX99"},"geometry":{"type":"Polygon","coordinates":` + square + `}}]}`
	if err := os.WriteFile(filepath.Join(dir, "b.geojson"), []byte(geo), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runIn(t, dir, "C", "import", "--data", "d", "--mapping", "m.json", "--skip-invalid", "prix.csv"); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut := runIn(t, dir, "fr_FR.UTF-8", "import", "--data", "d", "b.geojson")
	want := "supplyeval : b.geojson : 1 entité sur 2 ne peut pas être enregistrée ; rien n'a été enregistré (corrigez-les, ou utilisez --skip-invalid " +
		"pour enregistrer 1 autre entité) :\n  b.geojson"
	if code != 1 || !strings.HasPrefix(errOut, want) || !strings.HasSuffix(errOut, " [NOT_FOUND]\n") {
		t.Errorf("refused: exit %d\n%s\nwant it to start\n%s", code, errOut, want)
	}
	code, _, errOut = runIn(t, dir, "C", "import", "--data", "d", "b.geojson")
	want = "supplyeval: b.geojson: 1 of 2 features cannot be recorded; nothing was recorded (fix them, or use --skip-invalid to record the 1 others):\n  b.geojson"
	if code != 1 || !strings.HasPrefix(errOut, want) {
		t.Errorf("refused in English: exit %d\n%s\nwant it to start\n%s", code, errOut, want)
	}
	code, out, errOut := runIn(t, dir, "fr_FR.UTF-8", "import", "--data", "d", "--skip-invalid", "b.geojson")
	if code != 0 || out != "b.geojson : 2 entités, 1 limite de région enregistrée (5 points simplifiés en 5), 1 ignorée\n" ||
		!strings.HasPrefix(errOut, "ignorée : b.geojson") {
		t.Errorf("--skip-invalid: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
