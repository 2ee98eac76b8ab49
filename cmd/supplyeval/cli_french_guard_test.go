package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/i18n"
)

// guardCommands are command lines whose every line of output, help or
// refusal, the French guard reads: every command's help, bad flags, bad
// URLs, missing and bad files, bad period ranges, a report of a cycle
// that does not exist, an import of a file with errors, a check of a
// damaged store. They run in the directory guardDir makes.
var guardCommands = [][]string{
	{"--help"}, {"help"}, {"help", "serve"}, {"version"},
	{"serve", "--help"}, {"demo", "--help"}, {"import", "--help"}, {"report", "--help"},
	{"check", "--help"}, {"ingest-replay", "--help"}, {"probe", "--help"}, {"token", "--help"},
	{"frobnicate"},
	{"serve", "--nope"}, {"serve", "--rate", "abc"}, {"serve", "--burst", "99999999999999999999"}, {"serve", "--data"},
	{"serve", "--demo=maybe"}, {"serve", "--log-level", "loud"}, {"serve", "--log-format", "xml"},
	{"serve", "--addr", "0.0.0.0:8080"}, {"serve", "--min-free-mb", "-1"}, {"serve", "extra"},
	{"import", "--nope"}, {"report", "--nope"}, {"check", "--nope"}, {"token", "--nope"}, {"probe", "--nope"},
	{"demo", "--nope"}, {"ingest-replay", "--nope"},
	{"token"}, {"token", "--name", "n", "--roles", "X", "--clearance", "Y"},
	{"serve", "--period-range", "abc"}, {"serve", "--period-range", "2100:1900"},
	{"serve", "--period-range", "1000:3000"}, {"serve", "--period-range", "1900"},
	{"import", "--data", "d", "--period-range", "1:2", "x.csv"},
	{"serve", "--store", "foo://x"}, {"serve", "--store", "kurrentdb://"},
	{"serve", "--data", "sd", "--addr", "127.0.0.1:0", "--store", "kurrentdb://h:2113?tls=maybe"},
	{"serve", "--data", "sd", "--addr", "127.0.0.1:0", "--store", "kurrentdb://127.0.0.1:1?tls=false"},
	{"serve", "--bus", "http://x"}, {"serve", "--bus", "nats://h:4222?replicas=x"},
	{"serve", "--bus", "nats://h:4222?max-age=x"}, {"serve", "--bus", "nats://h:4222?max-bytes=x"},
	{"serve", "--bus", "nats://h:4222?prefix=a.b"}, {"serve", "--bus", "nats://h:4222?replicas=9"},
	{"serve", "--bus", "nats://h:4222?max-age=-1h"}, {"serve", "--bus", "nats://%zz"},
	{"serve", "--follow", "http://x"}, {"serve", "--follow", "nats://h", "--bus", "nats://h"},
	{"serve", "--data", "sd", "--addr", "127.0.0.1:0", "--bus", "nats://127.0.0.1:1"},
	{"serve", "--data", "sd", "--addr", "127.0.0.1:0", "--follow", "nats://127.0.0.1:1"},
	{"ingest-replay"}, {"ingest-replay", "--bus", "http://x"}, {"ingest-replay", "--bus", "nats://127.0.0.1:1"},
	{"probe", "--url", "http://127.0.0.1:1"},
	{"serve", "--tokens", "none.json"}, {"serve", "--tokens", "t.json"},
	{"import", "--data", "d"}, {"import", "--data", "d", "missing.csv"},
	{"import", "--data", "d", "--mapping", "none.json", "x.csv"},
	{"import", "--data", "d", "--mapping", "bad.json", "prix.csv"},
	{"import", "--data", "d", "--mapping", "badfield.json", "prix.csv"},
	{"import", "--data", "d", "--mapping", "badtype.json", "prix.csv"},
	{"import", "--data", "d", "--mapping", "badchar.json", "prix.csv"},
	{"import", "--data", "d", "--mapping", "m.json", "prix.csv"},
	{"import", "--server", "http://127.0.0.1:1", "prix.csv"},
	{"report", "--data", "d"}, {"report", "--cycle", "c", "--format", "xml"},
	{"report", "--cycle", "c", "--data", "nodir"},
	{"report", "--cycle", "nope", "--data", "d", "--log-level", "error"},
	{"check", "--data", "d"}, {"check", "--data", "dd"}, {"check", "--data", "inc"},
	{"import", "--data", "inc", "--mapping", "m.json", "prix.csv"},
	{"check", "--data", "prix.csv/x"}, {"import", "--data", "prix.csv/x", "--mapping", "m.json", "prix.csv"},
}

