package demo

import (
	"math"

	"github.com/supplyeval/supplyeval/domain"
)

// outlines are simplified boundaries of the demo world's regions, drawn
// by hand for the demo's maps: rough polygons (a few to a dozen corners,
// [longitude, latitude] in degrees) at about the right places, not
// surveyed geography. A region may have several polygons (Bremen and
// Bremerhaven) and holes (Vlaams-Brabant around Brussels). Ports are
// small diamonds around the harbour.
var outlines = map[string][][][][]float64{
	"NL": {{ring(3.4, 51.4, 4.2, 51.45, 5.0, 51.45, 5.85, 51.0, 6.05, 50.75, 6.2, 51.5, 6.9, 51.9, 7.2, 53.2, 6.2, 53.45, 4.7, 53.0, 4.5, 52.3, 3.6, 51.8)}},
	"BE": {{ring(2.55, 51.1, 3.4, 51.3, 4.25, 51.37, 5.1, 51.45, 5.85, 51.0, 6.4, 50.3, 5.8, 49.5, 4.8, 49.95, 4.15, 49.95, 2.6, 50.8)}},
	"DE": {{ring(6.0, 51.8, 6.9, 53.6, 8.6, 53.9, 9.0, 54.9, 11.0, 54.0, 14.2, 53.9, 15.0, 51.1, 12.3, 50.2, 13.8, 48.6, 13.0, 47.5, 7.6, 47.6, 8.2, 49.0, 6.4, 49.5, 6.0, 50.8)}},
	"FR": {{ring(-4.7, 48.4, -1.4, 48.6, 1.6, 50.9, 2.55, 51.1, 4.2, 50.0, 8.2, 49.0, 7.6, 47.6, 6.8, 46.4, 7.7, 43.8, 3.2, 42.45, -1.8, 43.4, -1.2, 46.0)}},
	"ES": {{ring(-9.3, 43.0, -1.8, 43.4, 3.2, 42.45, 3.3, 41.7, 0.2, 40.5, 0.2, 38.7, -0.7, 37.6, -2.0, 36.7, -5.6, 36.0, -7.4, 37.2, -7.0, 39.0, -6.8, 42.0, -9.3, 42.1)}},

	"NL32": {{ring(4.5, 52.25, 5.2, 52.25, 5.25, 52.6, 5.1, 52.95, 4.7, 52.95, 4.55, 52.55)}},
	"NL33": {{ring(3.9, 51.75, 4.6, 51.75, 5.0, 51.85, 5.0, 52.2, 4.5, 52.25, 4.1, 52.0)}},
	"NL34": {{ring(3.4, 51.4, 4.25, 51.3, 4.3, 51.55, 4.0, 51.75, 3.6, 51.7)}},
	"NL41": {{ring(4.25, 51.3, 5.0, 51.45, 5.85, 51.25, 5.95, 51.75, 5.0, 51.85, 4.6, 51.75, 4.3, 51.55)}},
	"NL42": {{ring(5.6, 50.75, 6.05, 50.75, 6.15, 51.2, 6.1, 51.75, 5.95, 51.75, 5.85, 51.25)}},

	"BE10": {{ring(4.25, 50.78, 4.48, 50.78, 4.48, 50.92, 4.25, 50.92)}},
	"BE21": {{ring(4.1, 51.0, 5.25, 51.0, 5.1, 51.45, 4.25, 51.37)}},
	"BE23": {{ring(3.4, 50.75, 4.0, 50.75, 4.1, 51.0, 4.25, 51.37, 3.4, 51.3)}},
	"BE24": {{ring(4.0, 50.7, 5.1, 50.7, 5.25, 51.0, 4.1, 51.0, 4.0, 50.75), ring(4.25, 50.78, 4.25, 50.92, 4.48, 50.92, 4.48, 50.78)}},
	"BE25": {{ring(2.55, 50.75, 3.4, 50.75, 3.4, 51.3, 2.55, 51.1)}},

	"DE50": {{ring(8.5, 53.0, 8.95, 53.0, 8.95, 53.2, 8.5, 53.2)}, {ring(8.48, 53.5, 8.65, 53.5, 8.65, 53.6, 8.48, 53.6)}},
	"DE60": {{ring(9.7, 53.4, 10.3, 53.4, 10.3, 53.75, 9.7, 53.75)}},
	"DE93": {{ring(8.95, 52.6, 11.6, 52.6, 11.6, 53.35, 10.3, 53.4, 9.7, 53.4, 9.0, 53.9, 8.95, 53.2)}},
	"DEA1": {{ring(6.15, 51.0, 7.3, 51.0, 7.3, 51.8, 6.1, 51.75, 6.15, 51.2)}},
	"DEA2": {{ring(6.05, 50.35, 7.6, 50.35, 7.6, 51.0, 6.15, 51.0, 6.05, 50.75)}},

	"FR10": {{ring(1.45, 48.45, 2.0, 48.1, 3.1, 48.1, 3.55, 48.6, 3.4, 49.15, 2.5, 49.25, 1.7, 49.2)}},
	"FRD2": {{ring(0.1, 49.45, 0.6, 49.15, 1.7, 49.2, 1.8, 49.75, 1.4, 50.05, 0.2, 49.75)}},
	"FRE1": {{ring(1.55, 50.0, 2.7, 50.1, 3.6, 50.3, 4.2, 50.0, 4.15, 50.3, 3.4, 50.75, 2.55, 50.75, 2.55, 51.1, 1.6, 50.9)}},
	"FRL0": {{ring(4.2, 43.45, 5.0, 43.2, 6.6, 43.1, 7.5, 43.75, 6.9, 44.4, 6.2, 45.1, 5.0, 44.5, 4.6, 44.3)}},

	"ES30": {{ring(-4.6, 40.25, -3.05, 40.0, -3.05, 40.8, -3.4, 41.15, -4.2, 41.0)}},
	"ES42": {{ring(-5.4, 38.3, -2.6, 38.3, -1.5, 38.3, -1.5, 39.5, -0.9, 40.8, -2.0, 41.15, -3.4, 41.15, -3.05, 40.8, -3.05, 40.0, -4.6, 40.25, -5.4, 40.2)}},
	"ES51": {{ring(0.2, 40.5, 1.6, 41.2, 3.3, 41.7, 3.2, 42.45, 0.7, 42.85, 0.4, 41.5)}},
	"ES52": {{ring(-1.5, 37.9, -0.7, 37.6, 0.2, 38.7, 0.0, 39.8, 0.5, 40.5, -0.9, 40.8, -1.5, 39.5)}},
	"ES61": {{ring(-7.5, 37.2, -6.0, 36.0, -5.4, 36.05, -2.0, 36.7, -1.6, 37.4, -2.6, 38.3, -5.4, 38.3, -7.4, 38.2)}},

	"NLRTM": {diamond(4.1, 51.95)},
	"BEANR": {diamond(4.3, 51.28)},
	"BEZEE": {diamond(3.2, 51.33)},
	"DEHAM": {diamond(9.95, 53.53)},
	"FRLEH": {diamond(0.15, 49.47)},
	"FRDKK": {diamond(2.3, 51.03)},
	"FRMRS": {diamond(4.88, 43.42)},
	"ESALG": {diamond(-5.44, 36.13)},
	"ESVLC": {diamond(-0.32, 39.44)},
	"ESBCN": {diamond(2.16, 41.35)},
}

