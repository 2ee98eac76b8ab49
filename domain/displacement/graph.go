package displacement

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/supplyeval/supplyeval/domain"
)

// Region is a node of the region graph.
type Region struct {
	// Code identifies the region (for example a NUTS code).
	Code string
	// Name is how explanations name it; empty means Code.
	Name string
	// Country is its ISO 3166-1 alpha-2 country, which decides whether a
	// link crosses a border.
	Country string
	// Level is its level; default controls and buffers keep to the
	// targets' level.
	Level domain.RegionLevel
}

func (r Region) label() string {
	if r.Name != "" {
		return r.Name
	}
	return r.Code
}

// Link is an undirected link between two regions (RegionsLinked): the
// graph holds it in both directions.
type Link struct {
	// A and B are the codes of the linked regions.
	A, B string
	// Kind is how they are linked.
	Kind domain.LinkKind
}

// Graph is an immutable, undirected multigraph of regions: two regions may
// be linked by several kinds of link. It is safe for concurrent use.
type Graph struct {
	index   map[string]int32
	regions []Region
	adj     [][]arc
}

type arc struct {
	to   int32
	kind domain.LinkKind
}

// NewGraph builds a graph from regions and the links between them.
//
// It returns a *domain.Error (BAD_INPUT) naming the entry at fault for an
// empty or repeated region code, a region without a country, a link to an
// unknown region or to itself, or an unknown link kind. A link given twice
// is kept once.
func NewGraph(regions []Region, links []Link) (*Graph, error) {
	g := &Graph{
		index:   make(map[string]int32, len(regions)),
		regions: make([]Region, len(regions)),
		adj:     make([][]arc, len(regions)),
	}
	copy(g.regions, regions)
	for i, r := range regions {
		f := "regions[" + strconv.Itoa(i) + "]"
		if r.Code == "" {
			return nil, domain.Invalidm(f+".code", "displacement.err.required")
		}
		if r.Country == "" {
			return nil, domain.Invalidm(f+".country", "displacement.err.graph.country", r.Code)
		}
		if j, dup := g.index[r.Code]; dup {
			return nil, domain.Invalidm(f+".code", "displacement.err.graph.twice", r.Code, j)
		}
		g.index[r.Code] = int32(i)
	}
	for i, l := range links {
		f := "links[" + strconv.Itoa(i) + "]"
		a, ok := g.index[l.A]
		if !ok {
			return nil, domain.Invalidm(f+".a", "displacement.err.graph.unknown", l.A)
		}
		b, ok := g.index[l.B]
		if !ok {
			return nil, domain.Invalidm(f+".b", "displacement.err.graph.unknown", l.B)
		}
		if a == b {
			return nil, domain.Invalidm(f+".b", "displacement.err.graph.self", l.B)
		}
		if !l.Kind.Valid() {
			return nil, domain.Invalidm(f+".kind", "displacement.err.linkkind", l.Kind)
		}
		g.adj[a] = append(g.adj[a], arc{b, l.Kind})
		g.adj[b] = append(g.adj[b], arc{a, l.Kind})
	}
	// Sort and deduplicate each adjacency list so that searches are
	// deterministic whatever the order of the links.
	for i := range g.adj {
		slices.SortFunc(g.adj[i], func(x, y arc) int {
			if c := cmp.Compare(g.regions[x.to].Code, g.regions[y.to].Code); c != 0 {
				return c
			}
			return cmp.Compare(x.kind, y.kind)
		})
		g.adj[i] = slices.Compact(g.adj[i])
	}
	return g, nil
}

// Len returns the number of regions.
func (g *Graph) Len() int { return len(g.regions) }

// Region returns the region with the given code.
func (g *Graph) Region(code string) (Region, bool) {
	i, ok := g.index[code]
	if !ok {
		return Region{}, false
	}
	return g.regions[i], true
}

// Neighbour is a region directly linked to another, and how.
type Neighbour struct {
	// Region is the neighbour's code.
	Region string
	// Kind is the kind of the link to it.
	Kind domain.LinkKind
}

// Neighbours returns the regions linked to code, sorted by code and kind;
// nil when code is unknown.
func (g *Graph) Neighbours(code string) []Neighbour {
	i, ok := g.index[code]
	if !ok {
		return nil
	}
	out := make([]Neighbour, len(g.adj[i]))
	for j, a := range g.adj[i] {
		out[j] = Neighbour{g.regions[a.to].Code, a.kind}
	}
	return out
}

