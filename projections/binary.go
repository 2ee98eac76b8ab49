package projections

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// enc writes the little-endian binary form of snapshots. The first error
// sticks; check err once at the end.
type enc struct {
	w    *bufio.Writer
	buf  [8]byte
	vbuf [binary.MaxVarintLen64]byte
	err  error
}

func newEnc(w io.Writer) *enc { return &enc{w: bufio.NewWriterSize(w, 256<<10)} }

func (e *enc) u64(v uint64) {
	if e.err != nil {
		return
	}
	binary.LittleEndian.PutUint64(e.buf[:], v)
	_, e.err = e.w.Write(e.buf[:])
}

func (e *enc) uvarint(v uint64) {
	if e.err != nil {
		return
	}
	n := binary.PutUvarint(e.vbuf[:], v)
	_, e.err = e.w.Write(e.vbuf[:n])
}

func (e *enc) i64(v int64)   { e.u64(uint64(v)) }
func (e *enc) f64(v float64) { e.u64(math.Float64bits(v)) }

func (e *enc) str(s string) {
	e.u64(uint64(len(s)))
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

func (e *enc) flush() error {
	if e.err != nil {
		return e.err
	}
	return e.w.Flush()
}

// dec reads what enc wrote, with bounds on lengths so that a damaged
// snapshot gives an error, not a huge allocation.
type dec struct {
	r   *bufio.Reader
	buf [8]byte
	err error
}

func newDec(r io.Reader) *dec { return &dec{r: bufio.NewReaderSize(r, 256<<10)} }

var errSnapshotDamaged = errors.New("snapshot damaged")

func (d *dec) u64() uint64 {
	if d.err != nil {
		return 0
	}
	if _, err := io.ReadFull(d.r, d.buf[:]); err != nil {
		d.err = fmt.Errorf("%w: %v", errSnapshotDamaged, err)
		return 0
	}
	return binary.LittleEndian.Uint64(d.buf[:])
}

func (d *dec) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(d.r)
	if err != nil {
		d.err = fmt.Errorf("%w: %v", errSnapshotDamaged, err)
		return 0
	}
	return v
}

func (d *dec) i64() int64   { return int64(d.u64()) }
func (d *dec) f64() float64 { return math.Float64frombits(d.u64()) }

// n reads a count and checks it against max.
func (d *dec) n(max uint64) int {
	v := d.u64()
	if v > max {
		if d.err == nil {
			d.err = fmt.Errorf("%w: count %d over %d", errSnapshotDamaged, v, max)
		}
		return 0
	}
	return int(v)
}

func (d *dec) str() string {
	n := d.n(1 << 20)
	if d.err != nil || n == 0 {
		return ""
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(d.r, b); err != nil {
		d.err = fmt.Errorf("%w: %v", errSnapshotDamaged, err)
		return ""
	}
	return string(b)
}
