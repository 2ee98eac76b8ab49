package graphql

// Variant returns a copy of s that answers without the answer cache,
// through the series fast path when fast is true (calling onFast for each
// request it answers) and through graphql-go's executor only otherwise.
func Variant(s *Server, fast bool, onFast func()) *Server {
	c := &Server{cfg: s.cfg, schema: s.schema, eval: s.eval, cycleT: s.cycleT, shape: s.shape}
	c.noFastPath, c.onFast = !fast, onFast
	return c
}