// guardDir makes the directory the guard's commands run in: a mapping
// and a monthly file whose line 3 is wrong (importFiles), mappings that
// are not JSON or name an unknown field, a tokens file with every
// mistake, a data directory d holding the file's good row, and dd, the
// same with its record at position 2 damaged, and inc, whose log has a
// data file but no manifest marker.
func guardDir(t *testing.T) string {
	dir := importFiles(t)
	for name, text := range map[string]string{
		"bad.json":      `{"indicator": `,
		"badfield.json": `{"indicator": "X", "nope": 1}`,
		"badtype.json":  `{"indicator": 5}`,
		"badchar.json":  `{"indicator": x}`,
		"t.json":        `{"principals":[{"name":"","roles":["X"],"clearance":"Y","tokenSha256":"zz"}]}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, data := range []string{"d", "dd"} {
		if code, out, errOut := runIn(t, dir, "C", "import", "--data", data, "--mapping", "m.json", "--skip-invalid", "--log-level", "error", "prix.csv"); code != 0 {
			t.Fatalf("import --data %s: exit %d\n%s%s", data, code, out, errOut)
		}
	}
	damageRecord(t, filepath.Join(dir, "dd"), 2)
	if err := os.MkdirAll(filepath.Join(dir, "inc", "events"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "inc", "events", "000001.sst"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "prix.csv.rejects.csv")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// englishWord finds the English function words a French line must not
// hold, and the words English refusals are made of (use, must, unknown...).
var englishWord = regexp.MustCompile(`(?i)\b(the|which|with|from|is|are|was|not|of|and|than|this|that|has|have|by|for|use|must|cannot|unknown|invalid|unexpected|expected|missing|required|does|did)\b`)

// allowedInFrench are what a French line may hold in English: JSON log
// lines (for operators, not the user's language), quoted user input and
// values ("..." and '...'), URLs, flag names (-name, --name, and the Go
// flag package's own names such as -h), file names and paths.
var allowedInFrench = []*regexp.Regexp{
	regexp.MustCompile(`(?m)^\{"level".*$`),
	regexp.MustCompile(`"(?:[^"\\]|\\.)*"`),
	regexp.MustCompile(`'[^'\s]*'`),
	regexp.MustCompile(`[a-z+]+://\S*`),
	regexp.MustCompile(`--?[a-zA-Z][a-zA-Z0-9-]*`),
	regexp.MustCompile(`\S*[./]\S+`),
}

// TestFrenchOutputHoldsNoEnglish runs every guard command with
// LANG=fr_FR.UTF-8 and fails on an English function word anywhere in its
// standard output and error, once what may stay English is taken out.
func TestFrenchOutputHoldsNoEnglish(t *testing.T) {
	dir := guardDir(t)
	for _, args := range guardCommands {
		_, out, errOut := runIn(t, dir, "fr_FR.UTF-8", args...)
		if strings.Contains(errOut, "panic:") || strings.Contains(errOut, "goroutine ") {
			t.Errorf("LANG=fr_FR.UTF-8 supplyeval %s panicked:\n%s", strings.Join(args, " "), errOut)
			continue
		}
		for _, text := range []string{out, errOut} {
			for _, line := range strings.Split(text, "\n") {
				s := line
				for _, re := range allowedInFrench {
					s = re.ReplaceAllString(s, " ")
				}
				if w := englishWord.FindString(s); w != "" {
					t.Errorf("LANG=fr_FR.UTF-8 supplyeval %s: English %q in\n%s", strings.Join(args, " "), w, line)
				}
			}
		}
	}
}

// englishGolden is the guard commands' output in English, captured from
// the binary before their causes came from the catalogue.
const englishGolden = "testdata/english_output.golden"

// TestEnglishOutputUnchanged runs every guard command with LANG=C and
// compares what it prints with englishGolden, byte for byte once the
// run's own values are taken out (log lines, the version, checksums,
// snapshots' positions, the KurrentDB client's words after the store's
// own). With
// SUPPLYEVAL_GOLDEN=BINARY it writes the golden from that binary instead.
func TestEnglishOutputUnchanged(t *testing.T) {
	if b := os.Getenv("SUPPLYEVAL_GOLDEN"); b != "" {
		saved := binary
		binary = b
		t.Cleanup(func() { binary = saved })
	}
	dir := guardDir(t)
	usage := i18n.EN.T("cli.usage")
	varying := []*regexp.Regexp{
		regexp.MustCompile(`(?m)^\{"level".*\n`),
		regexp.MustCompile(`\(devel\).*`),
		regexp.MustCompile(`stored [0-9a-f]{8}, computed [0-9a-f]{8}`),
		// Where import left each snapshot depends on timing.
		regexp.MustCompile(`(?m)(^snapshot \w+: ok at position )\d+`),
		// The KurrentDB client's own words vary from run to run.
		regexp.MustCompile(`the server did not answer for 5s: .*`),
	}
	var b strings.Builder
	for _, args := range guardCommands {
		code, out, errOut := runIn(t, dir, "C", args...)
		b.WriteString("=== supplyeval " + strings.Join(args, " ") + "\nexit " + strconv.Itoa(code) + "\n")
		for _, text := range []string{out, errOut} {
			text = strings.ReplaceAll(text, usage, "<usage>\n")
			for _, re := range varying {
				text = re.ReplaceAllString(text, "$1")
			}
			b.WriteString(text)
			b.WriteString("---\n")
		}
	}
	if os.Getenv("SUPPLYEVAL_GOLDEN") != "" {
		if err := os.WriteFile(englishGolden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(englishGolden)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("English output differs from %s at line %d:\n got %q\nwant %q", englishGolden, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("English output differs from %s in length: %d lines, want %d", englishGolden, len(gl), len(wl))
	}
}
