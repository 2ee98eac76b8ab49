// Package impact estimates what changed after a drug-supply intervention:
// the impact-over-time methods of DESIGN.md section 4, as pure functions
// over series (no I/O, no store). Every method returns a [Result] that
// explains itself: the estimate with a 95% interval and p-value, the method
// and its parameters, the inputs used, diagnostics, the assumptions in plain
// sentences, the counterfactual series and a paragraph for a briefing.
// Where the data cannot support a method, the functions return a
// *domain.Error with code BadInput saying what is missing; no result ever
// holds NaN or an infinity.
//
// Periods are ordered labels ([Series].Periods) and are addressed by their
// integer index; the intervention is given as the index of the first period
// under it (Start). Units are string codes.
//
// The methods:
//
//   - [BeforeAfter]: difference of means with a Welch t interval.
//   - [ITS]: interrupted time series, segmented regression y_t = b0 + b1 t +
//     b2 X_t + b3 (t - T0) X_t with optional Fourier seasonality; Gaussian
//     with Newey-West (HAC) errors or with AR(1) errors (generalised least
//     squares, REML), or quasi-Poisson (log link, optional population
//     offset, rate ratios). Wagner, Soumerai, Zhang & Ross-Degnan
//     (2002), J Clin Pharm Ther 27:299-309; Lopez Bernal, Cummins &
//     Gasparrini (2017), Int J Epidemiol 46(1):348-355; Newey & West (1987),
//     Econometrica 55:703-708 and (1994), Rev Econ Stud 61:631-653.
//   - [DiD]: difference-in-differences by two-way fixed effects (unit and
//     period), standard errors clustered by unit, a pre-trend test. Card &
//     Krueger (1994), AER 84(4):772-793; Bertrand, Duflo & Mullainathan
//     (2004), QJE 119(1):249-275; Cameron & Miller (2015), J Hum Resour
//     50(2):317-372.
//   - [SyntheticControl]: donor weights on the simplex minimising the
//     V-weighted predictor distance, V chosen to minimise the pre-period
//     outcome MSPE, placebo-in-space inference. Abadie & Gardeazabal (2003),
//     AER 93(1):113-132; Abadie, Diamond & Hainmueller (2010), JASA
//     105(490):493-505 and (2011), J Stat Softw 42(13); Firpo & Possebom
//     (2018), J Causal Inference 6(2) for the interval by test inversion.
//     The inner quadratic programme is solved exactly by Wolfe's (1976)
//     minimum-norm-point active-set algorithm, Math Program 11:128-149; the
//     outer search over V is gonum's Nelder-Mead (optimize.NelderMead), with
//     the adaptive coefficients of Gao & Han (2012), Comput Optim Appl
//     51:259-277.
//   - [Choose] and [Auto]: pick a method from what the data allow and say
//     why.
//   - [BenjaminiHochberg]: false discovery rate control for scans over many
//     indicators. Benjamini & Hochberg (1995), JRSS B 57(1):289-300.
//
// All functions are safe for concurrent use; they share no state.
package impact
