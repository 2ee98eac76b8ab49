package report

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain/impact"
	"github.com/supplyeval/supplyeval/i18n"
)

// TestTrendsSentence: a DiD estimate's sensitivity to parallel trends
// reads as one sentence beside it, in English and French, Markdown and
// HTML, with the breakdown value; estimates without one print nothing.
func TestTrendsSentence(t *testing.T) {
	r := &Report{}
	ims := []ImpactRow{{Name: "Seizures", Trends: trendsNote(&impact.Sensitivity{Breakdown: 1.4567})},
		{Name: "Arrests"}, {Name: "Calls", Trends: trendsNote(&impact.Sensitivity{Breakdown: math.Inf(1)})}}
	want := map[i18n.Lang][]string{
		i18n.EN: {"**Seizures** (Sensitivity to parallel trends): The conclusion holds unless post-period violations of parallel trends are more than 1.46 times", "**Calls**", "however large"},
		i18n.FR: {"**Seizures** (Sensibilité aux tendances parallèles): La conclusion tient", "1,46 fois le plus grand écart", "quelle que soit"},
	}
	for l, parts := range want {
		var b strings.Builder
		writeTrendsMD(func(f string, a ...any) { b.WriteString(fmt.Sprintf(f, a...)) }, r.words(l), impactTrends(ims))
		md := b.String()
		for _, p := range parts {
			if !strings.Contains(md, p) {
				t.Errorf("%s: %q missing from\n%s", l, p, md)
			}
		}
		if strings.Contains(md, "Arrests") {
			t.Errorf("%s: an estimate without sensitivity has a sentence:\n%s", l, md)
		}
		var h strings.Builder
		htmlTrends(func(f string, a ...any) { h.WriteString(fmt.Sprintf(f, a...)) }, r.words(l), impactTrends(ims))
		if strings.Count(h.String(), "<p class=\"note\">") != 2 {
			t.Errorf("%s: HTML %s", l, h.String())
		}
	}
}
