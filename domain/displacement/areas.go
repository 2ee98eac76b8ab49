package displacement

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// Role is the part a region plays in a displacement analysis.
type Role string

// The roles of a region.
const (
	// RoleTarget: a region the intervention worked in.
	RoleTarget Role = "TARGET"
	// RoleBuffer: a region activity may have moved to (or benefits spread
	// to), usually a neighbour of a target.
	RoleBuffer Role = "BUFFER"
	// RoleControl: a region showing what would have happened in the targets
	// without the intervention.
	RoleControl Role = "CONTROL"
	// RoleBufferControl: a region showing what would have happened in the
	// buffer (the WDD's separate control for the displacement area).
	RoleBufferControl Role = "BUFFER_CONTROL"
)

// Roles lists every role, in the order results report them.
var Roles = []Role{RoleTarget, RoleBuffer, RoleControl, RoleBufferControl}

// field returns the input name of the role's region list.
func (r Role) field() string {
	switch r {
	case RoleTarget:
		return "target"
	case RoleBuffer:
		return "buffer"
	case RoleControl:
		return "control"
	case RoleBufferControl:
		return "bufferControl"
	}
	return strings.ToLower(string(r))
}

// Areas assigns regions to roles. BufferControl may be empty, in which case
// the buffer is compared with the control (Wheeler & Ratcliffe's separate
// control for the buffer then defaults to the target's).
type Areas struct {
	// Target, Buffer, Control and BufferControl hold region codes.
	Target, Buffer, Control, BufferControl []string
	// Derived lists the roles that [Graph.CompleteAreas] filled in rather
	// than the caller. A derived region without data for every period is
	// dropped (the result says so); a region the caller named is an error.
	Derived []Role
}

func (a Areas) list(r Role) []string {
	switch r {
	case RoleTarget:
		return a.Target
	case RoleBuffer:
		return a.Buffer
	case RoleControl:
		return a.Control
	case RoleBufferControl:
		return a.BufferControl
	}
	return nil
}

func (a Areas) derived(r Role) bool { return slices.Contains(a.Derived, r) }

// sharedControl reports whether the buffer is compared with the control
// itself: BufferControl empty or the same set as Control.
func (a Areas) sharedControl() bool {
	if len(a.BufferControl) == 0 {
		return true
	}
	if len(a.BufferControl) != len(a.Control) {
		return false
	}
	in := make(map[string]bool, len(a.Control))
	for _, c := range a.Control {
		in[c] = true
	}
	for _, c := range a.BufferControl {
		if !in[c] {
			return false
		}
	}
	return true
}

// Validate checks the assignment: target, buffer and control each hold at
// least one region; no code is empty or repeated within a role; target,
// buffer and control share no region; the buffer's control, when given,
// shares none with target or buffer and is either the control itself or
// disjoint from it. When g is not nil every region must be in it.
//
// It returns the problems found, each a *domain.Error (BAD_INPUT) naming
// the field ("buffer[2]"), joined with errors.Join; nil when there are none.
func (a Areas) Validate(g *Graph) error {
	var errs []error
	owner := map[string]Role{}
	for _, r := range Roles {
		codes := a.list(r)
		f := r.field()
		if len(codes) == 0 && r != RoleBufferControl {
			errs = append(errs, domain.Invalidm(f, "displacement.err.noregion"))
			continue
		}
		seen := make(map[string]int, len(codes))
		for i, c := range codes {
			fi := f + "[" + strconv.Itoa(i) + "]"
			switch {
			case c == "":
				errs = append(errs, domain.Invalidm(fi, "displacement.err.areas.code.empty"))
				continue
			case g != nil:
				if _, ok := g.Region(c); !ok {
					errs = append(errs, domain.Invalidm(fi, "displacement.err.areas.unknown", c))
				}
			}
			if j, dup := seen[c]; dup {
				errs = append(errs, domain.Invalidm(fi, "displacement.err.areas.twice", c, f, j))
				continue
			}
			seen[c] = i
			other, taken := owner[c]
			if !taken {
				owner[c] = r
				continue
			}
			if r == RoleBufferControl && other == RoleControl {
				continue // checked below: all or nothing
			}
			errs = append(errs, domain.Invalidm(fi, "displacement.err.areas.tworoles", c, other.field(), f))
		}
	}
	if len(a.BufferControl) > 0 && !a.sharedControl() {
		var common []string
		in := make(map[string]bool, len(a.Control))
		for _, c := range a.Control {
			in[c] = true
		}
		for _, c := range a.BufferControl {
			if in[c] {
				common = append(common, c)
			}
		}
		if len(common) > 0 {
			errs = append(errs, domain.Invalidm("bufferControl", "displacement.err.areas.buffercontrol", i18n.Strings(common)))
		}
	}
	return errors.Join(errs...)
}

