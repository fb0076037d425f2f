package storage

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCrashConsistency runs a child process that writes sales and reversals and acknowledges
// each committed write on stdout, kills it with SIGKILL at random moments, and checks after each
// kill that every acknowledged write is in the journal and that bbolt's check is clean.
func TestCrashConsistency(t *testing.T) {
	if os.Getenv("QFPOS_CRASH_JOURNAL") != "" {
		return
	}
	cycles := 60
	if testing.Short() {
		cycles = 12
	}
	path := filepath.Join(t.TempDir(), "journal.db")
	rng := rand.New(rand.NewPCG(7, 11))
	acked := map[string]string{} // "sale <syssn>" -> "", "rev <otn>" -> last acknowledged state
	for cycle := range cycles {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
		cmd.Env = append(os.Environ(), "QFPOS_CRASH_JOURNAL="+path, "QFPOS_CRASH_CYCLE="+strconv.Itoa(cycle))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Wait for the child to start writing, then kill it a little later.
		first, ok := <-lines
		if !ok {
			_ = cmd.Wait()
			t.Fatalf("cycle %d: the child wrote nothing", cycle)
		}
		time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		for _, l := range append([]string{first}, drain(lines)...) {
			f := strings.Fields(l)
			if len(f) == 3 && f[0] == "ack" {
				acked[f[1]] = f[2]
			}
		}

		j, err := Open(path, WithLocation(hk))
		if err != nil {
			t.Fatalf("cycle %d: reopen after kill: %v", cycle, err)
		}
		if err := j.Check(); err != nil {
			t.Fatalf("cycle %d: check: %v", cycle, err)
		}
		for key, state := range acked {
			kind, id, _ := strings.Cut(key, ":")
			switch kind {
			case "sale":
				if _, ok, err := j.Sale(id); err != nil || !ok {
					t.Fatalf("cycle %d: acknowledged sale %s lost (%v)", cycle, id, err)
				}
			case "rev":
				r, ok, err := j.ReversalByOutTradeNo(id)
				if err != nil || !ok {
					t.Fatalf("cycle %d: acknowledged reversal %s lost (%v)", cycle, id, err)
				}
				if rank(r.State) < rank(State(state)) {
					t.Fatalf("cycle %d: reversal %s is %s, but %s was acknowledged", cycle, id, r.State, state)
				}
			}
		}
		j.Close()
	}
	if len(acked) < cycles {
		t.Fatalf("only %d writes acknowledged over %d cycles", len(acked), cycles)
	}
}

func drain(ch <-chan string) []string {
	var out []string
	for l := range ch {
		out = append(out, l)
	}
	return out
}

func rank(s State) int {
	return map[State]int{StatePending: 0, StateSent: 1, StateProcessing: 2, StateSucceeded: 3}[s]
}

// TestCrashChild is the process TestCrashConsistency kills.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("QFPOS_CRASH_JOURNAL")
	if path == "" {
		t.Skip("helper process")
	}
	cycle := os.Getenv("QFPOS_CRASH_CYCLE")
	j, err := Open(path, WithLocation(hk))
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	ack := func(key, state string) { fmt.Printf("ack %s %s\n", key, state) }
	for i := 0; ; i++ {
		s := Sale{SysSN: fmt.Sprintf("C%sN%d", cycle, i), OutTradeNo: fmt.Sprintf("POS_C%sN%d", cycle, i), Amount: 1000,
			Currency: "HKD", PayType: "800208", TxDtm: "2026-11-21 10:00:00", RespCD: "0000", Source: SourceRecorded}
		if _, err := j.PutSale(s); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		ack("sale:"+s.SysSN, "-")
		otn := "RF_" + s.SysSN
		r, err := j.Create(refundIntent(s, otn, 400))
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		ack("rev:"+otn, string(StatePending))
		for _, st := range []State{StateSent, StateProcessing, StateSucceeded} {
			if _, err := j.Transition(r.ID, Change{State: st, Event: Event{Type: EventState}}); err != nil {
				fmt.Println("error", err)
				os.Exit(1)
			}
			ack("rev:"+otn, string(st))
		}
	}
}
