package domain_test

import (
	"testing"
	"time"

	"github.com/supplyeval/supplyeval/domain"
)

func TestParsePeriodRoundTrip(t *testing.T) {
	cases := []struct {
		g     domain.Granularity
		s     string
		start string
	}{
		{domain.Year, "2024", "2024-01-01"},
		{domain.Quarter, "2024-Q2", "2024-04-01"},
		{domain.Quarter, "1999-Q4", "1999-10-01"},
		{domain.Month, "2024-05", "2024-05-01"},
		{domain.Month, "2000-12", "2000-12-01"},
		{domain.Week, "2024-W21", "2024-05-20"},
		{domain.Week, "2020-W53", "2020-12-28"}, // 2020 has 53 ISO weeks
		{domain.Week, "2021-W01", "2021-01-04"},
		{domain.Day, "2024-05-13", "2024-05-13"},
		{domain.Day, "2024-02-29", "2024-02-29"},
	}
	for _, c := range cases {
		p, err := domain.ParsePeriod(c.g, c.s)
		if err != nil {
			t.Fatalf("ParsePeriod(%s, %q): %v", c.g, c.s, err)
		}
		if got := p.String(); got != c.s {
			t.Errorf("ParsePeriod(%s, %q).String() = %q", c.g, c.s, got)
		}
		if got := p.Start().Format(domain.DateLayout); got != c.start {
			t.Errorf("%s %q starts %s, want %s", c.g, c.s, got, c.start)
		}
		if next := p.Add(1); !next.Start().After(p.Start()) {
			t.Errorf("%s %q: next period %s does not start later", c.g, c.s, next)
		}
	}
}

func TestParsePeriodRefusesMalformed(t *testing.T) {
	cases := []struct {
		g domain.Granularity
		s string
	}{
		{domain.Year, "24"}, {domain.Year, "2024-01"}, {domain.Year, "1700"}, {domain.Year, "+024"},
		{domain.Quarter, "2024-Q5"}, {domain.Quarter, "2024Q1"}, {domain.Quarter, "2024-05"},
		{domain.Month, "2024-13"}, {domain.Month, "2024-00"}, {domain.Month, "2024-5"}, {domain.Month, "2024-Q1"}, {domain.Month, "2024-+1"},
		{domain.Week, "2021-W53"}, {domain.Week, "2024-W00"}, {domain.Week, "2024-21"},
		{domain.Day, "2024-02-30"}, {domain.Day, "2024-5-13"}, {domain.Day, "2024-05"},
		{domain.Month, ""},
	}
	for _, c := range cases {
		if p, err := domain.ParsePeriod(c.g, c.s); err == nil {
			t.Errorf("ParsePeriod(%s, %q) = %v, want an error", c.g, c.s, p)
		}
	}
}

func TestConsecutivePeriodsHaveConsecutiveIndexes(t *testing.T) {
	for _, g := range domain.Granularities {
		p := domain.PeriodOf(g, time.Date(2019, 12, 30, 0, 0, 0, 0, time.UTC))
		for i := 0; i < 150; i++ {
			q, err := domain.ParsePeriod(g, p.String())
			if err != nil || q != p {
				t.Fatalf("%s: %v does not round-trip (%v, %v)", g, p, q, err)
			}
			next := domain.PeriodOf(g, p.Add(1).Start())
			if next.Index != p.Index+1 {
				t.Fatalf("%s: period after %v has index %d", g, p, next.Index)
			}
			p = next
		}
	}
}

func TestFirstPeriodFrom(t *testing.T) {
	d := func(s string) time.Time { t, _ := domain.ParseDate(s); return t }
	cases := []struct {
		g    domain.Granularity
		date string
		want string
	}{
		{domain.Month, "2018-01-01", "2018-01"}, // starts on the date
		{domain.Month, "2018-01-15", "2018-02"}, // first full month after
		{domain.Quarter, "2018-02-01", "2018-Q2"},
		{domain.Year, "2018-01-01", "2018"},
		{domain.Year, "2018-03-01", "2019"},
		{domain.Week, "2024-05-22", "2024-W22"},
		{domain.Day, "2024-05-22", "2024-05-22"},
	}
	for _, c := range cases {
		if got := domain.FirstPeriodFrom(c.g, d(c.date)).String(); got != c.want {
			t.Errorf("FirstPeriodFrom(%s, %s) = %s, want %s", c.g, c.date, got, c.want)
		}
	}
}

func TestDetectGranularity(t *testing.T) {
	for s, want := range map[string]domain.Granularity{"2024": domain.Year, "2024-Q1": domain.Quarter, "2024-03": domain.Month, "2024-W09": domain.Week, "2024-03-01": domain.Day} {
		if g, ok := domain.DetectGranularity(s); !ok || g != want {
			t.Errorf("DetectGranularity(%q) = %s, %v; want %s", s, g, ok, want)
		}
	}
	if _, ok := domain.DetectGranularity("March 2024"); ok {
		t.Error("DetectGranularity accepted a free-text date")
	}
}
