//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestKillAtEveryStep SIGKILLs the autoscaler right after each step of a workflow (and once
// while an activity runs), starts another, and checks after convergence that nothing was
// duplicated, leaked, evicted twice or taken out of the group's bounds, and that the
// workflow finished once (docs/performance/kill-matrix.md). A run takes a sample of three
// cells chosen by a seed (the UTC day unless KILL_MATRIX_SEED is set), rotating so every
// cell is covered over the days; KILL_MATRIX=all runs every cell, KILL_MATRIX=<scenario>[,...]
// every cell of the scenarios named, KILL_MATRIX=<scenario>/<step>[,...] single cells (step 1..n or mid).
func TestKillAtEveryStep(t *testing.T) {
	t.Run("every recorded step is in the matrix", func(t *testing.T) { checkRecordedSteps(t) })
	t.Run("the daily samples cover every cell", func(t *testing.T) { checkRotation(t, rotationDays(matrixScenarios())) })
	cells, how := chooseCells(matrixScenarios(), os.Getenv("KILL_MATRIX"), os.Getenv("KILL_MATRIX_SEED"), time.Now())
	t.Log(how)
	var results []cellResult
	for _, c := range cells {
		t.Run(c.name(), func(t *testing.T) {
			r := cellResult{cell: c, began: time.Now()}
			defer func() {
				r.wall = time.Since(r.began)
				if t.Failed() && len(r.problems) == 0 {
					r.problems = []string{"failed before the checks (see the log)"}
				}
				results = append(results, r)
			}()
			runCell(t, &r)
		})
	}
	t.Log("kill matrix results:\n" + resultTable(results))
}

// cell is one scenario killed at one step: after its step-th completed step, or while an
// activity runs when step is 0 (the mid-activity variant).
type cell struct {
	sc   *scenario
	step int
}

func (c cell) name() string { return c.sc.name + "/" + c.stepName() }

func (c cell) stepName() string {
	if c.step == 0 {
		return "mid-activity"
	}
	return fmt.Sprintf("%02d-%s", c.step, c.sc.steps[c.step-1])
}

// tag names the cell's namespace and NodeGroup: unique per cell, short enough for hostnames.
func (c cell) tag() string {
	if c.step == 0 {
		return c.sc.short + "-mid"
	}
	return c.sc.short + "-" + strconv.Itoa(c.step)
}

// cellsOf lists a scenario's cells: one per step, then the mid-activity one.
func cellsOf(sc *scenario) []cell {
	var out []cell
	for k := 1; k <= len(sc.steps); k++ {
		out = append(out, cell{sc, k})
	}
	return append(out, cell{sc, 0})
}

// sampleSize is how many cells a CI run takes, each of another scenario.
const sampleSize = 3

// chooseCells picks the cells of this run. mode "all" takes every cell, a list of scenario
// names every cell of those, scenario/step one cell. Otherwise seed (or the day since the epoch) picks sampleSize
// scenarios in rotation, and each scenario's cell is the next one it has not run in the
// rotation: scenario j is picked on its n-th turn n = (seed*sampleSize+i) div len(scenarios),
// with cell n mod its cell count, so every cell runs within len(cells)*len(scenarios)/sampleSize days.
func chooseCells(scs []*scenario, mode, seedEnv string, now time.Time) ([]cell, string) {
	switch {
	case mode == "all":
		var out []cell
		for _, sc := range scs {
			out = append(out, cellsOf(sc)...)
		}
		return out, fmt.Sprintf("kill matrix: all %d cells (KILL_MATRIX=all)", len(out))
	case mode != "":
		var out []cell
		for _, item := range strings.Split(mode, ",") {
			name, step, one := strings.Cut(item, "/")
			for _, sc := range scs {
				for _, c := range cellsOf(sc) {
					if sc.name == name && (!one || step == strconv.Itoa(c.step) || step == "mid" && c.step == 0) {
						out = append(out, c)
					}
				}
			}
		}
		return out, fmt.Sprintf("kill matrix: %d cells of %s (KILL_MATRIX)", len(out), mode)
	}
	seed := now.UTC().Unix() / 86400
	source := "the UTC day"
	if v, err := strconv.ParseInt(seedEnv, 10, 64); err == nil && v >= 0 {
		seed, source = v, "KILL_MATRIX_SEED"
	}
	var out []cell
	for i := 0; i < sampleSize; i++ {
		turn := int(seed)*sampleSize + i
		sc := scs[turn%len(scs)]
		all := cellsOf(sc)
		out = append(out, all[(turn/len(scs))%len(all)])
	}
	names := make([]string, len(out))
	for i, c := range out {
		names[i] = c.name()
	}
	return out, fmt.Sprintf("kill matrix: seed %d (%s; reproduce with KILL_MATRIX_SEED=%d, or KILL_MATRIX=all): %s",
		seed, source, seed, strings.Join(names, ", "))
}

// cellResult is one row of the matrix.
type cellResult struct {
	cell        cell
	killedAfter string // what the history showed when the autoscaler died
	problems    []string
	converged   time.Duration
	began       time.Time
	wall        time.Duration // the whole cell: setup, kill, convergence, checks, clearing
}

func resultTable(rs []cellResult) string {
	var b strings.Builder
	b.WriteString("| scenario | kill | history at the kill | outcome | convergence | cell |\n|---|---|---|---|---|---|\n")
	for _, r := range rs {
		outcome := "ok"
		if len(r.problems) > 0 {
			outcome = strings.Join(r.problems, "; ")
		}
		conv := "-"
		if r.converged > 0 {
			conv = r.converged.Round(100 * time.Millisecond).String()
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.cell.sc.name, r.cell.stepName(), r.killedAfter, outcome, conv,
			r.wall.Round(time.Second))
	}
	return b.String()
}

// checkRotation checks that the samples of days consecutive seeds run every cell.
// rotationDays is how many days of samples run every cell: a scenario gets a turn every
// len(scs)/sampleSize days and runs its cells in order.
func rotationDays(scs []*scenario) int {
	most := 0
	for _, sc := range scs {
		most = max(most, len(cellsOf(sc)))
	}
	return (most*len(scs) + sampleSize - 1) / sampleSize
}

func checkRotation(t *testing.T, days int) {
	scs := matrixScenarios()
	all, _ := chooseCells(scs, "all", "", time.Now())
	seen := map[string]bool{}
	for seed := 1000; seed < 1000+days; seed++ {
		cells, _ := chooseCells(scs, "", strconv.Itoa(seed), time.Now())
		for _, c := range cells {
			seen[c.name()] = true
		}
	}
	for _, c := range all {
		if !seen[c.name()] {
			t.Errorf("%d days of samples never run %s", days, c.name())
		}
	}
}
