package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDiskFullOnARealFileSystem fills a real (tmpfs) file system under a
// running server: writes become UNAVAILABLE before the disk is full, reads
// go on, writes resume by themselves once space is freed, and after a
// kill -9 every acknowledged row is there. It mounts a file system, so it
// needs root: `make diskfull` (SUPPLYEVAL_DISKFULL=1).
func TestDiskFullOnARealFileSystem(t *testing.T) {
	if os.Getenv("SUPPLYEVAL_DISKFULL") == "" {
		t.Skip("set SUPPLYEVAL_DISKFULL=1 (as root) to fill a tmpfs under a running server: make diskfull")
	}
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=420m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", mnt).Run() })
	data := filepath.Join(mnt, "data")
	s := startServer(t, data)
	s.must(`mutation {
	  a: defineRegion(input: {code: "DE60", name: "Hamburg", country: "DE", level: NUTS2}) { position }
	  b: defineIndicator(input: {code: "seizures", name: "Cocaine seizures", family: AVAILABILITY, unit: "count",
	     granularity: DAY, desiredDirection: NONE}) { position }
	}`, nil)

	// Leave about 180 MiB: the 128 MiB the store keeps free and some room.
	var st syscall.Statfs_t
	if err := syscall.Statfs(mnt, &st); err != nil {
		t.Fatal(err)
	}
	free := int64(st.Bavail) * int64(st.Bsize)
	filler := filepath.Join(mnt, "filler")
	if err := os.WriteFile(filler, make([]byte, max(0, free-180<<20)), 0o600); err != nil {
		t.Fatal(err)
	}

	// Write batches of 2,000 daily rows until the server refuses one.
	acked, refused := 0, ""
	day := time.Date(1901, 1, 1, 0, 0, 0, 0, time.UTC)
	batch := func(n int) []map[string]any {
		rows := make([]map[string]any, n)
		for i := range rows {
			rows[i] = map[string]any{"region": "DE60", "period": day.Format("2006-01-02"), "value": float64(acked + i),
				"dimensions": []map[string]any{{"key": "note", "value": strings.Repeat("x", 60)}}}
			day = day.AddDate(0, 0, 1)
		}
		return rows
	}
	const record = `mutation($r: [ObservationRowInput!]!) { recordObservations(input: {indicator: "seizures", source: "fill", rows: $r}) { position } }`
	for i := 0; i < 600 && refused == ""; i++ {
		start := day
		r, err := s.query(record, map[string]any{"r": batch(2000)})
		switch {
		case err == nil:
			acked += 2000
		case len(r.Errors) > 0 && r.Errors[0].Extensions["code"] == "UNAVAILABLE":
			refused = r.Errors[0].Message
			day = start
		default:
			t.Fatalf("batch %d: %v\nlogs:\n%s", i, err, s.log())
		}
	}
	if refused == "" {
		t.Fatalf("%d rows recorded and no write refused: the disk never came near full", acked)
	}
	t.Logf("%d rows acknowledged, then: %s", acked, refused)
	if !strings.Contains(refused, "disk") {
		t.Errorf("the refusal does not name the disk: %s", refused)
	}
	if _, err := s.query(`{ position series(indicator: "seizures", region: "DE60", to: "1901-01-31") { points { period } } }`, nil); err != nil {
		t.Errorf("a read on the full disk: %v", err)
	}

	// Free space: the next write succeeds without a restart.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	resumed := false
	for i := 0; i < 50 && !resumed; i++ {
		start := day
		if _, err := s.query(record, map[string]any{"r": batch(2000)}); err == nil {
			acked += 2000
			resumed = true
		} else {
			day = start
			time.Sleep(200 * time.Millisecond)
		}
	}
	if !resumed {
		t.Fatalf("writes did not resume within 10 s of freeing space\nlogs:\n%s", s.log())
	}

	// kill -9 and restart: every acknowledged row is there.
	s.kill()
	s2 := startServer(t, data)
	defer s2.stop()
	got := s2.must(`{ series(indicator: "seizures", region: "DE60", dimensions: [{key: "note", value: "`+strings.Repeat("x", 60)+`"}]) { points { period } } }`, nil)
	points := got["series"].(map[string]any)["points"].([]any)
	if len(points) != acked {
		t.Errorf("%d rows after kill -9 and restart, %d acknowledged", len(points), acked)
	}
	fmt.Fprintf(os.Stderr, "disk full: %d rows acknowledged and all present after kill -9\n", acked)
}
