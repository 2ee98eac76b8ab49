package projections_test

// quality is a finding's evidence quality, given.
func quality(n int) *int { return &n }
