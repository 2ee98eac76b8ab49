package graphql

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"

	"github.com/graphql-go/graphql/language/ast"

	"github.com/supplyeval/supplyeval/projections"
)

// generations is what the answer cache needs from Positions: a number that
// changes whenever any read model changes (projections.Runner has it).
type generations interface {
	Generation() uint64
}

// responseCache keeps the encoded answers of read-only requests. A query's
// answer is a function of the request, the principal's access scope (roles
// and clearance) and the state of what it read; each answer is kept with
// what it read (a readSet): for a query made only of `series` fields, the
// versions of the series it read (by indicator and region) and of the
// catalogue; for any other query, the read models' generation, which
// changes with every event applied. An answer is served only while what it
// read is unchanged, so a hit is byte-for-byte what running the request
// again would give, and a write to another series leaves it in place. An
// answer is stored only if what it read did not change while it was
// computed. Safe for concurrent use.
type responseCache struct {
	gens     generations
	catalog  *projections.Catalog
	series   *projections.Series
	maxBytes int

	hits, misses atomic.Uint64

	mu      sync.Mutex
	entries map[string]cachedAnswer
	size    int
}

// cachedAnswer is an encoded answer, the operation it answered (for
// metrics) and what it read.
type cachedAnswer struct {
	body      []byte
	operation string
	read      dependency
}

// maxEntryBytes keeps one huge answer from taking the whole cache.
const maxEntryBytes = 4 << 20

func newResponseCache(g generations, catalog *projections.Catalog, series *projections.Series, maxBytes int) *responseCache {
	return &responseCache{gens: g, catalog: catalog, series: series, maxBytes: maxBytes, entries: map[string]cachedAnswer{}}
}

// seriesVersion is the version of the series of one indicator in one
// region that an answer read (projections.Series.Version).
type seriesVersion struct {
	indicator, region string
	version           uint64
}

// dependency is what an answer read: everything (all: the read models'
// generation gen), or the catalogue at version catalog and the series
// listed.
type dependency struct {
	all     bool
	gen     uint64
	catalog uint64
	series  []seriesVersion
}

// current reports whether what d read is unchanged.
func (c *responseCache) current(d dependency) bool {
	if d.all {
		return c.gens.Generation() == d.gen
	}
	if c.catalog.Version() != d.catalog {
		return false
	}
	for _, sv := range d.series {
		if c.series.Version(sv.indicator, sv.region) != sv.version {
			return false
		}
	}
	return true
}

// readSet collects what one request reads, for the cache. Versions are
// noted before the values they cover are read, so an answer whose
// versions are still current when it is stored was computed from exactly
// that state.
type readSet struct {
	series *projections.Series

	mu  sync.Mutex
	dep dependency
}

type readSetKey struct{}

// begin starts the read set of a request: the generation and the
// catalogue's version are taken now, before anything is read.
func (c *responseCache) begin(ctx context.Context) (context.Context, *readSet) {
	rs := &readSet{series: c.series, dep: dependency{gen: c.gens.Generation(), catalog: c.catalog.Version()}}
	return context.WithValue(ctx, readSetKey{}, rs), rs
}

// readsEverything notes that the request of ctx depends on all the read
// models (it reads something no finer version covers).
func readsEverything(ctx context.Context) {
	if rs, ok := ctx.Value(readSetKey{}).(*readSet); ok {
		rs.mu.Lock()
		rs.dep.all = true
		rs.mu.Unlock()
	}
}

// readsSeries notes, before they are read, that the request of ctx reads
// the series of indicator in region.
func readsSeries(ctx context.Context, indicator, region string) {
	rs, ok := ctx.Value(readSetKey{}).(*readSet)
	if !ok {
		return
	}
	v := rs.series.Version(indicator, region)
	rs.mu.Lock()
	rs.dep.series = append(rs.dep.series, seriesVersion{indicator, region, v})
	rs.mu.Unlock()
}

func (rs *readSet) dependency() dependency {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	d := rs.dep
	d.series = append([]seriesVersion(nil), d.series...)
	return d
}

// onlySeries reports whether the operation opName of doc is made only of
// `series` fields, whose answers depend on the series they read and the
// catalogue alone (a Series' asOf field without an asOf argument is the
// latest position: its resolver notes that it reads everything).
func onlySeries(doc *ast.Document, opName string) bool {
	op := operation(doc, opName)
	if op == nil || op.Operation != ast.OperationTypeQuery || op.SelectionSet == nil {
		return false
	}
	for _, sel := range op.SelectionSet.Selections {
		f, ok := sel.(*ast.Field)
		if !ok || f.Name == nil || f.Name.Value != "series" {
			return false
		}
	}
	return true
}

// operation returns the operation of doc that opName selects (the only
// one when opName is empty), or nil.
func operation(doc *ast.Document, opName string) *ast.OperationDefinition {
	var found *ast.OperationDefinition
	for _, d := range doc.Definitions {
		op, ok := d.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		if opName == "" {
			if found != nil {
				return nil
			}
			found = op
			continue
		}
		if op.Name != nil && op.Name.Value == opName {
			return op
		}
	}
	return found
}

// key identifies a request for an access scope (Principal.Scope).
// Variables are re-encoded, so their key order does not matter.
func (c *responseCache) key(scope string, req Request) string {
	vars, _ := json.Marshal(req.Variables)
	return scope + "\x00" + req.OperationName + "\x00" + req.Query + "\x00" + string(vars)
}

// get returns the answer kept for key if what it read is unchanged.
func (c *responseCache) get(key string) (cachedAnswer, bool) {
	c.mu.Lock()
	a, ok := c.entries[key]
	c.mu.Unlock()
	if ok && c.current(a.read) {
		c.hits.Add(1)
		return a, true
	}
	if ok {
		c.mu.Lock()
		if b, still := c.entries[key]; still && &b.body[0] == &a.body[0] {
			delete(c.entries, key)
			c.size -= len(key) + len(a.body)
		}
		c.mu.Unlock()
	}
	c.misses.Add(1)
	return cachedAnswer{}, false
}

// put keeps body, computed from what read names, if that is unchanged.
func (c *responseCache) put(key string, read dependency, body []byte, operation string) {
	if len(body) == 0 || len(body) > maxEntryBytes || len(body)+len(key) > c.maxBytes {
		return
	}
	if !c.current(read) {
		return // what the answer read moved while it was computed
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[key]; ok {
		c.size -= len(key) + len(old.body)
		delete(c.entries, key)
	}
	for c.size+len(body)+len(key) > c.maxBytes && len(c.entries) > 0 {
		for k, v := range c.entries { // evict an arbitrary entry
			c.size -= len(k) + len(v.body)
			delete(c.entries, k)
			break
		}
	}
	c.entries[key] = cachedAnswer{body: body, operation: operation, read: read}
	c.size += len(key) + len(body)
}

// CacheStats returns how many read-only requests the answer cache served
// (hits) and how many it had to compute (misses) since the server
// started; both 0 without a cache.
func (s *Server) CacheStats() (hits, misses uint64) {
	if s.cache == nil {
		return 0, 0
	}
	return s.cache.hits.Load(), s.cache.misses.Load()
}
