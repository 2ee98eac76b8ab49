package main

import (
	"flag"

	"github.com/supplyeval/supplyeval/domain"
)

// periodRangeFlag is --period-range FROM:TO, the years recorded periods
// must lie in (domain.PeriodRange).
type periodRangeFlag struct{ r domain.PeriodRange }

func (f *periodRangeFlag) String() string {
	if f == nil || f.r == (domain.PeriodRange{}) {
		return domain.DefaultPeriodRange.String()
	}
	return f.r.String()
}

// Set parses and validates FROM:TO.
func (f *periodRangeFlag) Set(s string) error {
	r, err := domain.ParsePeriodRange(s)
	if err != nil {
		return err
	}
	f.r = r
	return nil
}

// registerPeriodRange adds --period-range to fs.
func registerPeriodRange(fs *flag.FlagSet, f *periodRangeFlag) {
	fs.Var(f, "period-range", "years FROM:TO that recorded periods must lie in; observations outside are refused")
}
