package domain

import "context"

// LinkRegions records that two regions are neighbours. Links are
// symmetric and may cross borders; a pair may be linked once per kind.
type LinkRegions struct {
	A    string   `json:"a"`
	B    string   `json:"b"`
	Kind LinkKind `json:"kind"`
}

// CommandName returns "linkRegions".
func (LinkRegions) CommandName() string { return "linkRegions" }

// Validate checks the fields.
func (c LinkRegions) Validate() error {
	if err := checkCode("a", c.A); err != nil {
		return err
	}
	if err := checkCode("b", c.B); err != nil {
		return err
	}
	if c.A == c.B {
		return Invalidm("b", "domain.err.link.self", c.A)
	}
	if !c.Kind.Valid() {
		return enumError("kind", c.Kind, LinkKinds)
	}
	return nil
}

func (s *Service) linkRegions(ctx context.Context, env Envelope, c LinkRegions) (Result, error) {
	a, b := c.A, c.B
	fa, fb := "a", "b"
	if b < a {
		a, b, fa, fb = b, a, fb, fa
	}
	if _, err := s.lookupRegion(ctx, fb, b); err != nil {
		return Result{}, err
	}
	// The link is recorded on the stream of the lexically smaller code.
	return update(ctx, s, env, c, RegionStream(a), newRegion, func(r *region) ([]Event, error) {
		if !r.exists {
			return nil, Errorm(NotFound, fa, "domain.err.region.undefined", a)
		}
		if r.links[regionLink{b, c.Kind}] {
			return nil, Errorm(Conflict, "kind", "domain.err.link.exists", a, b, string(c.Kind))
		}
		return []Event{RegionsLinked{A: a, B: b, Kind: c.Kind}}, nil
	})
}
