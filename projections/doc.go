// Package projections holds supplyeval's read models and the runner that
// feeds them from the log.
//
// Each read model (Catalog, Series, Interventions, Cycles, Provenance) is a
// Projection: it is fed every event of the log in order through a watermill
// Router (one consumer per projection, on the event store's checkpointed
// subscription), keeps its own checkpoint, and can be snapshotted with that checkpoint so
// that a restart resumes from the snapshot instead of replaying the log.
// The read models live in memory and answer queries under a read lock;
// queries "as of" a position use the revision history kept per point.
package projections
