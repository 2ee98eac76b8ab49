// Package displacement measures whether an intervention against drug
// supply moved the problem rather than reduced it (Council of Europe
// Pompidou Group, Guideline 18: "displacement and fragmentation risks should
// be monitored and mitigated", across borders).
//
// Everything here is a pure function over numbers the caller supplies: no
// store, no I/O, no clock. Every exported function is safe for concurrent
// use; the types it returns are plain values.
//
// # What is measured
//
// An intervention works on target regions (R); activity may move to a buffer
// of neighbouring regions (D); control regions (C) show what would have
// happened anyway. Counts are taken before (b) and after (a).
//
//   - Weighted displacement quotient, WDQ (Bowers & Johnson 2003; Guerette
//     2009, appendices A-D): success = R_a/C_a - R_b/C_b,
//     buffer = D_a/C_a - D_b/C_b, WDQ = buffer/success, total net effect
//     TNE = [R_b(C_a/C_b) - R_a] + [D_b(C_a/C_b) - D_a]. The WDQ is read only
//     after a success (success < 0); see [Category]. See
//     [WeightedDisplacementQuotient].
//   - Weighted displacement difference, WDD (Wheeler & Ratcliffe 2018):
//     (T1-T0) - (C1-C0) + (D1-D0) - (Dc1-Dc0), with the Poisson variance
//     (the sum of the counts), a z test and a 95% interval; time and size
//     weights after Wheeler (2021). See [WeightedDisplacementDifference].
//   - Fragmentation (Guideline 18): after operations against high-value
//     targets, violence and active-group counts per target and buffer region
//     against the control trend, with intervals and FDR-controlled flags.
//     See [Fragmentation].
//   - Scans over many indicators with Benjamini-Hochberg false discovery
//     rate control. See [ScanIndicators].
//
// [Analyse] ties these together for one intervention and one indicator,
// and [Graph] finds buffers and default controls from the region graph
// (land borders, sea, air, rail and road links, across borders or not).
//
// # Orientation
//
// The published measures are for "crime": counts the intervention should
// push down. supplyeval also evaluates indicators whose desired direction
// is UP (a retail price read as an availability proxy). For those, every
// signed measure is computed on the sign-flipped indicator, so the published
// readings hold unchanged: a negative success measure or WDD is a change in
// the desired direction, a positive buffer measure is displacement, a
// positive TNE is a benefit. The WDQ, a ratio of two flipped measures, is
// unchanged. Indicators without a desired direction cannot show success or
// displacement and are refused. Results state this in their assumptions.
//
// # Explanations
//
// Every result carries the numbers, the regions and periods used, its
// assumptions and a plain-language paragraph for a briefing (Guideline 25).
// Where the data cannot support a measure (zero control counts, no
// reduction to compare with), the result says so and why; no result holds
// NaN or an infinity.
//
// # References
//
//   - Bowers, K. J. & Johnson, S. D. (2003). Measuring the geographical
//     displacement and diffusion of benefit effects of crime prevention
//     activity. Journal of Quantitative Criminology 19(3):275-301.
//   - Guerette, R. T. (2009). Analyzing Crime Displacement and Diffusion.
//     Problem-Oriented Guides for Police, Problem-Solving Tools Series No. 10.
//     Center for Problem-Oriented Policing. Appendix C (reading the
//     coefficients) and appendix D (worked example, Lancashire).
//   - Wheeler, A. P. & Ratcliffe, J. H. (2018). A simple weighted
//     displacement difference test to evaluate place based crime
//     interventions. Crime Science 7:11. doi:10.1186/s40163-018-0085-5.
//   - Wheeler, A. P. (2021). The WDD test with different pre/post time
//     periods (9 January 2021) and The WDD test with different area sizes
//     (23 February 2021), andrewpwheeler.com; implemented in the R package
//     ptools, function wdd.
//   - Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery
//     rate. Journal of the Royal Statistical Society B 57(1):289-300.
package displacement
