// Package kurrentdbtest provides Server, a TEST DOUBLE of KurrentDB: an
// in-process gRPC server implementing the part of KurrentDB's streams
// service (event_store.client.streams.Streams: Append and Read, including
// catch-up subscriptions to $all) that the eventstore/kurrentdb adapter
// uses, so that the adapter and the real client library can be tested over
// the real wire protocol without a KurrentDB server.
//
// It is NOT KurrentDB. It is built from the client's own generated protocol
// packages (github.com/kurrent-io/KurrentDB-Client-Go/protos/kurrentdb/protocols/v1/streams
// and .../shared, which are exported, not internal) and backed by the
// embedded store. It has no cluster, no gossip, no server-features
// endpoint (the client then assumes an older server and uses the plain
// Append call), no authentication (it records the authorization header it
// receives and accepts any; TLS, with StartTLS, is real), no system events, no stream
// deletion, no persistent subscriptions, and ignores subscription filters
// and checkpoints. Commit positions are the embedded store's positions
// times Stride, so that they are monotonic but, as in KurrentDB, not
// gap-free.
package kurrentdbtest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/kurrent-io/KurrentDB-Client-Go/protos/kurrentdb/protocols/v1/shared"
	api "github.com/kurrent-io/KurrentDB-Client-Go/protos/kurrentdb/protocols/v1/streams"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/supplyeval/supplyeval/eventstore"
	"github.com/supplyeval/supplyeval/eventstore/embedded"
)

// Stride is how far apart the double puts consecutive commit positions.
const Stride = 128

// Server is the test double. Start one with Start or StartTB; its methods
// are safe for concurrent use.
type Server struct {
	api.UnimplementedStreamsServer

	store *embedded.Store
	grpc  *grpc.Server
	ln    net.Listener
	wg    sync.WaitGroup

	mu     sync.Mutex
	subs   map[int]context.CancelFunc
	next   int
	auth   string // the last authorization header received
	caFile string // with TLS: the CA's PEM file
}

// Authorization returns the authorization header of the last call (""
// if none), so that a test can check that the credentials of a connection
// string reach the server.
func (s *Server) Authorization() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auth
}

func (s *Server) noteAuth(ctx context.Context) {
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get("authorization"); len(v) > 0 {
			s.mu.Lock()
			s.auth = v[0]
			s.mu.Unlock()
		}
	}
}

// Start starts a double on 127.0.0.1 (a free port) backed by a new
// embedded store in dir, speaking plain text.
func Start(dir string) (*Server, error) { return start(dir, false) }

// StartTLS is Start with TLS: a certificate for 127.0.0.1 signed by a CA
// made for the occasion, whose PEM file is written to dir (see URL).
func StartTLS(dir string) (*Server, error) { return start(dir, true) }

func start(dir string, useTLS bool) (*Server, error) {
	opts := []grpc.ServerOption{grpc.MaxRecvMsgSize(16 << 20)}
	caFile := ""
	if useTLS {
		cert, caPEM, err := selfSigned()
		if err != nil {
			return nil, err
		}
		caFile = filepath.Join(dir, "ca.pem")
		if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
			return nil, err
		}
		opts = append(opts, grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})))
	}
	st, err := embedded.Open(embedded.Config{Dir: filepath.Join(dir, "store")})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		st.Close()
		return nil, err
	}
	s := &Server{store: st, ln: ln, grpc: grpc.NewServer(opts...), subs: map[int]context.CancelFunc{}, caFile: caFile}
	api.RegisterStreamsServer(s.grpc, s)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = s.grpc.Serve(ln)
	}()
	return s, nil
}

