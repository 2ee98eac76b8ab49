// Package graphqltest holds the two worlds of the access tests of
// graphql and web (TestHiddenOperationChangesNoAnswer): GraphQL mutations
// that record the same log but for one block of CONFIDENTIAL events.
//
// In the world "hidden" the block is an operation that touches everything
// a RESTRICTED reader evaluates (it covers a comparison region, a region
// next to another, later the target of the visible operation, reports
// outputs, has a plan of its own, is named by a plan of the visible
// operation, is in a cycle's scope with a finding); in the world "filler"
// it is the same number of events about another CONFIDENTIAL operation in
// a port without data or neighbours. Recorded in order (Base with Rows,
// the block, Cycle with the block's operation, a pin and revisions), the
// two logs have the same length and every other event at the same
// position.
package graphqltest

import (
	"fmt"
	"math"
	"strings"
)

// Ports are the ports with data; MTMAR and MTVLT have none.
var Ports = []string{"NLRTM", "BEANR", "DEHAM", "FRLEH", "ESALG", "PTLIS", "ITGOA", "GRPIR", "SIKOP", "PLGDN"}

// Rows are the monthly prices (@PRICE) and violent incidents
// (@INCIDENTS) of every port with data, 2012-01 to 2021-12: a level of its
// own, a trend, a season, a step of +5 in NLRTM's price from 2019 and of
// +3 in DEHAM's from 2020.
func Rows() (price, incidents string) {
	var p, v strings.Builder
	for k, r := range Ports {
		for m := 0; m < 120; m++ {
			y, mo := 2012+m/12, m%12+1
			x := 40 + 3*float64(k) + 0.05*float64(m) + 2*math.Sin(float64(m)*1.3+float64(k)) + 0.7*math.Cos(float64(m*m+k))
			if r == "NLRTM" && y >= 2019 {
				x += 5
			}
			if r == "DEHAM" && y >= 2020 {
				x += 3
			}
			fmt.Fprintf(&p, `{region: "%s", period: "%d-%02d", value: %.4f} `, r, y, mo, x)
			n := 30 + 2*k + int(8*math.Sin(float64(m)*0.9+float64(k))) + (m*7+k*3)%5
			fmt.Fprintf(&v, `{region: "%s", period: "%d-%02d", value: %d} `, r, y, mo, n)
		}
	}
	return p.String(), v.String()
}

