package graphql

import (
	"context"
	"sync"

	"github.com/supplyeval/supplyeval/projections/report"
)

// reportCache keeps the last reports built, so that one cycle's report
// asked in several formats and languages (the web workspace's drafted
// findings read the JSON, its preview the HTML; downloads follow) is built
// once. A report is a function of the cycle, the principal's access scope
// (roles and clearance: what it may see, what is suppressed) and the state
// of the read models, which the runner's generation names (it changes with
// every event applied, a declassification or a finding included): an
// entry is used only while the generation is the one it was built at, and
// kept only if the generation did not move while it was built. Safe for
// concurrent use.
type reportCache struct {
	gens generations
	mu   sync.Mutex
	// entries holds at most reportCacheSize reports, the oldest first.
	entries []reportEntry
}

const reportCacheSize = 8

type reportKey struct {
	cycle, scope string
	gen          uint64
}

type reportEntry struct {
	key    reportKey
	report *report.Report
}

// build returns the report of cycle id for scope from the cache, or builds
// it with g.
func (c *reportCache) build(ctx context.Context, g *report.Generator, id, scope string) (*report.Report, error) {
	if c == nil {
		return g.Build(ctx, id)
	}
	key := reportKey{cycle: id, scope: scope, gen: c.gens.Generation()}
	c.mu.Lock()
	for _, e := range c.entries {
		if e.key == key {
			c.mu.Unlock()
			return e.report, nil
		}
	}
	c.mu.Unlock()
	r, err := g.Build(ctx, id)
	if err != nil || c.gens.Generation() != key.gen {
		return r, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Entries of older generations can never be used again.
	kept := c.entries[:0]
	for _, e := range c.entries {
		if e.key.gen == key.gen && e.key != key {
			kept = append(kept, e)
		}
	}
	c.entries = append(kept, reportEntry{key, r})
	if len(c.entries) > reportCacheSize {
		c.entries = c.entries[len(c.entries)-reportCacheSize:]
	}
	return r, nil
}