// StartTB starts a double in tb.TempDir() and stops it when tb ends.
func StartTB(tb testing.TB) *Server {
	tb.Helper()
	s, err := Start(tb.TempDir())
	if err != nil {
		tb.Fatalf("start the KurrentDB test double: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// StartTLSTB is StartTLS in tb.TempDir(), stopped when tb ends.
func StartTLSTB(tb testing.TB) *Server {
	tb.Helper()
	s, err := StartTLS(tb.TempDir())
	if err != nil {
		tb.Fatalf("start the KurrentDB test double: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// URL is the connection string for the double: plain text, or with
// StartTLS, TLS verified against the double's CA file. It has no
// credentials (the client sends credentials only over TLS).
func (s *Server) URL() string {
	if s.caFile != "" {
		return "kurrentdb://" + s.ln.Addr().String() + "?tls=true&tlsCAFile=" + url.QueryEscape(s.caFile)
	}
	return "kurrentdb://" + s.ln.Addr().String() + "?tls=false"
}

// selfSigned makes a CA and a server certificate for 127.0.0.1 signed by
// it, valid for a day; it returns the server's key pair and the CA's PEM.
func selfSigned() (tls.Certificate, []byte, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kurrentdbtest CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames: []string{"localhost"}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key},
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), nil
}

// DropSubscriptions ends every open subscription with an Unavailable
// status, as a server does on a leader change, and returns how many it
// ended.
func (s *Server) DropSubscriptions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.subs)
	for id, cancel := range s.subs {
		cancel()
		delete(s.subs, id)
	}
	return n
}

// Close stops serving and closes the backing store.
func (s *Server) Close() error {
	s.DropSubscriptions()
	s.grpc.Stop()
	s.wg.Wait()
	return s.store.Close()
}

func commit(p eventstore.Position) uint64 { return uint64(p) * Stride }

// Append implements the streams service's Append: a header with the
// stream and expected revision, then the proposed events.
func (s *Server) Append(stream grpc.ClientStreamingServer[api.AppendReq, api.AppendResp]) error {
	s.noteAuth(stream.Context())
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	opts := first.GetOptions()
	if opts == nil {
		return status.Error(codes.InvalidArgument, "first append message must carry options")
	}
	name := string(opts.GetStreamIdentifier().GetStreamName())
	var expected eventstore.ExpectedVersion
	switch o := opts.GetExpectedStreamRevision().(type) {
	case *api.AppendReq_Options_Revision:
		expected = eventstore.ExactVersion(o.Revision)
	case *api.AppendReq_Options_NoStream:
		expected = eventstore.NoStream
	case *api.AppendReq_Options_Any:
		expected = eventstore.Any
	case *api.AppendReq_Options_StreamExists:
		expected = eventstore.StreamExists
	default:
		return status.Error(codes.InvalidArgument, "no expected revision")
	}
	var events []eventstore.EventData
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		pm := req.GetProposedMessage()
		if pm == nil {
			return status.Error(codes.InvalidArgument, "expected a proposed message")
		}
		id, err := fromProtoUUID(pm.GetId())
		if err != nil {
			return status.Error(codes.InvalidArgument, err.Error())
		}
		events = append(events, eventstore.EventData{ID: id, Type: pm.GetMetadata()["type"], Data: pm.GetData(), Metadata: pm.GetCustomMetadata()})
	}
	res, err := s.store.Append(stream.Context(), name, expected, events)
	var wv *eventstore.WrongVersionError
	switch {
	case errors.As(err, &wv):
		w := &api.AppendResp_WrongExpectedVersion{}
		if wv.Actual == eventstore.NoVersion {
			w.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentNoStream{CurrentNoStream: &shared.Empty{}}
		} else {
			w.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentRevision{CurrentRevision: uint64(wv.Actual)}
		}
		switch {
		case expected == eventstore.Any:
			w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedAny{ExpectedAny: &shared.Empty{}}
		case expected == eventstore.NoStream:
			w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedNoStream{ExpectedNoStream: &shared.Empty{}}
		case expected == eventstore.StreamExists:
			w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedStreamExists{ExpectedStreamExists: &shared.Empty{}}
		default:
			w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedRevision{ExpectedRevision: uint64(expected)}
		}
		return stream.SendAndClose(&api.AppendResp{Result: &api.AppendResp_WrongExpectedVersion_{WrongExpectedVersion: w}})
	case errors.Is(err, eventstore.ErrEmptyAppend), errors.Is(err, eventstore.ErrInvalidStream):
		return status.Error(codes.InvalidArgument, err.Error())
	case err != nil:
		return status.Error(codes.Internal, err.Error())
	}
	p := commit(res.Position)
	return stream.SendAndClose(&api.AppendResp{Result: &api.AppendResp_Success_{Success: &api.AppendResp_Success{
		CurrentRevisionOption: &api.AppendResp_Success_CurrentRevision{CurrentRevision: res.Version},
		PositionOption:        &api.AppendResp_Success_Position{Position: &api.AppendResp_Position{CommitPosition: p, PreparePosition: p}},
	}}})
}

// Read implements the streams service's Read: reads of one stream
// (forwards, or backwards from its end), reads of $all (forwards or
// backwards) and catch-up subscriptions to $all.
func (s *Server) Read(req *api.ReadReq, stream grpc.ServerStreamingServer[api.ReadResp]) error {
	s.noteAuth(stream.Context())
	o := req.GetOptions()
	if o == nil {
		return status.Error(codes.InvalidArgument, "no read options")
	}
	ctx := stream.Context()
	backwards := o.GetReadDirection() == api.ReadReq_Options_Backwards
	if o.GetSubscription() != nil {
		all := o.GetAll()
		if all == nil {
			return status.Error(codes.Unimplemented, "the test double subscribes to $all only")
		}
		var after eventstore.Position
		if p := all.GetPosition(); p != nil {
			after = eventstore.Position(p.GetCommitPosition() / Stride) // exclusive
		} else if all.GetEnd() != nil {
			h, err := s.store.Head(ctx)
			if err != nil {
				return status.Error(codes.Internal, err.Error())
			}
			after = h
		}
		return s.subscribe(ctx, after, stream)
	}
	count := int(min(o.GetCount(), 1<<20))
	if so := o.GetStream(); so != nil {
		return s.readStream(ctx, so, backwards, count, stream)
	}
	if all := o.GetAll(); all != nil {
		return s.readAll(ctx, all, backwards, count, stream)
	}
	return status.Error(codes.InvalidArgument, "no stream option")
}

func (s *Server) readStream(ctx context.Context, so *api.ReadReq_Options_StreamOptions, backwards bool, count int, out grpc.ServerStreamingServer[api.ReadResp]) error {
	name := string(so.GetStreamIdentifier().GetStreamName())
	var evs []eventstore.RecordedEvent
	var err error
	if !backwards {
		from := uint64(0)
		if r, ok := so.GetRevisionOption().(*api.ReadReq_Options_StreamOptions_Revision); ok {
			from = r.Revision
		} else if so.GetEnd() != nil {
			return nil
		}
		evs, err = s.store.ReadStream(ctx, name, from, count)
	} else {
		evs, err = s.readStreamBackwards(ctx, name, so, count)
	}
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return out.Send(&api.ReadResp{Content: &api.ReadResp_StreamNotFound_{StreamNotFound: &api.ReadResp_StreamNotFound{
			StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(name)}}}})
	}
	if err != nil {
		return status.Error(codes.Internal, err.Error())
	}
	for _, ev := range evs {
		if err := out.Send(readResp(ev)); err != nil {
			return err
		}
	}
	return nil
}