const Base = `mutation {
  nl: defineRegion(input: {code: "NL", name: "Netherlands", country: "NL", level: COUNTRY}) { position }
  zh: defineRegion(input: {code: "NL33", name: "Zuid-Holland", country: "NL", level: NUTS2, parent: "NL"}) { position }
  rtm: defineRegion(input: {code: "NLRTM", name: "Rotterdam", country: "NL", level: PORT, parent: "NL33"}) { position }
  anr: defineRegion(input: {code: "BEANR", name: "Antwerp", country: "BE", level: PORT}) { position }
  ham: defineRegion(input: {code: "DEHAM", name: "Hamburg", country: "DE", level: PORT}) { position }
  leh: defineRegion(input: {code: "FRLEH", name: "Le Havre", country: "FR", level: PORT}) { position }
  alg: defineRegion(input: {code: "ESALG", name: "Algeciras", country: "ES", level: PORT}) { position }
  lis: defineRegion(input: {code: "PTLIS", name: "Lisbon", country: "PT", level: PORT}) { position }
  goa: defineRegion(input: {code: "ITGOA", name: "Genoa", country: "IT", level: PORT}) { position }
  pir: defineRegion(input: {code: "GRPIR", name: "Piraeus", country: "GR", level: PORT}) { position }
  kop: defineRegion(input: {code: "SIKOP", name: "Koper", country: "SI", level: PORT}) { position }
  gdn: defineRegion(input: {code: "PLGDN", name: "Gdansk", country: "PL", level: PORT}) { position }
  mar: defineRegion(input: {code: "MTMAR", name: "Marsaxlokk", country: "MT", level: PORT}) { position }
  vlt: defineRegion(input: {code: "MTVLT", name: "Valletta", country: "MT", level: PORT}) { position }
  l1: linkRegions(input: {a: "NLRTM", b: "BEANR", kind: SEA_ROUTE}) { position }
  l2: linkRegions(input: {a: "ESALG", b: "PTLIS", kind: SEA_ROUTE}) { position }
  i1: defineIndicator(input: {code: "price", name: "Cocaine price", family: AVAILABILITY, unit: "EUR/g", granularity: MONTH, desiredDirection: UP}) { position }
  i2: defineIndicator(input: {code: "incidents", name: "Violent incidents", family: VIOLENCE, unit: "incidents", granularity: MONTH, desiredDirection: DOWN}) { position }
  o1: recordObservations(input: {indicator: "price", source: "test", rows: [@PRICE]}) { position }
  o2: recordObservations(input: {indicator: "incidents", source: "test", rows: [@INCIDENTS]}) { position }
  v1: launchOperation(input: {id: "op-vis", title: "Port controls", kind: PORT_CONTROL, regions: ["NLRTM"], start: "2019-01-01",
      targetTier: HIGH_VALUE, classification: RESTRICTED}) { position }
  v2: launchOperation(input: {id: "op-vis2", title: "Hamburg controls", kind: PORT_CONTROL, regions: ["DEHAM"], start: "2020-01-01",
      targetTier: MID, classification: RESTRICTED}) { position }
  p1: registerAnalysisPlan(input: {id: "plan-vis", intervention: "op-vis", indicator: "price", method: ITS, its: {model: GAUSSIAN},
      before: {from: "2016-01", to: "2018-12"}, after: {from: "2019-01", to: "2020-12"}, hypotheses: ["prices rise"], registeredBy: "unit", late: true}) { position }
  p2: registerAnalysisPlan(input: {id: "plan-did", intervention: "op-vis", indicator: "price", method: DID,
      before: {from: "2016-01", to: "2018-12"}, after: {from: "2019-01", to: "2019-12"}, hypotheses: ["prices rise"], registeredBy: "unit", late: true}) { position }
}`

// Hidden is the CONFIDENTIAL block of the world "hidden"; Filler
// the same number of events, of the same types, in the world "filler".
const Hidden = `mutation {
  h1: launchOperation(input: {id: "op-hid", title: "Covert delivery", kind: CONTROLLED_DELIVERY, regions: ["FRLEH", "ESALG"], start: "2019-06-01",
      targetTier: HIGH_VALUE, classification: CONFIDENTIAL, budget: 900000, partners: ["JIT Atlantic"]}) { position }
  h2: reportOperationOutputs(input: {id: "op-hid", period: "2019-07", arrests: 12, cost: 40000}) { position }
  h3: changeOperationScope(input: {id: "op-hid", added: ["NLRTM", "ITGOA"], effective: "2020-06-01", reason: "followed the route"}) { position }
  h4: registerAnalysisPlan(input: {id: "plan-hid", intervention: "op-hid", indicator: "price", method: ITS,
      before: {from: "2017-01", to: "2019-05"}, after: {from: "2019-06", to: "2020-05"}, hypotheses: ["covert prices rise"], registeredBy: "covert unit", late: true}) { position }
  h5: registerAnalysisPlan(input: {id: "plan-vis-x", intervention: "op-vis", indicator: "price", method: ITS, its: {interruptions: ["op-hid"]},
      before: {from: "2016-01", to: "2018-12"}, after: {from: "2019-01", to: "2021-12"}, hypotheses: ["prices rise"], registeredBy: "unit", late: true}) { position }
}`

