package graphql_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestTimelineClearance checks the timeline query: exposures as target,
// through the hierarchy and through a link, operations above the reader's
// clearance left out (for the region and for its neighbours), the public
// served, and bad input refused naming the field.
func TestTimelineClearance(t *testing.T) {
	a := newAuthAPI(t)
	q := `{ timeline(region: "%s") { intervention { id title } role from to via } }`
	line := func(d map[string]any) string {
		var parts []string
		for _, x := range d["timeline"].([]any) {
			e := x.(map[string]any)
			iv := e["intervention"].(map[string]any)
			parts = append(parts, fmt.Sprintf("%s %s %v", iv["id"], e["role"], e["from"]))
		}
		return strings.Join(parts, "; ")
	}
	cases := []struct{ token, region, want string }{
		{"public", "NLRTM", "op-rtm TARGET 2018-01-01; pol-prec PARENT 2019-07-01"},
		{"strategy-pub", "NLRTM", "op-rtm TARGET 2018-01-01; pol-prec PARENT 2019-07-01"},
		{"analyst-res", "NLRTM", "op-rtm TARGET 2018-01-01; op-res TARGET 2019-01-01; pol-prec PARENT 2019-07-01"},
		{"analyst-conf", "NLRTM", "op-rtm TARGET 2018-01-01; op-res TARGET 2019-01-01; pol-prec PARENT 2019-07-01; op-conf TARGET 2020-01-01"},
		{"analyst-res", "BEANR", "op-rtm NEIGHBOUR 2018-01-01; op-res NEIGHBOUR 2019-01-01"},
		{"analyst-conf", "BEANR", "op-rtm NEIGHBOUR 2018-01-01; op-res NEIGHBOUR 2019-01-01; op-conf NEIGHBOUR 2020-01-01"},
	}
	for _, c := range cases {
		d := a.as(c.token, fmt.Sprintf(q, c.region), nil).mustOK(t)
		if got := line(d); got != c.want {
			t.Errorf("%s, %s: got %q, want %q", c.token, c.region, got, c.want)
		}
	}
	d := a.as("analyst-conf", `{ timeline(region: "NLRTM", to: "2018-12-31") { intervention { id } role from } }`, nil).mustOK(t)
	if got := line(d); got != "op-rtm TARGET 2018-01-01" {
		t.Errorf("window to 2018-12-31: got %q", got)
	}
	r := a.as("analyst-conf", `{ timeline(region: "NLRTM", from: "2020-02-30") { role } }`, nil)
	r.mustFail(t, "BAD_INPUT")
	if !strings.Contains(r.Errors[0].Message, "from") {
		t.Errorf("bad from: %q does not name the field", r.Errors[0].Message)
	}
	a.as("analyst-conf", `{ timeline(region: "NLRTM", from: "2021-01-01", to: "2020-01-01") { role } }`, nil).mustFail(t, "BAD_INPUT")
	a.as("analyst-conf", `{ timeline(region: "XX99") { role } }`, nil).mustFail(t, "NOT_FOUND")
}
