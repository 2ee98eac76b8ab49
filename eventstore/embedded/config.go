package embedded

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Defaults for the zero fields of a Config.
const (
	DefaultMaxGroupBytes = 32 << 20  // 32 MiB
	DefaultMemTableSize  = 64 << 20  // 64 MiB
	DefaultCacheSize     = 64 << 20  // 64 MiB
	DefaultMinFreeBytes  = 128 << 20 // 128 MiB
	DefaultReserveBytes  = 64 << 20  // 64 MiB
)

// Config configures Open. The zero value of every field but Dir selects a
// default; Validate says what is wrong with a Config.
type Config struct {
	// Dir is the data directory, created if missing. It holds nothing but
	// the store's files, and only one Store may have it open at a time
	// (Open takes a lock on it). Required.
	Dir string

	// Now is the clock that stamps RecordedEvent.Recorded. The store keeps
	// recorded times non-decreasing in position order: a clock that steps
	// back is clamped to the last time recorded. Default time.Now.
	Now func() time.Time

	// Logger receives the storage engine's informational and error
	// messages. Default: none.
	Logger *slog.Logger

	// MaxGroupBytes bounds the encoded size of the appends that the writer
	// gathers into one commit (one fsync). An append larger than it is
	// committed on its own. Default DefaultMaxGroupBytes.
	MaxGroupBytes int

	// MemTableSize is the size of the storage engine's in-memory write
	// buffer; larger means fewer, larger flushes to sorted files. It must
	// be 1 MiB to 1 GiB. Default DefaultMemTableSize.
	MemTableSize int

	// CacheSize is the size of the storage engine's block cache for reads.
	// The engine also counts its memtables against that cache, so the store
	// makes it CacheSize plus two memtables. Default DefaultCacheSize.
	CacheSize int64

	// MinFreeBytes is the free space the store keeps on its disk: an
	// append that would leave less is refused with an error wrapping
	// eventstore.ErrUnavailable (nothing recorded; reads go on), until
	// space is freed. The storage engine cannot recover from a disk that
	// fills while it writes its log; this keeps it from meeting one.
	// Default DefaultMinFreeBytes; negative: no check.
	MinFreeBytes int64

	// ReserveBytes is the size of the reserve file the store keeps in Dir
	// while space allows and deletes when the disk runs low, so that the
	// engine can still flush, compact and open. Default
	// DefaultReserveBytes; negative: no reserve file.
	ReserveBytes int64

	// FreeSpace returns the free bytes of dir's file system. Default: the
	// operating system's figure (statfs). Tests set it to simulate a full
	// disk.
	FreeSpace func(dir string) (uint64, error)

	// OnCommit, when set, is called by the writer after each durable
	// commit with what it held and how long the commit (its WAL sync)
	// took, for metrics. It must return quickly; it runs on the writer.
	OnCommit func(Commit)
}

// Commit describes one durable commit of the writer (Config.OnCommit).
type Commit struct {
	// Appends is the number of appends gathered into the commit (group
	// commit: appends that arrived while the previous one synced), Events
	// the events they held.
	Appends, Events int
	// Took is the time the commit and its WAL sync took.
	Took time.Duration
}

// Validate reports every problem with c, joined with errors.Join, or nil.
// Zero fields are valid: they select defaults.
func (c Config) Validate() error {
	var errs []error
	if c.Dir == "" {
		errs = append(errs, errors.New("embedded: Config.Dir is required"))
	}
	if c.MaxGroupBytes < 0 {
		errs = append(errs, fmt.Errorf("embedded: Config.MaxGroupBytes is %d, must not be negative", c.MaxGroupBytes))
	}
	if c.MemTableSize != 0 && (c.MemTableSize < 1<<20 || c.MemTableSize > 1<<30) {
		errs = append(errs, fmt.Errorf("embedded: Config.MemTableSize is %d, must be 1 MiB to 1 GiB", c.MemTableSize))
	}
	if c.CacheSize < 0 {
		errs = append(errs, fmt.Errorf("embedded: Config.CacheSize is %d, must not be negative", c.CacheSize))
	}
	return errors.Join(errs...)
}

// withDefaults returns c with its zero fields set to their defaults.
func (c Config) withDefaults() Config {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.MaxGroupBytes == 0 {
		c.MaxGroupBytes = DefaultMaxGroupBytes
	}
	if c.MemTableSize == 0 {
		c.MemTableSize = DefaultMemTableSize
	}
	if c.CacheSize == 0 {
		c.CacheSize = DefaultCacheSize
	}
	if c.MinFreeBytes == 0 {
		c.MinFreeBytes = DefaultMinFreeBytes
	}
	if c.ReserveBytes == 0 {
		c.ReserveBytes = DefaultReserveBytes
	}
	if c.FreeSpace == nil {
		c.FreeSpace = freeSpace
	}
	return c
}
