# Reference values for the before/after (Welch t) and Benjamini-Hochberg
# tests (domain/impact/beforeafter_test.go, fdr_test.go), from base R.
# Run from this directory: Rscript misc_ref.R > misc_ref.csv
x <- c(12.1, 14.3, 11.8, 13.0, 15.2, 12.7, 13.9, 14.4)   # before
y <- c(10.2, 11.9, 9.8, 12.5, 10.1, 11.0)                # after
tt <- t.test(y, x, var.equal = FALSE)
cat("quantity,value\n")
cat(sprintf("welch_diff,%.17g\n", mean(y) - mean(x)))
cat(sprintf("welch_low,%.17g\n", tt$conf.int[1]))
cat(sprintf("welch_high,%.17g\n", tt$conf.int[2]))
cat(sprintf("welch_p,%.17g\n", tt$p.value))
cat(sprintf("welch_df,%.17g\n", tt$parameter))
p <- c(0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.222, 0.251, 0.269, 0.275, 0.34, 0.341, 0.384, 0.569, 0.594, 0.696, 0.762, 0.94, 0.942, 0.975, 0.986)
p <- p[c(25, 3, 17, 1, 9, 12, 5, 21, 2, 14, 7, 19, 11, 23, 4, 16, 8, 24, 13, 6, 20, 10, 18, 15, 22)]
a <- p.adjust(p, method = "BH")
for (i in seq_along(p)) cat(sprintf("bh_p_%d,%.17g\nbh_adj_%d,%.17g\n", i, p[i], i, a[i]))
