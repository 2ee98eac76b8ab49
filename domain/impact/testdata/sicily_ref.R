# Reference values for the quasi-Poisson interrupted time series tests
# (domain/impact/its_test.go). Reproduces the models of Lopez Bernal, Cummins
# & Gasparrini (2017), IJE 46(1):348-355, on sicily_aces.csv, with R's own
# glm(family = quasipoisson). Run from this directory:
#
#   Rscript sicily_ref.R > sicily_ref.csv
#
# Needs only base R (the Debian package r-base-core). tsModel::harmonic is
# restated below so that no CRAN package is needed; glm's convergence
# tolerance is tightened so the reference is the converged estimate rather
# than R's default stopping point (the difference is below 1e-9 relative).
data <- read.csv("sicily_aces.csv")

# tsModel::harmonic(x, nfreq, period): nfreq sine columns, then nfreq cosine
# columns, of 2*pi*x*k/period for k = 1..nfreq.
harmonic <- function(x, nfreq, period) {
  M <- outer(2 * pi * x / period, seq_len(nfreq))
  cbind(sin(M), cos(M))
}
data$slope <- pmax(data$time - 36, 0) * data$smokban # I(time-36):smokban
H <- harmonic(data$month, 2, 12)
data$s1 <- H[, 1]; data$s2 <- H[, 2]; data$c1 <- H[, 3]; data$c2 <- H[, 4]

ctl <- glm.control(epsilon = 1e-14, maxit = 100)
models <- list(
  level = glm(aces ~ offset(log(stdpop)) + time + smokban,
              family = quasipoisson, data = data, control = ctl),
  level_harmonics = glm(aces ~ offset(log(stdpop)) + time + smokban + s1 + s2 + c1 + c2,
                        family = quasipoisson, data = data, control = ctl),
  slope_harmonics = glm(aces ~ offset(log(stdpop)) + time + smokban + slope + s1 + s2 + c1 + c2,
                        family = quasipoisson, data = data, control = ctl)
)

cat("model,term,estimate,se,t,p,rr,rr_low_z,rr_high_z,rr_low_t,rr_high_t\n")
for (name in names(models)) {
  m <- models[[name]]
  s <- summary(m)
  co <- s$coefficients
  df <- m$df.residual
  for (term in rownames(co)) {
    b <- co[term, 1]; se <- co[term, 2]
    cat(sprintf("%s,%s,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
                name, term, b, se, co[term, 3], co[term, 4], exp(b),
                exp(b - qnorm(0.975) * se), exp(b + qnorm(0.975) * se),
                exp(b - qt(0.975, df) * se), exp(b + qt(0.975, df) * se)))
  }
  cat(sprintf("%s,dispersion,%.17g,,,,,,,,\n", name, s$dispersion))
  cat(sprintf("%s,deviance,%.17g,,,,,,,,\n", name, m$deviance))
  cat(sprintf("%s,null_deviance,%.17g,,,,,,,,\n", name, m$null.deviance))
  cat(sprintf("%s,df_residual,%d,,,,,,,,\n", name, df))
  # Counterfactual (no ban): expected counts with a 95% band from the
  # link-scale standard error and Student t on the residual df.
  nd <- data
  nd$smokban <- 0
  nd$slope <- 0
  pr <- predict(m, newdata = nd, type = "link", se.fit = TRUE)
  for (i in c(1, 36, 37, 48, 59)) {
    q <- qt(0.975, df)
    cat(sprintf("%s,cf_%d,%.17g,%.17g,,,,,,%.17g,%.17g\n", name, i - 1, exp(pr$fit[i]), pr$se.fit[i],
                exp(pr$fit[i] - q * pr$se.fit[i]), exp(pr$fit[i] + q * pr$se.fit[i])))
  }
}
