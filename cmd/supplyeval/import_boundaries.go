package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/supplyeval/supplyeval/domain/importer"
)

// boundaryFormat says whether file is a boundary file: --format geojson or
// topojson, a .geojson or .topojson name, or a .json file that holds a
// GeoJSON Feature(Collection) or a TopoJSON Topology.
func boundaryFormat(file string, content []byte, format importer.Format) (importer.Format, bool) {
	switch format {
	case importer.GeoJSON, importer.TopoJSON:
		return format, true
	case "":
	default:
		return "", false
	}
	if f, ok := importer.BoundaryFormatFor(file); ok {
		return f, true
	}
	if strings.HasSuffix(strings.ToLower(file), ".json") {
		return importer.SniffBoundaryFormat(content)
	}
	return "", false
}

// importBoundaries records the outline of every region a boundary file
// names. Like observations, a file with any bad feature is refused before
// anything is recorded, unless --skip-invalid; each outline is one
// defineRegionBoundary whose command ID is a digest of its content, so a
// repeated import records nothing new.
func importBoundaries(ctx context.Context, t importTarget, file string, content []byte, format importer.Format, opt importOptions) error {
	name := filepath.Base(file)
	if err := t.refresh(ctx); err != nil {
		return err
	}
	source := opt.mapping.Source
	if source == "" {
		source = name
	}
	res, err := importer.DecodeBoundaries(content, t, importer.BoundaryOptions{File: name, Format: format,
		IDProperty: opt.boundaryID, Tolerance: opt.simplify})
	if err != nil {
		return err
	}
	if len(res.Rejects) > 0 && !opt.skipInvalid {
		var b strings.Builder
		for i, r := range res.Rejects {
			if i == maxShownErrors {
				fmt.Fprintf(&b, "  ... and %d more\n", len(res.Rejects)-i)
				break
			}
			fmt.Fprintf(&b, "  %s [%s]\n", r, r.Code)
		}
		return fmt.Errorf("%s: %d of %d features cannot be recorded; nothing was recorded (fix them, or use --skip-invalid to record the %d others):\n%s",
			name, len(res.Rejects), res.Features, len(res.Commands), strings.TrimRight(b.String(), "\n"))
	}
	for _, r := range res.Rejects {
		fmt.Fprintf(opt.stderr, "skipped %s [%s]\n", r, r.Code)
	}
	for _, c := range res.Commands {
		c.Source = source
		if err := t.define(ctx, defineID(c), c); err != nil {
			return fmt.Errorf("%s: boundary of %s: %w", name, c.Region, err)
		}
	}
	fmt.Fprintf(opt.stdout, "%s: %d features, %d region boundaries recorded (%d points simplified to %d), %d skipped\n",
		name, res.Features, len(res.Commands), res.PointsIn, res.PointsOut, len(res.Rejects))
	return nil
}
