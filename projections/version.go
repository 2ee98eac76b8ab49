package projections

import "sync/atomic"

// changeStamps numbers the changes of the read models that answer caches
// depend on (Series.Version, Catalog.Version). One counter for the whole
// process, only ever increasing: a version read before an answer was
// computed and found equal afterwards proves the state did not change in
// between, even if the model was replaced by a snapshot meanwhile.
var changeStamps atomic.Uint64

func nextStamp() uint64 { return changeStamps.Add(1) }

// regionKey names the series of one indicator in one region, whatever
// their breakdown.
type regionKey struct{ indicator, region string }
