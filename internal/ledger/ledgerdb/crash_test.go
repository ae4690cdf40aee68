package ledgerdb

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"pinwheel.dev/pinwheel/internal/attest"
	"pinwheel.dev/pinwheel/internal/changes"
	"pinwheel.dev/pinwheel/internal/ledger"
	"pinwheel.dev/pinwheel/internal/pgtest"
)

// The test binary doubles as a writer process: PINWHEEL_LEDGER_WRITER=db,service,count.
// It prints "committed <release-id>" after each commit; count 0 writes forever.
func TestMain(m *testing.M) {
	if spec := os.Getenv("PINWHEEL_LEDGER_WRITER"); spec != "" {
		os.Exit(runWriter(spec))
	}
	os.Exit(pgtest.Main(m))
}

func runWriter(spec string) int {
	parts := strings.Split(spec, ",")
	count, _ := strconv.Atoi(parts[2])
	parts[0] = os.Getenv("PINWHEEL_LEDGER_WRITER_DB") // a URL may hold commas
	ctx := context.Background()
	s, err := Open(ctx, parts[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	defer s.Close()
	for i := 0; count == 0 || i < count; i++ {
		r, err := s.CreateRelease(ctx, ledger.Release{Facts: changes.Facts{Service: parts[1], Info: attest.BuildInfo{Service: parts[1], GitCommit: strconv.Itoa(i)}}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 4
		}
		if _, err := s.RecordBuild(ctx, ledger.Build{Service: parts[1], Succeeded: true}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 5
		}
		fmt.Printf("committed %s\n", r.ID)
	}
	return 0
}

func writer(t *testing.T, db, service string, count int) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("PINWHEEL_LEDGER_WRITER=%s,%s,%d", "-", service, count), "PINWHEEL_LEDGER_WRITER_DB="+db)
	cmd.Stderr = os.Stderr
	return cmd
}

func TestConcurrentWriterProcesses(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		if testing.Short() {
			t.Skip("starts processes")
		}
		db := b.location(t)
		const procs, each = 4, 40
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			committed = map[string]bool{}
		)
		for p := 0; p < procs; p++ {
			cmd := writer(t, db, "svc", each)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					mu.Lock()
					committed[strings.TrimPrefix(sc.Text(), "committed ")] = true
					mu.Unlock()
				}
				if err := cmd.Wait(); err != nil {
					t.Errorf("writer: %v", err)
				}
			}()
		}
		wg.Wait()
		if len(committed) != procs*each {
			t.Fatalf("writers reported %d distinct releases, want %d (duplicate sequence numbers?)", len(committed), procs*each)
		}
		s, err := Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		rs, err := s.ListReleases(context.Background(), "svc", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != procs*each {
			t.Fatalf("ledger holds %d releases, want %d", len(rs), procs*each)
		}
		for _, r := range rs {
			if !committed[r.ID] {
				t.Errorf("release %s in ledger but never reported", r.ID)
			}
		}
	})
}

func TestKill9LosesNoCommittedRecord(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		if testing.Short() {
			t.Skip("starts and kills processes")
		}
		db := b.location(t)
		committed := map[string]bool{}
		for round := 0; round < 3; round++ {
			cmd := writer(t, db, "svc", 0)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(out)
			n := 0
			// Kill at a different point each round: after 5, 23, 41 commits.
			for sc.Scan() {
				committed[strings.TrimPrefix(sc.Text(), "committed ")] = true
				n++
				if n == 5+18*round {
					cmd.Process.Signal(syscall.SIGKILL)
					break
				}
			}
			for sc.Scan() { // lines already written before the kill landed
				committed[strings.TrimPrefix(sc.Text(), "committed ")] = true
			}
			cmd.Wait()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s, err := Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := b.check(ctx, s); err != nil {
			t.Fatal(err)
		}
		for id := range committed {
			if _, err := s.GetRelease(ctx, "svc", id); err != nil {
				t.Errorf("committed release %s lost after kill -9: %v", id, err)
			}
		}
		if len(committed) < 5+23+41 {
			t.Fatalf("only %d commits observed", len(committed))
		}
	})
}