// ring makes a closed ring of lon, lat pairs.
func ring(lonLat ...float64) [][]float64 {
	out := make([][]float64, 0, len(lonLat)/2+1)
	for i := 0; i+1 < len(lonLat); i += 2 {
		out = append(out, []float64{lonLat[i], lonLat[i+1]})
	}
	return append(out, []float64{lonLat[0], lonLat[1]})
}

// diamond is a port's outline: a diamond about 7 km across.
func diamond(lon, lat float64) [][][]float64 {
	const r = 0.06
	round := func(v float64) float64 { return math.Round(v*1e4) / 1e4 }
	return [][][]float64{ring(round(lon), round(lat-r), round(lon+r), round(lat), round(lon), round(lat+r), round(lon-r), round(lat))}
}

// boundarySteps gives every region of the demo world its outline, after
// everything else (so that the positions of the other steps do not
// depend on them).
func (b *builder) boundarySteps() []Step {
	out := make([]Step, 0, len(b.regions))
	for _, r := range b.regions {
		if polys, ok := outlines[r.Code]; ok {
			out = append(out, Step{CommandID: "demo-boundary-" + r.Code,
				Command: domain.DefineRegionBoundary{Region: r.Code, Polygons: polys, Source: "supplyeval demo (hand-drawn, simplified)"}})
		}
	}
	return out
}
