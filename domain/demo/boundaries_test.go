package demo

import (
	"testing"

	"github.com/supplyeval/supplyeval/domain"
)

// TestEveryRegionHasAValidOutline: each region of the demo world gets a
// boundary step that validates, and no outline names a region the demo
// does not define.
func TestEveryRegionHasAValidOutline(t *testing.T) {
	w, err := Generate(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defined, outlined := map[string]bool{}, map[string]bool{}
	for _, s := range w.Steps {
		switch c := s.Command.(type) {
		case domain.DefineRegion:
			defined[c.Code] = true
		case domain.DefineRegionBoundary:
			if !defined[c.Region] {
				t.Errorf("boundary of %s before (or without) its definition", c.Region)
			}
			if err := c.Validate(); err != nil {
				t.Errorf("%s: %v", c.Region, err)
			}
			outlined[c.Region] = true
		}
	}
	for code := range defined {
		if !outlined[code] {
			t.Errorf("region %s has no outline", code)
		}
	}
	for code := range outlines {
		if !defined[code] {
			t.Errorf("outline of %s, which the demo does not define", code)
		}
	}
}
