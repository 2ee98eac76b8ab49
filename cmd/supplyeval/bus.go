package main

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/rs/zerolog"

	"github.com/supplyeval/supplyeval/domain"
)

// commandBus is the node's in-process path for commands: the GraphQL API,
// the demo world, imports and the NATS ingest hand it typed commands, and
// it calls the domain service with them, returning the service's result
// and its error as they are (a *domain.Error keeps its code, field and
// cause). Which handler decides a command is the domain's command
// registry's business, so there is no second list here.
//
// It used to be a watermill command bus over an in-process GoChannel: each
// command was encoded to JSON and decoded again twice (command and reply),
// its error flattened to code, field and text, and a command missing from
// the bus's own list waited two minutes for a reply that never came. A
// channel inside one process delivers nothing a function call does not
// (no durability, no retry: commands are not retried blindly, their
// command IDs make retries safe), so watermill is kept where messages
// cross a boundary: the NATS ingest, the forwarder and the projections'
// routers.
type commandBus struct {
	service *domain.Service
	log     zerolog.Logger
}

func newCommandBus(service *domain.Service, log zerolog.Logger) *commandBus {
	return &commandBus{service: service, log: log}
}

// Handle has the domain service decide cmd. A panic in a decision is
// answered as an Internal error (and logged with its stack), not a crash
// of the node.
func (b *commandBus) Handle(ctx context.Context, env domain.Envelope, cmd domain.Command) (res domain.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			name := "command"
			if cmd != nil {
				name = cmd.CommandName()
			}
			b.log.Error().Str("command", name).Str("stack", string(debug.Stack())).Msgf("command panicked: %v", r)
			res, err = domain.Result{}, &domain.Error{Code: domain.Internal, Message: name + " failed: an internal fault of the server",
				Err: fmt.Errorf("panic: %v", r)}
		}
	}()
	return b.service.Handle(ctx, env, cmd)
}
