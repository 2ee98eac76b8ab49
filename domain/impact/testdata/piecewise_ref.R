# Reference values for the piecewise interrupted time series tests
# (domain/impact/piecewise_test.go): two interruptions in one series, on the
# Sicily acute coronary events data (sicily_aces.csv; Lopez Bernal, Cummins &
# Gasparrini 2017): the smoking ban from time 37 (2005-01) and a second,
# hypothetical break from time 49 (2006-01), so that the numbers are checked on
# real data. Run from this directory:
#
#   Rscript piecewise_ref.R > piecewise_ref.csv
#
# Needs R (Debian r-base-core) and sandwich (r-cran-sandwich).
# Gaussian: lm with sandwich::NeweyWest(lag = 3, prewhite = FALSE,
# adjust = FALSE), normal intervals (statsmodels' cov_type = "HAC" without
# correction). Quasi-Poisson: glm(family = quasipoisson) with the offset
# log(stdpop), t intervals on the residual degrees of freedom.
suppressMessages(library(sandwich))
data <- read.csv("sicily_aces.csv")
harmonic <- function(x, nfreq, period) {
  M <- outer(2 * pi * x / period, seq_len(nfreq))
  cbind(sin(M), cos(M))
}
data$slope <- pmax(data$time - 36, 0) * data$smokban
data$lev2 <- as.numeric(data$time >= 49)
data$slope2 <- pmax(data$time - 48, 0)
H <- harmonic(data$time, 2, 12)
data$s1 <- H[, 1]; data$s2 <- H[, 2]; data$c1 <- H[, 3]; data$c2 <- H[, 4]

cat("model,kind,term,estimate,se,low,high\n")
out <- function(name, b, V, crit, X) {
  se <- sqrt(diag(V))
  for (term in names(b)) {
    cat(sprintf("%s,coef,%s,%.17g,%.17g,%.17g,%.17g\n", name, term, b[term], se[term],
                b[term] - crit * se[term], b[term] + crit * se[term]))
  }
  # Counterfactuals: the design with one interruption's terms set to zero.
  drop <- list(ban = intersect(c("smokban", "slope"), names(b)),
               break2 = intersect(c("lev2", "slope2"), names(b)))
  for (d in names(drop)) {
    X0 <- X
    X0[, drop[[d]]] <- 0
    e <- drop(X0 %*% b)
    s <- sqrt(rowSums((X0 %*% V) * X0))
    for (i in seq_along(e)) {
      cat(sprintf("%s,cf_%s,%d,%.17g,%.17g,%.17g,%.17g\n", name, d, i, e[i], s[i], e[i] - crit * s[i], e[i] + crit * s[i]))
    }
  }
}
g <- lm(aces ~ time + smokban + slope + s1 + s2 + c1 + c2 + lev2 + slope2, data = data)
out("gaussian_slope", coef(g), NeweyWest(g, lag = 3, prewhite = FALSE, adjust = FALSE), qnorm(0.975), model.matrix(g))
q <- glm(aces ~ offset(log(stdpop)) + time + smokban + s1 + s2 + c1 + c2 + lev2,
         family = quasipoisson, data = data, control = glm.control(epsilon = 1e-14, maxit = 100))
Xq <- model.matrix(q)
out("quasipoisson_level", coef(q), vcov(q), qt(0.975, q$df.residual), Xq)
cat(sprintf("meta,version,R,%s,,,\n", paste(R.version$major, R.version$minor, sep = ".")))
cat(sprintf("meta,version,sandwich,%s,,,\n", as.character(packageVersion("sandwich"))))
