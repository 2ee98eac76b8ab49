package displacement

import (
	"math"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// WDQCounts are the six totals of the weighted displacement quotient:
// target (R), buffer (D) and control (C), before (b) and after (a) the
// intervention. They are counts, or averages for a Level indicator; none
// may be negative.
type WDQCounts struct {
	TargetBefore, TargetAfter   float64 // R_b, R_a
	BufferBefore, BufferAfter   float64 // D_b, D_a
	ControlBefore, ControlAfter float64 // C_b, C_a
}

// Category is the reading of a weighted displacement quotient, following
// the table of Guerette (2009, appendix C).
type Category string

// The readings of a WDQ. The quotient is read only after a success (a
// negative success measure); otherwise the reading is NotInterpretable.
const (
	// DiffusionExceedsEffect: WDQ > 1, the buffer improved by more than the
	// target itself.
	DiffusionExceedsEffect Category = "DIFFUSION_EXCEEDS_EFFECT"
	// Diffusion: 0 < WDQ <= 1, a diffusion of benefits to the buffer, no
	// larger than the direct effect.
	Diffusion Category = "DIFFUSION"
	// Neither: WDQ = 0, the buffer moved with the control.
	Neither Category = "NEITHER"
	// DisplacementSmaller: -1 <= WDQ < 0, displacement into the buffer that
	// is no larger than the direct effect, so a net benefit remains.
	DisplacementSmaller Category = "DISPLACEMENT_SMALLER_THAN_EFFECT"
	// DisplacementExceeds: WDQ < -1, displacement that exceeds the direct
	// effect.
	DisplacementExceeds Category = "DISPLACEMENT_EXCEEDS_EFFECT"
	// NotInterpretable: there was no success to weigh the buffer against,
	// or a count needed as a divisor is zero; WDQ.Reason says which.
	NotInterpretable Category = "NOT_INTERPRETABLE"
)

// DescribeMsg returns the reading in plain words as a message of the
// catalogue (Describe is its English).
func (c Category) DescribeMsg() i18n.Msg {
	switch c {
	case DiffusionExceedsEffect, Diffusion, Neither, DisplacementSmaller, DisplacementExceeds, NotInterpretable:
		return i18n.M("displacement.category." + string(c))
	}
	return i18n.M("displacement.category.other", string(c))
}

// Describe returns the reading in plain words.
func (c Category) Describe() string {
	switch c {
	case DiffusionExceedsEffect:
		return "diffusion of benefits greater than the direct effect: the buffer improved by more than the target did"
	case Diffusion:
		return "diffusion of benefits: the buffer also improved, by no more than the target did"
	case Neither:
		return "neither displacement nor diffusion: the buffer moved with the control"
	case DisplacementSmaller:
		return "displacement smaller than the direct effect: the buffer worsened relative to the control, but by less than the target improved, so a net benefit remains"
	case DisplacementExceeds:
		return "displacement exceeding the direct effect: the buffer worsened by more than the target improved, so the net effect is adverse"
	case NotInterpretable:
		return "not interpretable"
	}
	return string(c)
}

// WDQ is the weighted displacement quotient with the measures it is built
// from. Signed measures are oriented (see the package documentation): for a
// DOWN indicator they are the published measures; for an UP indicator they
// are computed on the sign-flipped indicator. A measure that cannot be
// computed because a divisor is zero is nil; Quotient is nil unless the
// category is interpretable.
type WDQ struct {
	// Counts are the inputs.
	Counts WDQCounts
	// Orientation is +1 for a DOWN indicator and -1 for an UP one.
	Orientation float64
	// GrossEffect is R_b - R_a (oriented): positive is a change in the
	// desired direction in the target.
	GrossEffect float64
	// NetEffect is R_b/C_b - R_a/C_a (oriented), the negated success measure.
	NetEffect *float64
	// SuccessMeasure is R_a/C_a - R_b/C_b (oriented): negative is success.
	SuccessMeasure *float64
	// BufferMeasure is D_a/C_a - D_b/C_b (oriented): positive suggests
	// displacement, negative diffusion of benefits.
	BufferMeasure *float64
	// Quotient is BufferMeasure / SuccessMeasure.
	Quotient *float64
	// TotalNetEffect is [R_b(C_a/C_b) - R_a] + [D_b(C_a/C_b) - D_a]
	// (oriented): the change in the desired direction beyond the control
	// trend, in the indicator's units, over target and buffer together.
	TotalNetEffect *float64
	// Category is the reading of Quotient.
	Category Category
	// Reason says why the category is NotInterpretable; empty otherwise.
	// It is the English rendering of ReasonMsg.
	Reason string
	// ReasonMsg is Reason as a message of the catalogue.
	ReasonMsg i18n.Msg `json:"-"`
}

// ratioTol is the relative size below which a difference of two ratios is
// taken as zero (it is then rounding noise, not a change).
const ratioTol = 1e-12

// WeightedDisplacementQuotient computes the WDQ of Bowers & Johnson (2003)
// as set out by Guerette (2009), for an indicator the intervention means to
// move in direction desired (DOWN or UP; see the package documentation for
// UP).
//
// It returns a *domain.Error (BAD_INPUT) for a negative or non-finite count
// or a direction other than UP or DOWN. Zero counts are not errors: the
// measures that would divide by them are nil and the category is
// NotInterpretable with the reason.
func WeightedDisplacementQuotient(c WDQCounts, desired domain.Direction) (WDQ, error) {
	s, err := orientation("direction", desired)
	if err != nil {
		return WDQ{}, err
	}
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"targetBefore", c.TargetBefore}, {"targetAfter", c.TargetAfter},
		{"bufferBefore", c.BufferBefore}, {"bufferAfter", c.BufferAfter},
		{"controlBefore", c.ControlBefore}, {"controlAfter", c.ControlAfter},
	} {
		if err := checkCount("counts."+f.name, f.v); err != nil {
			return WDQ{}, err
		}
	}
	w := WDQ{Counts: c, Orientation: s, GrossEffect: clean(s * (c.TargetBefore - c.TargetAfter))}

	if c.ControlBefore > 0 {
		k := c.ControlAfter / c.ControlBefore
		tne := clean(s * ((c.TargetBefore*k - c.TargetAfter) + (c.BufferBefore*k - c.BufferAfter)))
		if finite(tne) {
			w.TotalNetEffect = ptr(tne)
		}
	}
	if c.ControlBefore > 0 && c.ControlAfter > 0 {
		success := s * diffRatio(c.TargetAfter/c.ControlAfter, c.TargetBefore/c.ControlBefore)
		buffer := s * diffRatio(c.BufferAfter/c.ControlAfter, c.BufferBefore/c.ControlBefore)
		if finite(success) && finite(buffer) {
			w.SuccessMeasure, w.BufferMeasure, w.NetEffect = ptr(clean(success)), ptr(clean(buffer)), ptr(clean(-success))
		}
	}

	w.Category, w.Reason = NotInterpretable, ""
	var why i18n.Msg
	switch {
	case c.ControlBefore == 0:
		why = i18n.M("displacement.wdq.nocontrol.before")
	case c.ControlAfter == 0:
		why = i18n.M("displacement.wdq.nocontrol.after")
	case w.SuccessMeasure == nil:
		why = i18n.M("displacement.wdq.overflow")
	case c.TargetBefore == 0 && c.TargetAfter == 0:
		why = i18n.M("displacement.wdq.notarget")
	case s > 0 && c.TargetBefore == 0:
		why = i18n.M("displacement.wdq.notarget.before")
	case *w.SuccessMeasure == 0:
		why = i18n.M("displacement.wdq.nochange")
	case *w.SuccessMeasure > 0:
		why = i18n.M("displacement.wdq.nosuccess", i18n.Num(fmtRatio, *w.SuccessMeasure))
	default:
		q := *w.BufferMeasure / *w.SuccessMeasure
		if !finite(q) {
			why = i18n.M("displacement.wdq.tiny")
			break
		}
		w.Quotient = ptr(clean(q))
		w.Category = categorise(q)
	}
	if !why.IsZero() {
		w.ReasonMsg, w.Reason = why, i18n.EN.Render(why)
	}
	return w, nil
}

// categorise reads an interpretable quotient (Guerette 2009, appendix C).
func categorise(q float64) Category {
	switch {
	case q > 1:
		return DiffusionExceedsEffect
	case q > 0:
		return Diffusion
	case q == 0:
		return Neither
	case q >= -1:
		return DisplacementSmaller
	default:
		return DisplacementExceeds
	}
}

// diffRatio returns after - before, or exactly 0 when the two differ only
// by rounding.
func diffRatio(after, before float64) float64 {
	d := after - before
	if math.Abs(d) <= ratioTol*math.Max(math.Abs(after), math.Abs(before)) {
		return 0
	}
	return d
}

func ptr(v float64) *float64 { return &v }

// clean turns a negative zero into zero, so that results print as 0.
func clean(v float64) float64 {
	if v == 0 {
		return 0
	}
	return v
}
