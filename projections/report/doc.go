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
// The catalogue is read as of the same position: regions, their
// hierarchy, links and indicators recorded after it are left out, exactly
// as observations, revisions, retractions and intervention changes after
// it are (TestEveryAnswerAsOfAPinIsStable records random events of every
// kind after a pin and checks that the report's bytes do not change).
//
// The package lives beside the read models, not in domain/, because it
// reads them; the methods themselves stay in domain/impact and
// domain/displacement.
package report