// NeighbourhoodOptions say how far and over which links to search.
type NeighbourhoodOptions struct {
	// Hops is the greatest number of links from a seed; 0 means 1.
	Hops int
	// Kinds are the link kinds followed; empty means all.
	Kinds []domain.LinkKind
	// DomesticOnly, when set, follows no link between regions of different
	// countries. By default cross-border links are followed, since
	// Guideline 18 asks for displacement across borders to be watched.
	DomesticOnly bool
}

// Reach is one region found by [Graph.Neighbourhood].
type Reach struct {
	// Region is the code of the region reached.
	Region string
	// Hops is the number of links on a shortest path from a seed.
	Hops int
	// Seed is the seed at the start of that path. When several paths are
	// equally short, the one through regions earlier in code order wins.
	Seed string
	// From is the region just before this one on that path.
	From string
	// Via is the kind of the link from From.
	Via domain.LinkKind
	// CrossBorder is set when the region's country differs from the seed's.
	CrossBorder bool
}

// Neighbourhood returns the regions within opts.Hops links of any seed,
// following only links of opts.Kinds (and, with opts.DomesticOnly, only
// links within one country). Seeds themselves are not returned. The result
// is sorted by hops, then by code.
//
// It returns a *domain.Error (BAD_INPUT) for no seeds, an unknown or
// repeated seed ("seeds[i]"), a negative hop count or an unknown link kind.
func (g *Graph) Neighbourhood(seeds []string, opts NeighbourhoodOptions) ([]Reach, error) {
	return g.neighbourhood("seeds", seeds, opts)
}

func (g *Graph) neighbourhood(field string, seeds []string, opts NeighbourhoodOptions) ([]Reach, error) {
	if len(seeds) == 0 {
		return nil, domain.Invalidm(field, "displacement.err.noregion")
	}
	hops := opts.Hops
	if hops < 0 {
		return nil, domain.Invalidm("hops", "displacement.err.hops", hops)
	}
	if hops == 0 {
		hops = 1
	}
	var follow [8]bool // indexed by kindIndex
	if len(opts.Kinds) == 0 {
		for i := range follow {
			follow[i] = true
		}
	}
	for i, k := range opts.Kinds {
		ki := kindIndex(k)
		if ki < 0 {
			return nil, domain.Invalidm("kinds["+strconv.Itoa(i)+"]", "displacement.err.linkkind", k)
		}
		follow[ki] = true
	}

	// Multi-source breadth-first search. State per region: hops (-1 unseen),
	// seed, parent and link kind.
	n := len(g.regions)
	type state struct {
		hops         int32
		seed, parent int32
		kind         domain.LinkKind
	}
	st := make([]state, n)
	for i := range st {
		st[i].hops = -1
	}
	order := make([]int32, 0, len(seeds))
	for i, code := range seeds {
		idx, ok := g.index[code]
		if !ok {
			return nil, domain.Invalidm(field+"["+strconv.Itoa(i)+"]", "displacement.err.seed.unknown", code)
		}
		if st[idx].hops == 0 {
			return nil, domain.Invalidm(field+"["+strconv.Itoa(i)+"]", "displacement.err.seed.twice", code)
		}
		st[idx] = state{hops: 0, seed: idx, parent: -1}
		order = append(order, idx)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(g.regions[a].Code, g.regions[b].Code) })

	var found []Reach
	frontier := order
	for h := int32(1); h <= int32(hops) && len(frontier) > 0; h++ {
		var next []int32
		for _, u := range frontier {
			for _, a := range g.adj[u] {
				if !follow[kindIndex(a.kind)] || st[a.to].hops >= 0 {
					continue
				}
				if opts.DomesticOnly && g.regions[a.to].Country != g.regions[u].Country {
					continue
				}
				st[a.to] = state{hops: h, seed: st[u].seed, parent: u, kind: a.kind}
				next = append(next, a.to)
			}
		}
		// Within one hop, report in code order.
		slices.SortFunc(next, func(a, b int32) int { return cmp.Compare(g.regions[a].Code, g.regions[b].Code) })
		for _, v := range next {
			s := st[v]
			found = append(found, Reach{
				Region:      g.regions[v].Code,
				Hops:        int(s.hops),
				Seed:        g.regions[s.seed].Code,
				From:        g.regions[s.parent].Code,
				Via:         s.kind,
				CrossBorder: g.regions[v].Country != g.regions[s.seed].Country,
			})
		}
		frontier = next
	}
	return found, nil
}

// kindIndex maps a link kind to a small index, or -1 when unknown.
func kindIndex(k domain.LinkKind) int {
	switch k {
	case domain.LinkKindLandBorder:
		return 0
	case domain.LinkKindSeaRoute:
		return 1
	case domain.LinkKindAirRoute:
		return 2
	case domain.LinkKindRailRoad:
		return 3
	}
	return -1
}
