// Package eventstore is the contract between supplyeval and the append-only
// log that is its single source of truth.
//
// Callers use the Store interface: append events to a stream with an
// expected version (optimistic concurrency), read a stream, read the whole
// log from a global position, subscribe to the whole log (catch-up, then
// live), and ask for the head position. Backends implement it:
//
//   - eventstore/embedded: the default, a durable log in one data directory
//     with no server;
//   - eventstore/kurrentdb: a KurrentDB (EventStoreDB line) cluster.
//
// Every backend runs the contract suite in eventstore/eventstoretest.
package eventstore
