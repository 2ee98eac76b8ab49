# Reference for domain/impact's conformal test on augsynth's Kansas data:
# canonical synthetic control (simplex weights, least squares on the
# outcome over all periods with the null imposed), moving-block and iid
# permutation p-values of H0: effect = theta in every post period, q = 1.
# Run: Rscript kansas_ref.R  (R 4.2.2, quadprog from Debian r-cran-quadprog)
library(quadprog)
d <- read.csv("kansas.csv")
d <- d[order(d$fips, d$year_qtr), ]
units <- unique(d$fips)
Y <- sapply(units, function(u) d$lngdpcapita[d$fips == u])
tr <- which(units == 20)
y1 <- Y[, tr]; Y0 <- Y[, -tr]
T <- length(y1); t0 <- sum(d$treated[d$fips == 20] == 0); t1 <- T - t0
fitw <- function(y) {
  J <- ncol(Y0)
  D <- crossprod(Y0) + 1e-10 * diag(J)
  dv <- crossprod(Y0, y)
  A <- cbind(rep(1, J), diag(J))
  solve.QP(D, dv, A, c(1, rep(0, J)), meq = 1)$solution
}
pvals <- function(theta) {
  yn <- y1; yn[(t0 + 1):T] <- yn[(t0 + 1):T] - theta
  w <- pmax(fitw(yn), 0)
  u <- as.vector(yn - Y0 %*% w)
  s <- function(v) sum(abs(v[(t0 + 1):T]))
  s0 <- s(u)
  block <- mean(sapply(0:(T - 1), function(j) s(u[((0:(T - 1)) + j) %% T + 1]) >= s0 - 1e-12 * s0))
  set.seed(1)
  iid <- mean(c(TRUE, replicate(20000, s(sample(u)) >= s0)))
  c(theta = theta, block = block, iid = iid)
}
out <- t(sapply(c(0, -0.02, -0.04, -0.06), pvals))
print(out)
write.csv(out, "kansas_ref.csv", row.names = FALSE)
