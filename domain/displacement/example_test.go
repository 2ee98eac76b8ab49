package displacement_test

import (
	"fmt"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/domain/displacement"
)

// The worked example of Wheeler & Ratcliffe (2018): treated area 207 -> 110,
// its control 308 -> 318, displacement area 178 -> 157, its control
// 150 -> 140.
func ExampleWeightedDisplacementDifference() {
	w, err := displacement.WeightedDisplacementDifference(displacement.WDDInput{
		Counts: displacement.WDDCounts{
			TargetBefore: 207, TargetAfter: 110,
			ControlBefore: 308, ControlAfter: 318,
			BufferBefore: 178, BufferAfter: 157,
			BufferControlBefore: 150, BufferControlAfter: 140,
		},
		Direction: domain.DirectionDown,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("WDD %.0f, SE %.1f, z %.2f, 95%% interval %.0f to %.0f\n", w.Estimate, w.SE, w.Z, w.Low, w.High)
	// Output: WDD -118, SE 39.6, z -2.98, 95% interval -196 to -40
}

// The Lancashire example of Guerette (2009, appendix D).
func ExampleWeightedDisplacementQuotient() {
	w, err := displacement.WeightedDisplacementQuotient(displacement.WDQCounts{
		TargetBefore: 207, TargetAfter: 110,
		BufferBefore: 178, BufferAfter: 157,
		ControlBefore: 308, ControlAfter: 318,
	}, domain.DirectionDown)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("success %.3f, buffer %.3f, WDQ %.3f (%s), TNE %.1f\n",
		*w.SuccessMeasure, *w.BufferMeasure, *w.Quotient, w.Category, *w.TotalNetEffect)
	// Output: success -0.326, buffer -0.084, WDQ 0.258 (DIFFUSION), TNE 130.5
}

// A port operation: the buffer is found from the region graph (sea routes,
// across borders) and the control is the remaining port.
func ExampleAnalyse() {
	g, err := displacement.NewGraph([]displacement.Region{
		{Code: "RTM", Name: "Rotterdam", Country: "NL", Level: domain.RegionLevelPort},
		{Code: "ANR", Name: "Antwerp", Country: "BE", Level: domain.RegionLevelPort},
		{Code: "GDN", Name: "Gdansk", Country: "PL", Level: domain.RegionLevelPort},
	}, []displacement.Link{{A: "RTM", B: "ANR", Kind: domain.LinkKindSeaRoute}})
	if err != nil {
		fmt.Println(err)
		return
	}
	areas, err := g.CompleteAreas(displacement.Areas{Target: []string{"RTM"}}, displacement.AreaOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := displacement.Analyse(displacement.Input{
		Intervention: "operation X",
		Indicator:    displacement.Indicator{Code: "SEIZ", Name: "cocaine seizures", Unit: "seizures", Direction: domain.DirectionDown},
		Areas:        areas,
		Before:       displacement.Window{Periods: []string{"2023"}},
		After:        displacement.Window{Periods: []string{"2024"}},
		Data: displacement.Table{
			"RTM": {"2023": 400, "2024": 200},
			"ANR": {"2023": 300, "2024": 380},
			"GDN": {"2023": 100, "2024": 100},
		},
		Graph: g,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Explanation)
	// Output: After operation X (2023 compared with 2024), cocaine seizures in the target region (Rotterdam) fell from 400 to 200 (-50%); in the control region (across the border in PL: Gdansk) the count stayed at 100. In the buffer (across the border in BE: Antwerp) the count rose from 300 to 380 (+27%). Relative to the control, that is a success measure of -2 and a buffer measure of 0.8, so the weighted displacement quotient is WDQ = -0.40, which reads as displacement smaller than the direct effect: the buffer worsened relative to the control, but by less than the target improved, so a net benefit remains. Over target and buffer together the total net effect is TNE = 120: 120 seizures fewer than the control's trend predicts, a change in the desired direction. The weighted displacement difference is WDD = -120 (95% interval -209.4 to -30.6; z = -2.63, p = 0.009): 120 seizures fewer than the controls' changes predict, -200 in the target and +80 in the buffer. The interval lies below zero: evidence of a net change in the desired direction.
}
