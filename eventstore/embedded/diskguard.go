package embedded

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/supplyeval/supplyeval/eventstore"
)

// reserveFile is the ballast file the store keeps in its directory: space
// it gives back to the disk when the disk runs low, so that the storage
// engine can always flush, compact and open, and takes again once space
// has returned.
const reserveFile = "supplyeval-reserve"

// diskGuard refuses appends while the store's disk has less free space
// than the reserve, so that the storage engine never meets a full disk in
// the middle of writing its log (it cannot recover from that). It is used
// by the writer goroutine only, except low, which anyone may read.
type diskGuard struct {
	dir     string
	minFree uint64 // appends are refused below this much free space
	ballast uint64 // size of the reserve file; 0: none
	free    func(dir string) (uint64, error)
	log     *slog.Logger
	low     atomic.Bool // the last check found the disk low
}

// check returns an error wrapping eventstore.ErrUnavailable if an append
// of size bytes would leave less than minFree free; it then releases the
// reserve file. Once there is room for the reserve and more, it takes the
// reserve back.
func (g *diskGuard) check(size int) error {
	if g.free == nil || g.minFree == 0 {
		return nil
	}
	free, err := g.free(g.dir)
	if err != nil {
		// Not knowing is no reason to refuse writes.
		return nil
	}
	if free < g.minFree+uint64(size) {
		if !g.low.Swap(true) {
			g.log.Error("the disk is nearly full: appends are refused until space is freed",
				slog.String("dir", g.dir), slog.Uint64("free_bytes", free), slog.Uint64("reserve_bytes", g.minFree))
		}
		if _, err := g.releaseReserve(); err != nil {
			g.log.Error("could not release the reserve file", slog.String("error", err.Error()))
		}
		return fmt.Errorf("%w: the disk of %s has %s free, and the store keeps %s free in reserve; writes resume by themselves once space is freed on it",
			eventstore.ErrUnavailable, g.dir, mib(free), mib(g.minFree))
	}
	if g.low.Load() && free >= g.minFree+2*g.ballast {
		g.low.Store(false)
		g.log.Info("disk space is back: appends are accepted again", slog.String("dir", g.dir), slog.Uint64("free_bytes", free))
	}
	if !g.low.Load() && g.ballast > 0 && free >= g.minFree+2*g.ballast {
		if err := g.takeReserve(); err != nil {
			g.log.Warn("could not write the reserve file", slog.String("error", err.Error()))
		}
	}
	return nil
}

// releaseReserve deletes the reserve file and returns its size (0 if there
// was none).
func (g *diskGuard) releaseReserve() (uint64, error) {
	path := filepath.Join(g.dir, reserveFile)
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if err := os.Remove(path); err != nil {
		return 0, err
	}
	g.log.Warn("released the disk reserve file", slog.String("file", path), slog.Int64("bytes", info.Size()))
	return uint64(info.Size()), nil
}

// takeReserve writes the reserve file if it is missing or short.
func (g *diskGuard) takeReserve() error {
	path := filepath.Join(g.dir, reserveFile)
	if info, err := os.Stat(path); err == nil && uint64(info.Size()) >= g.ballast {
		return nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := allocate(f, int64(g.ballast)); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// allocate gives f size bytes of real disk blocks (not a sparse file).
func allocate(f *os.File, size int64) error {
	if err := fallocate(f, size); err == nil {
		return nil
	}
	buf := make([]byte, 1<<20)
	for written := int64(0); written < size; {
		n, err := f.Write(buf[:min(int64(len(buf)), size-written)])
		if err != nil {
			return err
		}
		written += int64(n)
	}
	return nil
}

func mib(b uint64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
