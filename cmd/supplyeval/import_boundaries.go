package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/supplyeval/supplyeval/domain/importer"
	"github.com/supplyeval/supplyeval/i18n"
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
		list := make(rejectList, len(res.Rejects))
		for i, r := range res.Rejects {
			list[i] = rejectLine{r, r.Code}
		}
		return errm("cli.err.boundary.rejected", name, plural{"cli.err.boundary.count", len(res.Rejects), []any{i18n.Int(res.Features)}},
			plural{"cli.err.boundary.others", len(res.Commands), nil}, list)
	}
	l := opt.lang
	for _, r := range res.Rejects {
		fmt.Fprintln(opt.stderr, l.T("cli.out.boundary.skip", errIn(r, l), string(r.Code)))
	}
	for _, c := range res.Commands {
		c.Source = source
		if err := t.define(ctx, defineID(c), c); err != nil {
			return errm("cli.err.boundary.define", name, c.Region, err)
		}
	}
	fmt.Fprintln(opt.stdout, l.Render(i18n.M("cli.out.boundary.summary", name, plural{"cli.out.boundary.features", res.Features, nil},
		plural{"cli.out.boundary.recorded", len(res.Commands), nil}, i18n.Int(res.PointsIn), i18n.Int(res.PointsOut),
		plural{"cli.out.boundary.skipped", len(res.Rejects), nil})))
	return nil
}
