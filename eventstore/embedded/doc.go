// Package embedded is the default eventstore.Store: a durable event log in
// one data directory, with no server.
package embedded
