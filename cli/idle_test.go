package cli

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// bareTeaEnv makes the test binary run bareTea instead of the tests.
const bareTeaEnv = "QFPOS_BARE_TEA"

// bareTea is the reference of BenchmarkIdleDesk: a Bubble Tea program with nothing but a clock
// that changes once a second, on the alternate screen, as the desk's header has.
func bareTea() {
	_, _ = tea.NewProgram(bareClock{}, tea.WithAltScreen()).Run()
}

type bareClock struct{ now time.Time }

func (c bareClock) Init() tea.Cmd { return tick() }
func (c bareClock) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case time.Time:
		c.now = msg
		return c, tick()
	case tea.KeyMsg:
		return c, tea.Quit
	}
	return c, nil
}
func (c bareClock) View() string { return c.now.Format("15:04:05") }
func tick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return t })
}

// BenchmarkIdleDesk measures the CPU the built desk uses while nothing happens — a journal of
// QFPOS_IDLE_SALES sales (default 1,000,000), nothing in flight, no key — over 60 s in a real
// pseudo-terminal (tmux), and the same for a bare Bubble Tea program with a one-second clock in
// the same run. It reports the desk's share of a core (%cpu) and its ratio to the bare program
// (x-bare). It takes a few minutes (the import, then two minutes of waiting):
//
//	go test -run '^$' -bench IdleDesk -benchtime 1x ./cli
func BenchmarkIdleDesk(b *testing.B) {
	if _, err := exec.LookPath("tmux"); err != nil {
		b.Skip("tmux is not installed")
	}
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("QFPOS_IDLE_SALES")); err == nil && v > 0 {
		n = v
	}
	h := newHeadlessAt(b, "", 0, time.Now().Add(-26*time.Hour))
	csv := filepath.Join(h.dir, "sales.csv")
	writeSalesCSV(b, csv, n)
	if code, out, errOut := runCmd(b, "sales", "import", "--config", h.cfg, csv); code != 0 {
		b.Fatalf("import: %d %s %s", code, out, errOut)
	}
	bin := builtQfpos(b)
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	window := 60 * time.Second
	desk := idleCPU(b, fmt.Sprintf("exec %s --config %s", bin, h.cfg), window)
	bare := idleCPU(b, fmt.Sprintf("exec env %s=1 %s", bareTeaEnv, self), window)
	b.ReportMetric(100*desk, "%cpu")
	b.ReportMetric(100*bare, "%cpu-bare")
	if bare > 0 {
		b.ReportMetric(desk/bare, "x-bare")
	}
}

// idleCPU runs command in an 80×24 tmux session, lets it settle for 5 s, and returns the share
// of a core its process used over the window (user and system time from /proc).
func idleCPU(b *testing.B, command string, window time.Duration) float64 {
	session := fmt.Sprintf("qfpos-idle-%d", os.Getpid())
	if out, err := exec.Command("tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", "TERM=xterm-256color "+command).CombinedOutput(); err != nil {
		b.Fatalf("tmux: %v %s", err, out)
	}
	defer exec.Command("tmux", "kill-session", "-t", session).Run()
	out, err := exec.Command("tmux", "display", "-p", "-t", session, "#{pane_pid}").Output()
	if err != nil {
		b.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	time.Sleep(5 * time.Second)
	start := cpuTicks(b, pid)
	time.Sleep(window)
	used := cpuTicks(b, pid) - start
	return float64(used) / 100 / window.Seconds() // USER_HZ is 100 on Linux
}

// cpuTicks is a process's user and system time in clock ticks (/proc/PID/stat, fields 14 and 15).
func cpuTicks(b *testing.B, pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatalf("the process ended: %v", err)
	}
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	utime, _ := strconv.Atoi(fields[11])
	stime, _ := strconv.Atoi(fields[12])
	return utime + stime
}

// writeSalesCSV writes n paid sales in the import's columns, numbered as QFPay numbers them.
func writeSalesCSV(b *testing.B, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "syssn,out_trade_no,txamt,txcurrcd,pay_type,txdtm,respcd,udid")
	day := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		at := day.Add(time.Duration(i) * 2 * time.Second)
		fmt.Fprintf(w, "%s0001%012d,POS%010d,%d,HKD,800208,%s,0000,POS-09\n", at.Format("20060102"), i, i, 1000+i%9000, at.Format("2006-01-02 15:04:05"))
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
}
