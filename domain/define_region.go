package domain

import "context"

// DefineRegion defines a region: a country, a NUTS region, a city or a port.
type DefineRegion struct {
	Code    string      `json:"code"`
	Name    string      `json:"name"`
	Country string      `json:"country"`
	Level   RegionLevel `json:"level"`
	Parent  string      `json:"parent,omitempty"`
}

// CommandName returns "defineRegion".
func (DefineRegion) CommandName() string { return "defineRegion" }

// Validate checks the fields.
func (c DefineRegion) Validate() error {
	if err := checkCode("code", c.Code); err != nil {
		return err
	}
	if err := checkText("name", c.Name, MaxNameLen, true); err != nil {
		return err
	}
	if err := checkCountry("country", c.Country); err != nil {
		return err
	}
	if !c.Level.Valid() {
		return enumError("level", c.Level, RegionLevels)
	}
	if c.Parent != "" {
		if err := checkCode("parent", c.Parent); err != nil {
			return err
		}
		if c.Parent == c.Code {
			return Invalidm("parent", "domain.err.region.ownparent")
		}
	}
	return nil
}

func (s *Service) defineRegion(ctx context.Context, env Envelope, c DefineRegion) (Result, error) {
	if c.Parent != "" {
		if _, err := s.lookupRegion(ctx, "parent", c.Parent); err != nil {
			return Result{}, err
		}
	}
	return update(ctx, s, env, c, RegionStream(c.Code), newRegion, func(r *region) ([]Event, error) {
		if r.exists {
			return nil, Errorm(Conflict, "code", "domain.err.region.exists", c.Code)
		}
		return []Event{RegionDefined(c)}, nil
	})
}
