// Package kurrentdb is the eventstore.Store backend on KurrentDB (the
// EventStoreDB line), for deployments that outgrow one machine: a 3-node
// KurrentDB cluster holds the log, and every supplyeval node keeps its own
// read models from a catch-up subscription to $all.
//
// # Client
//
// It uses github.com/kurrent-io/KurrentDB-Client-Go, the maintained
// successor of github.com/EventStore/EventStore-Client-Go (which gets no
// new releases). The two cannot be linked into one binary: both register
// the same protobuf files (event_store.client.streams and friends) with the
// global protobuf registry, and Go's protobuf runtime refuses a conflicting
// registration at init. So the project depends on the successor only.
//
// # Mapping of the store contract
//
//   - Expected versions map one to one: eventstore.Any to kurrentdb.Any,
//     NoStream to kurrentdb.NoStream, StreamExists to
//     kurrentdb.StreamExists, an exact version v to kurrentdb.Revision(v).
//     A refusal becomes an *eventstore.WrongVersionError whose Actual is the
//     server's current revision (as it reported it).
//   - Event IDs are sent as KurrentDB event IDs, so a retried append of the
//     same events with the same expectation is made idempotent by the
//     server.
//   - eventstore.Position is KurrentDB's commit position in the transaction
//     file. Events appended through gRPC without an explicit transaction
//     have commit position = prepare position, one per event, so positions
//     are strictly monotonic but not gap-free (they are byte offsets):
//     the contract suite runs with Features{GapFreePositions: false}.
//   - ReadAll and SubscribeAll skip system events (types or streams
//     starting with "$"): they are KurrentDB's bookkeeping, not
//     supplyeval's log. Head is the position of the last non-system event.
//   - A subscription that drops (leader change, network) resubscribes from
//     the position of the last event it delivered, with backoff, so the
//     consumer sees neither a gap nor a repeat.
//   - TLS, credentials, node preference and gossip seeds come from the
//     connection string (kurrentdb://user:pass@host:2113?tls=true, or the
//     esdb:// form), as the client parses it. The user must be allowed to
//     read $all (subscriptions and Head do), as admin and $ops members are.
//   - A multi-event append reads its last event back to answer with that
//     event's position: the server's append response gives the write's
//     position, which this adapter does not assume to be the last event's.
//
// # Tests
//
// The contract suite runs in `go test` against the adapter talking gRPC to
// kurrentdbtest.Server, a TEST DOUBLE of KurrentDB's streams service
// (package kurrentdbtest; it is not KurrentDB) backed by the embedded
// store; and against a real server when KURRENTDB_URL is set.
package kurrentdb
