package domain

import "time"

// policy is the aggregate of stream policy-{id}.
type policy struct {
	commandLog
	adopted   PolicyChangeAdopted
	exists    bool
	effective time.Time
	repealed  bool
	repealOn  string
}

func newPolicy() *policy { return &policy{} }

func (p *policy) apply(rec Recorded) error {
	switch e := rec.Event.(type) {
	case PolicyChangeAdopted:
		p.adopted, p.exists = e, true
		p.effective, _ = ParseDate(e.Effective)
	case PolicyChangeAmended:
		if e.Effective != "" {
			p.adopted.Effective = e.Effective
			p.effective, _ = ParseDate(e.Effective)
		}
	case PolicyChangeRepealed:
		p.repealed, p.repealOn = true, e.Effective
	}
	return nil
}

func policyMustExist(p *policy, id string) error {
	if !p.exists {
		return Errorm(NotFound, "id", "domain.err.policy.notadopted", id)
	}
	return nil
}

func checkExpectedEffects(field string, effects []ExpectedEffect) error {
	if len(effects) > 50 {
		return Invalidm(field, "error.list.max", 50)
	}
	for i, e := range effects {
		f := field + "[" + itoa(i) + "]"
		if !e.Family.Valid() {
			return enumError(f+".family", e.Family, Families)
		}
		if !e.Direction.Valid() {
			return enumError(f+".direction", e.Direction, Directions)
		}
	}
	return nil
}
