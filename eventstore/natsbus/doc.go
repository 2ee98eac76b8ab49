// Package natsbus carries the log outward and observation batches inward
// over NATS JetStream, through watermill (DESIGN.md section 7):
//
//   - Forwarder tails the store with its own checkpoint (a file) and
//     publishes every event, in log order, on the events subject, as the
//     message eventstore.ToMessage makes of it (position, stream, version,
//     type in headers), with Nats-Msg-Id = the event ID so that JetStream
//     drops a republished event within the stream's duplicate window, and
//     Nats-Expected-Last-Sequence so that JetStream refuses anything that
//     would land out of order. On start it resumes after the greater of its
//     checkpoint and the stream's last event. There is no dual write: the
//     log is committed first, the forwarder follows it.
//   - NewReplicaSubscriber is a watermill message.Subscriber on the events
//     stream for a read replica: each projection gets its own ordered
//     consumer starting at the first event after the projection's
//     checkpoint, so the same projections.Runner that reads the local store
//     reads the forwarded events, a restarted replica resumes from its
//     snapshots' checkpoints, and a lost consumer is replaced from there.
//   - Ingest runs a watermill router on the ingest subject: each message is
//     a JSON batch of observations turned into a RecordObservations command
//     whose command ID derives from the message ID (the watermill UUID
//     header, else Nats-Msg-Id, else a hash of the payload), so a batch published
//     twice is recorded once. A batch that cannot be recorded goes to the
//     poison subject with the reason in its "reason_poisoned" header.
//
// Publisher is the watermill message.Publisher they use to publish: one
// Publish call sends its messages asynchronously and returns when
// JetStream has acknowledged them all. Subscriber is the watermill
// message.Subscriber they use to consume (see its doc for why not
// watermill-nats' own); both keep watermill-nats' header format.
//
// Subjects and streams derive from a prefix (Topology), so several
// deployments or test runs can share one NATS server. Delivery is at least
// once everywhere; consumers are idempotent (projections skip positions
// they have applied, commands are deduplicated by command ID).
package natsbus
