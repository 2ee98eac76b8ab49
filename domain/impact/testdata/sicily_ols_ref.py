"""Reference values for the Gaussian interrupted time series tests
(domain/impact/its_test.go): OLS with Newey-West (HAC) standard errors from
statsmodels, on the age-standardised rate of acute coronary events in
sicily_aces.csv (aces / stdpop * 1e5).

Run from this directory with Debian's python3-statsmodels
(apt-get install -y python3-statsmodels):

    /usr/bin/python3 sicily_ols_ref.py > sicily_ols_ref.csv

Design columns, in the order the Go code builds them: const, time (1..59),
level (smokban), slope ((time - 36) * smokban, only in the "slope" models),
then sin(2 pi k time / 12) for k = 1..K followed by cos(...) for k = 1..K.
"""
import sys

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm
from statsmodels.stats.diagnostic import acorr_ljungbox
from statsmodels.stats.stattools import durbin_watson

d = pd.read_csv("sicily_aces.csv")
y = (d["aces"] / d["stdpop"] * 1e5).to_numpy()
t = d["time"].to_numpy(dtype=float)
x = d["smokban"].to_numpy(dtype=float)


def design(slope, harmonics):
    cols = [np.ones_like(t), t, x]
    if slope:
        cols.append((t - 36) * x)
    for k in range(1, harmonics + 1):
        cols.append(np.sin(2 * np.pi * k * t / 12))
    for k in range(1, harmonics + 1):
        cols.append(np.cos(2 * np.pi * k * t / 12))
    return np.column_stack(cols)


# name, slope change, harmonic pairs, HAC maxlags (None: the rule of thumb
# floor(4 (n/100)^(2/9)), passed explicitly because statsmodels requires it),
# small-sample correction (use_correction=True and use_t=True).
cases = [
    ("level", False, 0, None, False),
    ("slope", True, 0, None, False),
    ("slope_h2", True, 2, None, False),
    ("slope_h2_lag6", True, 2, 6, False),
    ("level_h1_lag0", False, 1, 0, False),
    ("slope_h2_small", True, 2, None, True),
]
n = len(y)
print("# statsmodels", statsmodels.__version__, file=sys.stderr)
print("case,quantity,index,value")
for name, slope, h, lags, small in cases:
    X = design(slope, h)
    if lags is None:
        lags = int(np.floor(4 * (n / 100.0) ** (2.0 / 9.0)))
    kw = {"maxlags": lags}
    if small:
        kw["use_correction"] = True
    res = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds=kw, use_t=small)
    ci = res.conf_int(0.05)
    out = [("maxlags", 0, lags), ("use_t", 0, int(res.use_t))]
    for i in range(X.shape[1]):
        out += [
            ("params", i, res.params[i]),
            ("bse", i, res.bse[i]),
            ("pvalues", i, res.pvalues[i]),
            ("ci_low", i, ci[i, 0]),
            ("ci_high", i, ci[i, 1]),
        ]
    cov = res.cov_params()
    for i in range(X.shape[1]):
        for j in range(X.shape[1]):
            out.append(("cov", i * X.shape[1] + j, cov[i, j]))
    # Counterfactual: the same rows with the level and slope terms set to 0;
    # mean prediction and its 95% interval from the HAC covariance.
    X0 = X.copy()
    X0[:, 2] = 0
    if slope:
        X0[:, 3] = 0
    pred = res.get_prediction(X0)
    pci = pred.conf_int(alpha=0.05)
    for i in (0, 35, 36, 47, 58):
        out += [
            ("cf_mean", i, pred.predicted_mean[i]),
            ("cf_low", i, pci[i, 0]),
            ("cf_high", i, pci[i, 1]),
        ]
    lb = acorr_ljungbox(res.resid, return_df=True)  # default lags min(n//5, 10)
    out += [
        ("rsquared", 0, res.rsquared),
        ("rsquared_adj", 0, res.rsquared_adj),
        ("scale", 0, res.scale),
        ("durbin_watson", 0, durbin_watson(res.resid)),
        ("ljungbox_lags", 0, lb.index[-1]),
        ("ljungbox_stat", 0, lb["lb_stat"].iloc[-1]),
        ("ljungbox_pvalue", 0, lb["lb_pvalue"].iloc[-1]),
    ]
    for q, i, v in out:
        print(f"{name},{q},{i},{v!r}")