// AreaOptions say how [Graph.CompleteAreas] fills in missing roles.
type AreaOptions struct {
	// Buffer says how far, and over which links, the buffer reaches from
	// the targets (default: one hop, every kind of link, across borders).
	Buffer NeighbourhoodOptions
	// BufferAnyLevel lets the buffer hold regions of any level. By default
	// it holds only regions of the targets' levels, so that nested regions
	// (a port and the NUTS-3 region around it) are not counted twice.
	BufferAnyLevel bool
}

// CompleteAreas returns given with its empty roles filled in from the
// graph, following DESIGN section 4: the targets must be given; the buffer
// defaults to the targets' neighbours (see opts); the control defaults to
// every other region of the targets' levels that is neither a target, nor
// in the buffer, nor a neighbour of a target, nor the buffer's control.
// A region the caller placed in the control or the buffer's control is left
// out of a derived buffer. BufferControl is left as given (empty means the
// control). The roles filled in are listed in Derived.
//
// It returns a *domain.Error (BAD_INPUT) when there are no targets, a
// region is unknown, the search options are invalid, a derived role comes
// out empty, or the completed areas fail [Areas.Validate].
func (g *Graph) CompleteAreas(given Areas, opts AreaOptions) (Areas, error) {
	out := Areas{
		Target:        slices.Clone(given.Target),
		Buffer:        slices.Clone(given.Buffer),
		Control:       slices.Clone(given.Control),
		BufferControl: slices.Clone(given.BufferControl),
		Derived:       slices.Clone(given.Derived),
	}
	if len(out.Target) == 0 {
		return Areas{}, domain.Invalidm("target", "displacement.err.complete.notarget")
	}
	reach, err := g.neighbourhood("target", out.Target, opts.Buffer)
	if err != nil {
		return Areas{}, err
	}
	levels := map[domain.RegionLevel]bool{}
	for _, t := range out.Target {
		r, _ := g.Region(t)
		levels[r.Level] = true
	}
	explicit := map[string]bool{}
	for _, c := range out.Control {
		explicit[c] = true
	}
	for _, c := range out.BufferControl {
		explicit[c] = true
	}

	if len(out.Buffer) == 0 {
		for _, rc := range reach {
			r, _ := g.Region(rc.Region)
			if (opts.BufferAnyLevel || levels[r.Level]) && !explicit[rc.Region] {
				out.Buffer = append(out.Buffer, rc.Region)
			}
		}
		if len(out.Buffer) == 0 {
			return Areas{}, domain.Invalidm("buffer", "displacement.err.complete.nobuffer", errSearch(opts))
		}
		slices.Sort(out.Buffer)
		out.Derived = appendRole(out.Derived, RoleBuffer)
	}

	if len(out.Control) == 0 {
		excluded := make(map[string]bool, len(out.Target)+len(out.Buffer)+len(reach)+len(out.BufferControl))
		for _, list := range [][]string{out.Target, out.Buffer, out.BufferControl} {
			for _, c := range list {
				excluded[c] = true
			}
		}
		for _, rc := range reach {
			excluded[rc.Region] = true
		}
		for _, r := range g.regions {
			if levels[r.Level] && !excluded[r.Code] {
				out.Control = append(out.Control, r.Code)
			}
		}
		if len(out.Control) == 0 {
			return Areas{}, domain.Invalidm("control", "displacement.err.complete.nocontrol")
		}
		slices.Sort(out.Control)
		out.Derived = appendRole(out.Derived, RoleControl)
	}
	if err := out.Validate(g); err != nil {
		return Areas{}, err
	}
	return out, nil
}

func appendRole(rs []Role, r Role) []Role {
	if slices.Contains(rs, r) {
		return rs
	}
	return append(rs, r)
}
