package impact_test

import (
	"fmt"

	"github.com/supplyeval/supplyeval/domain/impact"
)

// An interrupted time series of monthly counts with a population offset,
// reported as a rate ratio.
func ExampleITS() {
	periods := make([]string, 24)
	counts := make([]float64, 24)
	pop := make([]float64, 24)
	for i := range periods {
		periods[i] = fmt.Sprintf("2023-%02d", i%12+1)
		if i >= 12 {
			periods[i] = fmt.Sprintf("2024-%02d", i%12+1)
		}
		counts[i] = float64(100 + i + 7*(i%3))
		if i >= 12 {
			counts[i] -= 20
		}
		pop[i] = 50000
	}
	r, err := impact.ITS(impact.ITSInput{
		Series: impact.Series{Unit: "NL33", Periods: periods, Values: counts},
		Start:  12, Model: impact.QuasiPoisson, Offset: pop,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("rate ratio %.2f (95%% %.2f to %.2f), ratio=%v\n", r.Effect.Value, r.Effect.Low, r.Effect.High, r.Ratio)
	// Output: rate ratio 0.80 (95% 0.73 to 0.87), ratio=true
}

// Benjamini-Hochberg over a scan of indicators.
func ExampleBenjaminiHochberg() {
	res, err := impact.BenjaminiHochberg([]float64{0.001, 0.04, 0.03, 0.2}, 0.05)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Discoveries, res.Count)
	// Output: [true false false false] 1
}
