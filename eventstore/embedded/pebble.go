package embedded

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/cockroachdb/pebble/v2"
)

// pebbleOptions returns the Pebble options the store runs with. The
// returned cleanup releases the block cache's reference once the database
// has been opened (or failed to open).
func pebbleOptions(cfg Config, valueSeparation bool) (opts *pebble.Options, cleanup func()) {
	// Pebble counts its memtables against the block cache (they reserve
	// their size in it), so a cache no larger than the memtables caches
	// nothing at all. Give it room for two memtables (one filling, one
	// flushing) on top of the cache proper.
	cache := pebble.NewCache(cfg.CacheSize + 2*int64(cfg.MemTableSize))
	opts = &pebble.Options{
		Cache:              cache,
		FormatMajorVersion: pebble.FormatNewest,
		Logger:             pebbleLogger{cfg.Logger},
		MemTableSize:       uint64(cfg.MemTableSize),
		// Two memtables: one filling while the other flushes.
		MemTableStopWritesThreshold: 4,
		L0CompactionThreshold:       4,
		L0StopWritesThreshold:       24,
	}
	opts.EnsureDefaults()
	if valueSeparation {
		opts.Experimental.EnableColumnarBlocks = func() bool { return true }
		opts.Experimental.ValueSeparationPolicy = func() pebble.ValueSeparationPolicy {
			return pebble.ValueSeparationPolicy{
				Enabled:               true,
				MinimumSize:           1024,
				MaxBlobReferenceDepth: 10,
				RewriteMinimumAge:     0,
				TargetGarbageRatio:    1, // the log is append-only: nothing becomes garbage
			}
		}
	}
	return opts, func() { cache.Unref() }
}

// pebbleLogger routes Pebble's messages to a slog.Logger.
type pebbleLogger struct{ l *slog.Logger }

func (p pebbleLogger) Infof(format string, args ...any) {
	p.l.LogAttrs(context.Background(), slog.LevelInfo, fmt.Sprintf(format, args...), slog.String("component", "pebble"))
}

func (p pebbleLogger) Errorf(format string, args ...any) {
	p.l.LogAttrs(context.Background(), slog.LevelError, fmt.Sprintf(format, args...), slog.String("component", "pebble"))
}

// Fatalf is called by Pebble on an unrecoverable invariant violation; like
// Pebble's default logger it does not return.
func (p pebbleLogger) Fatalf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	p.l.LogAttrs(context.Background(), slog.LevelError, msg, slog.String("component", "pebble"), slog.Bool("fatal", true))
	panic("pebble: " + msg)
}
