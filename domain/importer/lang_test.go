package importer

import (
	"strings"
	"testing"

	"github.com/supplyeval/supplyeval/domain"
	"github.com/supplyeval/supplyeval/i18n"
)

// TestRowErrorsInFrench: the reasons shown with file:line on the import
// page read in French (with French numbers), keep the English of Error,
// and use only messages the catalogue has in both languages.
func TestRowErrorsInFrench(t *testing.T) {
	m := Mapping{Indicator: "M"}
	res := decode(t, m, "obs.csv", "region,period,value\nNL33,2024-01,1\nNL33,2024-13,2\nXX99,2024-02,3\nNL33,2024-03,abc\nNL33,2024-01,4\nNL33,2024-04\n,2024-05,1\n")
	want := []struct{ en, fr string }{
		{`obs.csv:3: column value: period "2024-13" is not a month period (expected e.g. 2024-05, 2024M05 or 202405)`,
			`obs.csv:3 : colonne value : la période "2024-13" n'est pas une période mensuelle (attendu par exemple : 2024-05, 2024M05 ou 202405)`},
		{`obs.csv:4: column region: region XX99 is not defined: define it first (defineRegion) or in the mapping's defineRegions`,
			`obs.csv:4 : colonne region : la région XX99 n'est pas définie : définissez-la d'abord (defineRegion) ou dans la rubrique defineRegions de la correspondance`},
		{`obs.csv:5: column value: value "abc" is not a number`, `obs.csv:5 : colonne value : valeur : "abc" n'est pas un nombre`},
		{`obs.csv:6: column value: M for region NL33, period 2024-01 is already on line 2`,
			`obs.csv:6 : colonne value : M pour la région NL33, période 2024-01, figure déjà à la ligne 2`},
		{`obs.csv:7: has 2 fields; the header has 3`, `obs.csv:7 : la ligne a 2 champs ; l'en-tête en a 3`},
		{`obs.csv:8: column region: no region`, `obs.csv:8 : colonne region : aucune région`},
	}
	if len(res.Rejects) != len(want) {
		t.Fatalf("rejects %v", res.Rejects)
	}
	for i, w := range want {
		e := res.Rejects[i]
		if got := e.Error(); got != w.en {
			t.Errorf("reject %d in English:\n got %s\nwant %s", i, got, w.en)
		}
		if got := e.In(i18n.EN); got != w.en {
			t.Errorf("reject %d In(EN) = %s", i, got)
		}
		if got := e.In(i18n.FR); got != w.fr {
			t.Errorf("reject %d in French:\n got %s\nwant %s", i, got, w.fr)
		}
		for _, k := range e.Msg.Keys() {
			if !i18n.FR.Has(k) || !i18n.EN.Has(k) {
				t.Errorf("reject %d: message %q is not in both languages", i, k)
			}
		}
	}
	_, _, conflicts := Reconcile("f.csv", []Row{{Line: 3, Column: "value", Indicator: "Y", ObservationRow: obsRow("NL33", "2021", 1234.5)}}, fakeRecorded{"Y/NL33/2021": 2.5})
	if len(conflicts) != 1 {
		t.Fatalf("conflicts %v", conflicts)
	}
	if got := conflicts[0].In(i18n.FR); !strings.HasPrefix(got, "f.csv:3 : colonne value : Y pour la région NL33, période 2021, est déjà enregistré avec la valeur 2,5 ; le fichier indique 1234,5") {
		t.Errorf("conflict in French: %s", got)
	}
}

func obsRow(region, period string, v float64) domain.ObservationRow {
	return domain.ObservationRow{Region: region, Period: period, Value: v}
}

// TestBoundaryErrorsInFrench: the reasons a boundary feature is refused,
// and the errors about a boundary file as a whole, keep their English and
// read in French from the catalogue.
func TestBoundaryErrorsInFrench(t *testing.T) {
	res, err := DecodeBoundaries([]byte(gisco), testCatalog(), BoundaryOptions{File: "nuts.geojson"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]struct{ en, fr string }{
		2: {`nuts.geojson: feature 2 (FR10): no region with code "FR10" is defined (feature named "Ile-de-France"); define it first (a mapping's defineRegions, or defineRegion)`,
			`nuts.geojson : entité 2 (FR10) : aucune région de code "FR10" n'est définie (entité nommée "Ile-de-France") ; définissez-la d'abord (rubrique defineRegions d'une correspondance, ou defineRegion)`},
		3: {`nuts.geojson: feature 3 (ES21): geometry: type "LineString": only Polygon and MultiPolygon outline a region`,
			`nuts.geojson : entité 3 (ES21) : géométrie : type "LineString" : seuls Polygon et MultiPolygon délimitent une région`},
		4: {`nuts.geojson: feature 4: names no region: it has no NUTS_ID property, no id and no id property`,
			`nuts.geojson : entité 4 : ne désigne aucune région : elle n'a ni propriété NUTS_ID, ni id, ni propriété id`},
	}
	if len(res.Rejects) != len(want) {
		t.Fatalf("rejects %v", res.Rejects)
	}
	for _, r := range res.Rejects {
		w := want[r.Index]
		if got := r.Error(); got != w.en {
			t.Errorf("feature %d in English:\n got %s\nwant %s", r.Index, got, w.en)
		}
		if got := r.In(i18n.EN); got != w.en {
			t.Errorf("feature %d In(EN) = %s", r.Index, got)
		}
		if got := r.In(i18n.FR); got != w.fr {
			t.Errorf("feature %d in French:\n got %s\nwant %s", r.Index, got, w.fr)
		}
	}
	for _, c := range []struct {
		doc, en, fr string
	}{
		{`{"type":"LineString"}`, `nuts.json: GeoJSON type "LineString": want Feature or FeatureCollection`,
			`nuts.json : type GeoJSON "LineString" : Feature ou FeatureCollection attendu`},
	} {
		_, err := DecodeBoundaries([]byte(c.doc), testCatalog(), BoundaryOptions{File: "nuts.json", Format: GeoJSON})
		if err == nil || err.Error() != c.en {
			t.Errorf("%s: English %v, want %s", c.doc, err, c.en)
			continue
		}
		if got := domain.MessageIn(err, i18n.FR); got != c.fr {
			t.Errorf("%s: French %s, want %s", c.doc, got, c.fr)
		}
	}
}
