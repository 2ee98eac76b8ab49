package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// readmeSection returns the code blocks (language, text) of the README
// section whose heading starts with heading, and the section's text.
func readmeSection(t *testing.T, heading string) (blocks [][2]string, text string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, heading)
	if i < 0 {
		t.Fatalf("README has no section %q", heading)
	}
	s = s[i+len(heading):]
	if j := strings.Index(s, "\n#"); j >= 0 {
		s = s[:j]
	}
	for rest := s; ; {
		k := strings.Index(rest, "```")
		if k < 0 {
			break
		}
		rest = rest[k+3:]
		nl := strings.Index(rest, "\n")
		lang := rest[:nl]
		end := strings.Index(rest, "\n```")
		blocks = append(blocks, [2]string{lang, rest[nl+1 : end]})
		rest = rest[end+4:]
	}
	return blocks, s
}

// TestCardKruegerREADME runs the README's Card-Krueger worked example step
// by step (the import command, the node, each GraphQL request) and checks
// the answer against the figures the README states, which are the
// published ones (Card & Krueger 1994, Table 3 row 4: 2.75, SE 1.34).
func TestCardKruegerREADME(t *testing.T) {
	blocks, text := readmeSection(t, "### Worked example: Card and Krueger")
	data := t.TempDir()
	var url string
	var answer struct {
		Impact struct {
			Effect, SE, Low, High, PValue float64
			Inputs                        struct{ Regions, Comparison, Periods []string }
			Explanation                   string
		}
	}
	for _, b := range blocks {
		switch b[0] {
		case "sh":
			for _, line := range strings.Split(strings.TrimSpace(b[1]), "\n") {
				args := strings.Fields(line)
				if args[0] != "supplyeval" {
					t.Fatalf("README step %q is not a supplyeval command", line)
				}
				for i, a := range args {
					switch {
					case i > 0 && args[i-1] == "--data":
						args[i] = data
					case strings.HasPrefix(a, "cmd/supplyeval/"):
						args[i] = filepath.Join("..", "..", a)
					case strings.HasSuffix(a, ".csv"):
						args[i] = filepath.Join("testdata", "datasets", a)
					}
				}
				switch args[1] {
				case "import":
					if code, out, errOut := runCLI(t, args[1:]...); code != 0 {
						t.Fatalf("%s: exit %d\n%s%s", line, code, out, errOut)
					}
				case "serve": // the same node as serve, on a free port
					n, err := Open(context.Background(), Config{DataDir: data, Addr: "127.0.0.1:0", Logger: zerolog.Nop()})
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { n.Close() })
					url = "http://" + n.Addr() + "/graphql"
				default:
					t.Fatalf("README step %q: unexpected command", line)
				}
			}
		case "graphql":
			if url == "" {
				t.Fatal("a GraphQL step before the server is started")
			}
			var raw json.RawMessage
			gqlPost(t, url, b[1], nil, &raw)
			if strings.Contains(b[1], "impact(") {
				if err := json.Unmarshal(raw, &answer); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	m := regexp.MustCompile(`\*\*effect ([0-9.]+) FTE \(SE ([0-9.]+)\)\*\*`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("the README states no effect and SE")
	}
	effect, _ := strconv.ParseFloat(m[1], 64)
	se, _ := strconv.ParseFloat(m[2], 64)
	got := answer.Impact
	if math.Abs(got.Effect-effect) > 0.005 || math.Abs(got.SE-se) > 0.005 {
		t.Errorf("impact: effect %.4f (SE %.4f), the README says %s (SE %s)", got.Effect, got.SE, m[1], m[2])
	}
	// 331 New Jersey restaurants are targets, 309 with data in both waves
	// enter; 75 of Pennsylvania's 79 do (Card & Krueger's balanced sample).
	if len(got.Inputs.Regions) != 331 || len(got.Inputs.Comparison) != 75 || !strings.HasPrefix(got.Inputs.Regions[0], "NJ-") ||
		!strings.HasPrefix(got.Inputs.Comparison[0], "PA-") || strings.Join(got.Inputs.Periods, " ") != "1992-02 1992-11" {
		t.Errorf("regions %d (%v...), comparison %d, periods %v", len(got.Inputs.Regions), got.Inputs.Regions[:min(3, len(got.Inputs.Regions))], len(got.Inputs.Comparison), got.Inputs.Periods)
	}
	t.Logf("effect %.4f SE %.4f 95%% %.3f..%.3f p %.3g; %d NJ and %d PA restaurants; periods %v\n%s",
		got.Effect, got.SE, got.Low, got.High, got.PValue, len(got.Inputs.Regions), len(got.Inputs.Comparison), got.Inputs.Periods, got.Explanation)
}
