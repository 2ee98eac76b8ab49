// Package mapsvg draws the maps of supplyeval's displacement views as
// inline SVG: regions filled by their change on a diverging scale (blue
// for a fall, red for a rise, pale grey around zero, hatched grey where
// there is no value), the target, buffer and control regions outlined
// distinctly, a legend, and a text alternative (an SVG title and
// description, and Rows for an HTML table beside the map).
//
// Regions are drawn from their boundaries (GeoJSON MultiPolygon
// coordinates, equirectangular projection scaled by the cosine of the
// mean latitude). When a region has no boundary, the map falls back to a
// drawing of the region graph: regions as nodes on concentric rings
// (targets in the middle, then buffers, controls and the rest, each ring
// by code) and links as edges, so the layout is the same on every run.
// Context regions (the countries around the map's regions) are drawn in
// grey behind them, cut at the map's edges, so that a reader knows where
// a handful of ports spread over a continent are.
//
// Like package chart, the output is self-contained markup (no script, no
// external font or style) and a pure function of its input.
package mapsvg
