# Reference values for the Gaussian interrupted time series with AR(1)
# errors (domain/impact/its_test.go, TestITSAR1Nlme): generalised least
# squares with an AR(1) correlation fitted by restricted maximum likelihood,
# nlme::gls(correlation = corAR1(), method = "REML"), on the age-standardised
# rate of acute coronary events in sicily_aces.csv (aces / stdpop * 1e5).
# Run from this directory:
#
#   Rscript its_ar1_ref.R > its_ar1_ref.csv
#
# Needs R with the recommended package nlme (Debian r-base-core and
# r-cran-nlme). The tolerances are tightened so that the reference is the
# converged estimate. Design columns as in the Go code: intercept, time
# (1..59), level (smokban), slope ((time - 36) * smokban, "slope" models
# only), sin(2 pi k time / 12) for k = 1..K, then cos(...).
suppressMessages(library(nlme))
d <- read.csv("sicily_aces.csv")
d$y <- d$aces / d$stdpop * 1e5
d$slope <- pmax(d$time - 36, 0) * d$smokban
for (k in 1:2) {
  d[[paste0("sin", k)]] <- sin(2 * pi * k * d$time / 12)
  d[[paste0("cos", k)]] <- cos(2 * pi * k * d$time / 12)
}
ctl <- glsControl(tolerance = 1e-12, msTol = 1e-14, msMaxIter = 500, maxIter = 500, returnObject = FALSE)
models <- list(
  level = y ~ time + smokban,
  slope_harmonics = y ~ time + smokban + slope + sin1 + sin2 + cos1 + cos2
)
cat("model,term,value\n")
for (name in names(models)) {
  m <- gls(models[[name]], data = d, correlation = corAR1(form = ~ time), method = "REML", control = ctl)
  co <- summary(m)$tTable
  for (term in rownames(co)) {
    cat(sprintf("%s,%s_estimate,%.17g\n", name, term, co[term, 1]))
    cat(sprintf("%s,%s_se,%.17g\n", name, term, co[term, 2]))
    cat(sprintf("%s,%s_p,%.17g\n", name, term, co[term, 4]))
  }
  phi <- coef(m$modelStruct$corStruct, unconstrained = FALSE)
  cat(sprintf("%s,phi,%.17g\n", name, phi))
  cat(sprintf("%s,sigma,%.17g\n", name, m$sigma))
  cat(sprintf("%s,logLik,%.17g\n", name, as.numeric(logLik(m))))
  cat(sprintf("%s,df_residual,%d\n", name, m$dims$N - m$dims$p))
}
