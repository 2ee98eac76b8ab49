// Package report builds the report of an evaluation cycle (Guideline 21)
// from the read models, and renders it as JSON, Markdown or one
// self-contained HTML file with inline SVG charts.
//
// A report is read at one log position: the cycle's pinned evidence, or,
// for an open cycle that has not pinned any, the read models' position at
// the time of asking, labelled as a preview. Everything else in it is a
// function of that position and of the cycle's own record: the impact
// estimates and displacement analyses come from projections/evaluate (the
// same code, with the same inputs, as the impact and displacement
// queries), regions, indicators and interventions are listed in a fixed
// order, floats are formatted with a fixed number of significant digits,
// and the time the report states is the recorded time of the event at its
// position (never the wall clock). So regenerating a closed cycle's report
// after new data and revisions gives the same bytes.
//
// One limit: the catalogue read model keeps no history, so the evaluator
// reads regions and links as they are now. Indicators defined after the
// position are left out, and data recorded after it are invisible, but a
// region link recorded after the pin can change a displacement buffer (and
// so a closed cycle's report). Links are rare and deliberate; a catalogue
// with asOf would close the gap.
//
// The package lives beside the read models, not in domain/, because it
// reads them; the methods themselves stay in domain/impact and
// domain/displacement.
package report
