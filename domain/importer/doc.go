// Package importer turns published indicator tables into validated
// observation rows: CSV (long or wide), SDMX-CSV as Eurostat publishes it,
// and JSON lines. A Mapping says which columns hold the indicator, region,
// period, value and dimensions, and how to normalise region codes and
// period spellings (1989.0 -> 1989, 2024M05 -> 2024-05, 2024Q2 -> 2024-Q2).
//
// The package is pure: it reads only the io.Reader it is given and asks a
// Catalog what exists. Every rejected row is a *RowError naming the file,
// line and column and saying why, so that a caller can refuse a whole file
// or set the bad rows aside. Reconcile compares rows with what is already
// recorded (same value: nothing to do; another value: a conflict), and
// Batches and CommandID cut the rest into deterministic commands, so that
// importing the same file twice, or again after an interruption, records
// each observation once.
package importer
