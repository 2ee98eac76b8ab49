package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/components/cqrs"
	"github.com/ThreeDotsLabs/watermill/components/requestreply"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"

	"github.com/supplyeval/supplyeval/domain"
)

// commandNames lists the commands the bus carries. Each kind gets
// commandLanes topics, each with its own handler, so commands run
// concurrently (and concurrent appends share the store's fsyncs) instead
// of queueing behind one subscriber. Ordering across commands is not the
// bus's job: the domain service serialises the commands of one stream and
// checks each against the stream's version.
const commandLanes = 4

var commandNames = []string{
	"defineRegion", "linkRegions", "defineIndicator", "recordObservations", "reviseObservation", "retractObservation",
	"launchOperation", "reportOperationOutputs", "changeOperationScope", "concludeOperation", "declassifyOperation",
	"adoptPolicyChange", "amendPolicyChange", "repealPolicyChange",
	"openCycle", "pinCycleEvidence", "recordFinding", "closeCycle",
}

// nextLane spreads commands over the lanes of their kind.
var nextLane atomic.Uint64

// busCommand is a command as it travels on the bus: its name, who sent
// it, and its JSON.
type busCommand struct {
	Name     string          `json:"name"`
	Envelope domain.Envelope `json:"envelope"`
	Payload  json.RawMessage `json:"payload"`
}

// busReply is the handler's answer. Errors travel with their code and
// field, so the API can report them exactly.
type busReply struct {
	Result domain.Result `json:"result"`
	Error  *wireError    `json:"error,omitempty"`
}

type wireError struct {
	Code    domain.Code `json:"code"`
	Field   string      `json:"field,omitempty"`
	Message string      `json:"message"`
}

// commandBus sends commands through watermill's cqrs command bus (over an
// in-process GoChannel) to the domain service, and returns the handler's
// reply through watermill's request-reply component.
type commandBus struct {
	bus     *cqrs.CommandBus
	backend *requestreply.PubSubBackend[busReply]
	router  *message.Router
	pubsub  *gochannel.GoChannel
	timeout time.Duration
}

func newCommandBus(service *domain.Service, logger watermill.LoggerAdapter) (*commandBus, error) {
	pubsub := gochannel.NewGoChannel(gochannel.Config{OutputChannelBuffer: 64}, logger)
	timeout := 2 * time.Minute
	backend, err := requestreply.NewPubSubBackend[busReply](requestreply.PubSubBackendConfig{
		Publisher: pubsub,
		SubscriberConstructor: func(requestreply.PubSubBackendSubscribeParams) (message.Subscriber, error) {
			return pubsub, nil
		},
		GenerateSubscribeTopic: func(p requestreply.PubSubBackendSubscribeParams) (string, error) {
			return "replies." + string(p.OperationID), nil
		},
		GeneratePublishTopic: func(p requestreply.PubSubBackendPublishParams) (string, error) {
			return "replies." + string(p.OperationID), nil
		},
		Logger:                logger,
		ListenForReplyTimeout: &timeout,
		AckCommandErrors:      true,
	}, requestreply.BackendPubsubJSONMarshaler[busReply]{})
	if err != nil {
		return nil, fmt.Errorf("request-reply backend: %w", err)
	}
	marshaler := cqrs.JSONMarshaler{GenerateName: cqrs.StructName}
	bus, err := cqrs.NewCommandBusWithConfig(pubsub, cqrs.CommandBusConfig{
		GeneratePublishTopic: func(p cqrs.CommandBusGeneratePublishTopicParams) (string, error) {
			lane := nextLane.Add(1) % commandLanes
			return "commands." + p.Command.(*busCommand).Name + "." + strconv.FormatUint(lane, 10), nil
		},
		Marshaler: marshaler,
		Logger:    logger,
	})
	if err != nil {
		return nil, fmt.Errorf("command bus: %w", err)
	}
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: 30 * time.Second}, logger)
	if err != nil {
		return nil, err
	}
	router.AddMiddleware(middleware.CorrelationID, middleware.Recoverer)
	processor, err := cqrs.NewCommandProcessorWithConfig(router, cqrs.CommandProcessorConfig{
		GenerateSubscribeTopic: func(p cqrs.CommandProcessorGenerateSubscribeTopicParams) (string, error) {
			return "commands." + p.CommandHandler.HandlerName(), nil
		},
		SubscriberConstructor: func(cqrs.CommandProcessorSubscriberConstructorParams) (message.Subscriber, error) {
			return pubsub, nil
		},
		Marshaler: marshaler,
		Logger:    logger,
	})
	if err != nil {
		return nil, fmt.Errorf("command processor: %w", err)
	}
	for _, name := range commandNames {
		for lane := 0; lane < commandLanes; lane++ {
			// The handler's name is its topic's suffix: "recordObservations.2".
			h := requestreply.NewCommandHandlerWithResult[busCommand, busReply](name+"."+strconv.Itoa(lane), backend,
				func(ctx context.Context, c *busCommand) (busReply, error) {
					return handleBusCommand(ctx, service, c), nil
				})
			if err := processor.AddHandlers(h); err != nil {
				return nil, err
			}
		}
	}
	return &commandBus{bus: bus, backend: backend, router: router, pubsub: pubsub, timeout: timeout}, nil
}

func handleBusCommand(ctx context.Context, service *domain.Service, c *busCommand) busReply {
	cmd, err := domain.DecodeCommand(c.Name, c.Payload)
	if err == nil {
		var res domain.Result
		if res, err = service.Handle(ctx, c.Envelope, cmd); err == nil {
			return busReply{Result: res}
		}
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return busReply{Error: &wireError{Code: de.Code, Field: de.Field, Message: de.Message}}
	}
	return busReply{Error: &wireError{Code: domain.Internal, Message: err.Error()}}
}

// run runs the command router until ctx is done.
func (b *commandBus) run(ctx context.Context) error { return b.router.Run(ctx) }

func (b *commandBus) running() <-chan struct{} { return b.router.Running() }

// Handle sends cmd over the bus and waits for the handler's reply.
func (b *commandBus) Handle(ctx context.Context, env domain.Envelope, cmd domain.Command) (domain.Result, error) {
	payload, err := json.Marshal(cmd)
	if err != nil {
		return domain.Result{}, domain.Invalid("", "command cannot be encoded: %s", err)
	}
	reply, err := requestreply.SendWithReply[busReply](ctx, b.bus, b.backend,
		&busCommand{Name: cmd.CommandName(), Envelope: env, Payload: payload})
	if err != nil {
		return domain.Result{}, fmt.Errorf("send %s: %w", cmd.CommandName(), err)
	}
	if reply.Error != nil {
		return domain.Result{}, fmt.Errorf("%s: %w", cmd.CommandName(), reply.Error)
	}
	r := reply.HandlerResult
	if r.Error != nil {
		e := &domain.Error{Code: r.Error.Code, Field: r.Error.Field, Message: r.Error.Message}
		if e.Code == domain.Internal {
			e.Err = errors.New(r.Error.Message)
		}
		return domain.Result{}, e
	}
	return r.Result, nil
}

func (b *commandBus) Close() error {
	return errors.Join(b.router.Close(), b.pubsub.Close())
}