// readStreamBackwards reads the whole stream forwards (the embedded store
// has no backwards read; a double can afford it) and returns its tail.
func (s *Server) readStreamBackwards(ctx context.Context, name string, so *api.ReadReq_Options_StreamOptions, count int) ([]eventstore.RecordedEvent, error) {
	var all []eventstore.RecordedEvent
	for from := uint64(0); ; {
		page, err := s.store.ReadStream(ctx, name, from, 1024)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < 1024 {
			break
		}
		from = page[len(page)-1].Version + 1
	}
	top := len(all) - 1
	if r, ok := so.GetRevisionOption().(*api.ReadReq_Options_StreamOptions_Revision); ok {
		top = min(top, int(r.Revision))
	}
	var out []eventstore.RecordedEvent
	for i := top; i >= 0 && len(out) < count; i-- {
		out = append(out, all[i])
	}
	return out, nil
}

func (s *Server) readAll(ctx context.Context, all *api.ReadReq_Options_AllOptions, backwards bool, count int, out grpc.ServerStreamingServer[api.ReadResp]) error {
	head, err := s.store.Head(ctx)
	if err != nil {
		return status.Error(codes.Internal, err.Error())
	}
	var evs []eventstore.RecordedEvent
	if !backwards {
		var after eventstore.Position
		if p := all.GetPosition(); p != nil && p.GetCommitPosition() > 0 {
			after = eventstore.Position((p.GetCommitPosition() - 1) / Stride) // inclusive of the event at p
		} else if all.GetEnd() != nil {
			after = head
		}
		evs, err = s.store.ReadAll(ctx, after, count)
	} else {
		top := head
		if p := all.GetPosition(); p != nil {
			top = min(head, eventstore.Position(p.GetCommitPosition()/Stride))
		} else if all.GetStart() != nil {
			top = 0
		}
		from := eventstore.Position(0)
		if uint64(top) > uint64(count) {
			from = top - eventstore.Position(count)
		}
		evs, err = s.store.ReadAll(ctx, from, int(top-from))
		for i, j := 0, len(evs)-1; i < j; i, j = i+1, j-1 {
			evs[i], evs[j] = evs[j], evs[i]
		}
	}
	if err != nil {
		return status.Error(codes.Internal, err.Error())
	}
	for _, ev := range evs {
		if err := out.Send(readResp(ev)); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) subscribe(ctx context.Context, after eventstore.Position, out grpc.ServerStreamingServer[api.ReadResp]) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.mu.Lock()
	id := s.next
	s.next++
	s.subs[id] = cancel
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.subs, id)
		s.mu.Unlock()
	}()
	sub, err := s.store.SubscribeAll(ctx, after)
	if err != nil {
		return status.Error(codes.Unavailable, err.Error())
	}
	defer sub.Close()
	if err := out.Send(&api.ReadResp{Content: &api.ReadResp_Confirmation{Confirmation: &api.ReadResp_SubscriptionConfirmation{
		SubscriptionId: "double-" + strconv.Itoa(id)}}}); err != nil {
		return err
	}
	for {
		ev, err := sub.Next(ctx)
		if err != nil {
			if out.Context().Err() != nil {
				return out.Context().Err()
			}
			return status.Error(codes.Unavailable, "subscription dropped by the test double: "+err.Error())
		}
		if err := out.Send(readResp(ev)); err != nil {
			return err
		}
	}
}

