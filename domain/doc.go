// Package domain holds what supplyeval knows about drug-supply
// interventions and their evaluation, free of any storage or transport:
// the event catalogue, the commands with their validation, the aggregates
// that decide which events a command produces, and the error vocabulary.
//
// Sub-packages hold the statistical methods as pure functions over series
// (impact over time, displacement between regions). Nothing under domain/
// imports an adapter (event store, GraphQL, bus, driver).
package domain
