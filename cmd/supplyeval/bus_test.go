package main

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/domain"
)

// panicking is a command whose validation panics, under a registered name.
type panicking struct{}

func (panicking) CommandName() string { return "defineRegion" }
func (panicking) Validate() error     { panic("validation blew up") }

// TestEveryRegisteredCommandIsRoutedAndAnswered sends one command of every
// kind in the domain's registry through the node's command path: each is
// answered at once (there is no second list to forget a command in, and
// nothing to wait for), with the domain's error as it was made (code and
// field intact). A valid command is recorded, and a panic in a decision is
// an INTERNAL answer, not a crash.
func TestEveryRegisteredCommandIsRoutedAndAnswered(t *testing.T) {
	ctx := context.Background()
	n, err := Open(ctx, Config{DataDir: t.TempDir(), Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	env := domain.Envelope{Principal: domain.System("test")}
	for _, spec := range domain.Commands() {
		cmd := reflect.New(spec.Type).Elem().Interface().(domain.Command)
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		start := time.Now()
		_, err := n.Bus.Handle(cctx, env, cmd)
		cancel()
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.BadInput || de.Field == "" {
			t.Errorf("%s with no field set: %v, want BAD_INPUT naming a field", spec.Name, err)
		}
		if el := time.Since(start); el > time.Second {
			t.Errorf("%s answered after %s", spec.Name, el)
		}
	}
	res, err := n.Bus.Handle(ctx, env, domain.DefineRegion{Code: "NL", Name: "Netherlands", Country: "NL", Level: domain.RegionLevelCountry})
	if err != nil || res.Events != 1 {
		t.Fatalf("defineRegion: %+v, %v", res, err)
	}
	_, err = n.Bus.Handle(ctx, env, domain.DefineRegion{Code: "NL", Name: "Netherlands", Country: "NL", Level: domain.RegionLevelCountry})
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.Conflict || de.Field != "code" {
		t.Fatalf("defineRegion again: %v", err)
	}
	_, err = n.Bus.Handle(ctx, env, panicking{})
	if domain.ErrorCode(err) != domain.Internal {
		t.Fatalf("a panicking command: %v, want INTERNAL", err)
	}
	if _, err := n.Bus.Handle(ctx, env, domain.DefineRegion{Code: "BE", Name: "Belgium", Country: "BE", Level: domain.RegionLevelCountry}); err != nil {
		t.Fatalf("after a panic: %v", err)
	}
}
