package graphql

import (
	"encoding/json"
	"sync"
	"sync/atomic"
)

// generations is what the answer cache needs from Positions: a number that
// changes whenever any read model changes (projections.Runner has it).
type generations interface {
	Generation() uint64
}

// responseCache keeps the encoded answers of read-only requests for the
// read models' current generation. A query's answer is a function of the
// request, the principal's access scope (roles and clearance) and the read models' state; the generation names
// that state exactly, so a hit is byte-for-byte what running the request
// again would give. Any change to the read models starts a new generation
// and empties the cache. An answer is stored only if the generation did
// not change while it was computed. Safe for concurrent use.
type responseCache struct {
	gens     generations
	maxBytes int

	hits, misses atomic.Uint64

	mu      sync.Mutex
	gen     uint64
	entries map[string]cachedAnswer
	size    int
}

// cachedAnswer is an encoded answer and the operation it answered (for
// metrics).
type cachedAnswer struct {
	body      []byte
	operation string
}

// maxEntryBytes keeps one huge answer from taking the whole cache.
const maxEntryBytes = 4 << 20

func newResponseCache(g generations, maxBytes int) *responseCache {
	return &responseCache{gens: g, maxBytes: maxBytes, entries: map[string]cachedAnswer{}}
}

func (c *responseCache) generation() uint64 { return c.gens.Generation() }

// key identifies a request for an access scope (Principal.Scope).
// Variables are re-encoded, so their key order does not matter.
func (c *responseCache) key(scope string, req Request) string {
	vars, _ := json.Marshal(req.Variables)
	return scope + "\x00" + req.OperationName + "\x00" + req.Query + "\x00" + string(vars)
}

func (c *responseCache) get(key string, gen uint64) (cachedAnswer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.entries[key]
	if gen != c.gen || !ok {
		c.misses.Add(1)
		return cachedAnswer{}, false
	}
	c.hits.Add(1)
	return a, true
}

// put stores body, computed at generation gen, if the read models are
// still at gen.
func (c *responseCache) put(key string, gen uint64, body []byte, operation string) {
	if len(body) > maxEntryBytes || len(body)+len(key) > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := c.gens.Generation(); now != gen {
		return // the read models moved while this answer was computed
	}
	if gen != c.gen {
		c.gen, c.entries, c.size = gen, map[string]cachedAnswer{}, 0
	}
	if _, ok := c.entries[key]; ok {
		return
	}
	for c.size+len(body)+len(key) > c.maxBytes && len(c.entries) > 0 {
		for k, v := range c.entries { // evict an arbitrary entry
			c.size -= len(k) + len(v.body)
			delete(c.entries, k)
			break
		}
	}
	c.entries[key] = cachedAnswer{body: body, operation: operation}
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