const Filler = `mutation {
  h1: launchOperation(input: {id: "op-fill", title: "Quiet", kind: OTHER, regions: ["MTMAR"], start: "2015-01-01",
      targetTier: LOW, classification: CONFIDENTIAL}) { position }
  h2: reportOperationOutputs(input: {id: "op-fill", period: "2015-02", arrests: 1}) { position }
  h3: changeOperationScope(input: {id: "op-fill", added: ["MTVLT"], effective: "2015-03-01", reason: "quiet"}) { position }
  h4: registerAnalysisPlan(input: {id: "plan-fill", intervention: "op-fill", indicator: "price", method: BEFORE_AFTER,
      before: {from: "2014-01", to: "2014-12"}, after: {from: "2015-01", to: "2015-12"}, hypotheses: ["quiet"], registeredBy: "quiet unit"}) { position }
  h5: registerAnalysisPlan(input: {id: "plan-vis-x", intervention: "op-vis", indicator: "price", method: ITS, its: {interruptions: ["op-fill"]},
      before: {from: "2016-01", to: "2018-12"}, after: {from: "2019-01", to: "2021-12"}, hypotheses: ["prices rise"], registeredBy: "unit", late: true}) { position }
}`

// Cycle is recorded after the block in both worlds: an operation
// launched then (its power is read as of its launch), a cycle whose
// scope holds the CONFIDENTIAL operation @HID, findings, a pin, and then a
// revision (for the revision sensitivity).
const Cycle = `mutation {
  late: launchOperation(input: {id: "op-late", title: "Koper controls", kind: PORT_CONTROL, regions: ["SIKOP"], start: "2021-01-01",
      targetTier: MID, classification: RESTRICTED}) { position }
  c: openCycle(input: {id: "cy-1", title: "Review", from: "2018-01-01", to: "2021-12-31", regions: ["NLRTM", "DEHAM"],
      interventions: ["op-vis", "op-vis2", "@HID"], questions: ["Did prices rise?"]}) { position }
  f1: recordFinding(input: {id: "cy-1", findingId: "f-vis", intervention: "op-vis", family: AVAILABILITY, statement: "Prices rose.",
      effectRating: DESIRED, evidenceQuality: 2, evidence: {indicator: "price", method: "ITS", estimate: 5, low: 4, high: 6}}) { position }
  f2: recordFinding(input: {id: "cy-1", findingId: "f-vis2", intervention: "op-vis2", family: AVAILABILITY, statement: "Prices rose too.",
      effectRating: DESIRED, evidenceQuality: 2, evidence: {indicator: "price", method: "DID", estimate: 3, low: 2, high: 4}}) { position }
  f3: recordFinding(input: {id: "cy-1", findingId: "f-@HID", intervention: "@HID", family: AVAILABILITY, statement: "Secret.",
      effectRating: UNCLEAR, evidenceQuality: 1}) { position }
}`

// BaseMutation is Base with its rows.
func BaseMutation() string {
	price, incidents := Rows()
	return strings.NewReplacer("@PRICE", price, "@INCIDENTS", incidents).Replace(Base)
}

// AfterPin pins cycle cy-1 at pin, then revises two observations (one in
// a region the hidden operation covers), for the revision sensitivity.
func AfterPin(pin uint64) string {
	return fmt.Sprintf(`mutation {
  p: pinCycleEvidence(input: {id: "cy-1", position: "%d"}) { position }
  r: reviseObservation(input: {indicator: "price", region: "NLRTM", period: "2019-03", value: 61.5, reason: "late return", source: "test"}) { position }
  q: reviseObservation(input: {indicator: "price", region: "FRLEH", period: "2019-08", value: 30.5, reason: "late return", source: "test"}) { position }
}`, pin)
}

// Record records one world, each mutation through do (as a principal
// cleared for everything): the base, block (Hidden or Filler, whose
// CONFIDENTIAL operation is hid), the cycle naming hid, then the pin at
// the head and the revisions.
func Record(block, hid string, head func() uint64, do func(mutation string)) {
	do(BaseMutation())
	do(block)
	do(strings.ReplaceAll(Cycle, "@HID", hid))
	do(AfterPin(head()))
}