func readResp(ev eventstore.RecordedEvent) *api.ReadResp {
	p := commit(ev.Position)
	most, least := int64(0), int64(0)
	for i := 0; i < 8; i++ {
		most = most<<8 | int64(ev.ID[i])
		least = least<<8 | int64(ev.ID[8+i])
	}
	contentType := "application/octet-stream"
	if len(ev.Data) > 0 && (ev.Data[0] == '{' || ev.Data[0] == '[') {
		contentType = "application/json"
	}
	return &api.ReadResp{Content: &api.ReadResp_Event{Event: &api.ReadResp_ReadEvent{
		Event: &api.ReadResp_ReadEvent_RecordedEvent{
			Id:               &shared.UUID{Value: &shared.UUID_Structured_{Structured: &shared.UUID_Structured{MostSignificantBits: most, LeastSignificantBits: least}}},
			StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(ev.Stream)},
			StreamRevision:   ev.Version,
			PreparePosition:  p,
			CommitPosition:   p,
			Metadata: map[string]string{
				"type":         ev.Type,
				"content-type": contentType,
				// .NET ticks (100 ns) since the Unix epoch, as KurrentDB sends.
				"created": strconv.FormatInt(ev.Recorded.UnixNano()/100, 10),
			},
			CustomMetadata: ev.Metadata,
			Data:           ev.Data,
		},
		Position: &api.ReadResp_ReadEvent_CommitPosition{CommitPosition: p},
	}}}
}

func fromProtoUUID(u *shared.UUID) (uuid.UUID, error) {
	if st := u.GetStructured(); st != nil {
		var id uuid.UUID
		most, least := uint64(st.GetMostSignificantBits()), uint64(st.GetLeastSignificantBits())
		for i := 7; i >= 0; i-- {
			id[i] = byte(most)
			id[8+i] = byte(least)
			most >>= 8
			least >>= 8
		}
		return id, nil
	}
	id, err := uuid.Parse(u.GetString_())
	if err != nil {
		return uuid.Nil, fmt.Errorf("event id: %w", err)
	}
	return id, nil
}
