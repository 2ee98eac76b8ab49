package demo

// Scale is how an injected effect acts on a series.
type Scale string

const (
	// Additive: Value is added to the expected level from From on, in the
	// indicator's unit, and SlopeChange more each period after From
	// (Value + SlopeChange*(t - From)). This is b2 and b3 of a Gaussian
	// segmented regression, and the difference-in-differences effect when
	// SlopeChange is 0.
	Additive Scale = "ADDITIVE"
	// RateRatio: the expected count is multiplied by Value from From to
	// Until (exp(b2) of a log-link model). SlopeChange is always 0.
	RateRatio Scale = "RATE_RATIO"
)

// Role says whether an effect acts where the intervention was (TARGET) or
// around it (BUFFER: displacement or spill-over into neighbours).
type Role string

// The roles of an injected effect.
const (
	RoleTarget Role = "TARGET"
	RoleBuffer Role = "BUFFER"
)

// InjectedEffect is one known effect of an intervention on an indicator,
// the ground truth that evaluations of the demo world are checked against.
// A null effect (Value 0 on the Additive scale, 1 as a RateRatio) states
// that the intervention truly changed nothing there.
type InjectedEffect struct {
	// Intervention is the operation or policy change ID.
	Intervention string
	// Indicator is the indicator code.
	Indicator string
	// Role is TARGET or BUFFER.
	Role Role
	// Regions are the regions whose series carry the effect, all with the
	// same value.
	Regions []string
	// Comparison are the regions of the same level with a series of the
	// indicator that no injected effect touches from the first period of
	// the data to Until: valid controls for this effect.
	Comparison []string
	// Scale, Value and SlopeChange describe the effect (see Scale).
	Scale       Scale
	Value       float64
	SlopeChange float64
	// From is the first affected period: the first period that starts on or
	// after the operation's start or the policy's effective date.
	From string
	// Until is the last period of the truth window (inclusive): the last
	// affected period of a temporary effect, the end of the data for a
	// lasting one, and for a null effect the last period before another
	// intervention's effect reaches the same series.
	Until string
	// Note says in words what was injected.
	Note string
}

// Null reports whether the effect states that nothing changed.
func (e InjectedEffect) Null() bool {
	if e.Scale == RateRatio {
		return e.Value == 1
	}
	return e.Value == 0 && e.SlopeChange == 0
}

// Window is an inclusive range of periods.
type Window struct {
	From, To string
}

// InjectedDisplacement is the ground truth of displacement for one
// intervention and a count indicator whose desired direction is DOWN, with
// the measures of DESIGN.md section 4 computed from the expected
// (noise-free) counts over Before and After. An estimate from the
// generated counts should lie near Expected.
type InjectedDisplacement struct {
	Intervention string
	Indicator    string
	// Target are the regions the intervention acted on (R).
	Target []string
	// Buffer are the target's neighbours of the same level in the link
	// graph (D): the default buffer.
	Buffer []string
	// Displaced are the buffer regions that truly received displaced
	// activity (rate ratio BufferRatio); the other buffer regions are
	// unaffected.
	Displaced []string
	// Control are the regions of the same level that are neither target
	// nor buffer and that no injected effect touches up to After.To (C, and
	// the buffer's control Dc).
	Control []string
	// TargetRatio and BufferRatio are the injected rate ratios (1: none).
	TargetRatio, BufferRatio float64
	// Before and After are the windows Expected is computed over: the 12
	// periods before the first affected one, and up to 12 from it.
	Before, After Window
	// Expected holds the measures computed from the expected counts.
	Expected DisplacementMeasures
	// Reading says in words what a correct analysis concludes.
	Reading string
}

// DisplacementMeasures are the measures of Bowers & Johnson (2003) and
// Wheeler & Ratcliffe (2018) as DESIGN.md section 4 defines them, on sums
// over the regions of each role.
type DisplacementMeasures struct {
	// Success is R_a/C_a - R_b/C_b; negative: the target improved.
	Success float64
	// Buffer is D_a/C_a - D_b/C_b; positive: displacement.
	Buffer float64
	// WDQ is Buffer/Success; read only when WDQReadable (Success < 0 by an
	// injected reduction), 0 otherwise.
	WDQ         float64
	WDQReadable bool
	// TotalNetEffect is [R_b(C_a/C_b) - R_a] + [D_b(C_a/C_b) - D_a].
	TotalNetEffect float64
	// WDD is (R_a-R_b) - (C_a-C_b) + (D_a-D_b) - (C_a-C_b), with the
	// control as the buffer's control.
	WDD float64
}

// Series is one generated series with what produced it: the values
// recorded in the demo world, their expected values with the injected
// effects (Mean) and without them (Baseline, the true counterfactual).
// The slices are shared with the World and must not be modified.
type Series struct {
	Indicator string
	Region    string
	Periods   []string
	Values    []float64
	Mean      []float64
	Baseline  []float64
}
