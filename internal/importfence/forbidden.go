package importfence

// Forbidden names the constructs fenced code may not use, each with the remedy a failure
// names, so the message tells the author what to write instead.
type Forbidden struct {
	// Calls maps "importpath.Name" (time.Now) or a whole import path (os) to its remedy.
	// Selectors are resolved through the file's imports, so an alias does not hide a call.
	Calls map[string]string
	// GoStatement and SelectStatement are the remedies for go and select statements; an
	// empty remedy allows the statement.
	GoStatement, SelectStatement string
}

// remedy returns what to use instead of path.name, and whether it is forbidden at all.
func (f Forbidden) remedy(path, name string) (string, bool) {
	if r, ok := f.Calls[path+"."+name]; ok {
		return r, true
	}
	r, ok := f.Calls[path]
	return r, ok
}

// forbidsPackage reports whether anything in path is forbidden, which makes a dot import of
// it unreadable to the checker and therefore forbidden too.
func (f Forbidden) forbidsPackage(path string) bool {
	for key := range f.Calls {
		if key == path || len(key) > len(path) && key[:len(path)+1] == path+"." {
			return true
		}
	}
	return false
}

const (
	injectClock = "take the time from the caller or an injected clock"
	noOS        = "take it from the caller: pure code does no I/O"
)

// Nondeterministic is the default fence for pure code such as planners: the same input must
// give the same output, so no wall clock, timers, goroutines, randomness or OS access.
var Nondeterministic = Forbidden{
	Calls: map[string]string{
		"time.Now": injectClock, "time.Since": injectClock, "time.Until": injectClock,
		"time.Sleep": injectClock, "time.After": injectClock, "time.AfterFunc": injectClock,
		"time.Tick": injectClock, "time.NewTimer": injectClock, "time.NewTicker": injectClock,
		"os": noOS, "os/exec": noOS, "os/signal": noOS, "syscall": noOS, "io/ioutil": noOS,
		"runtime":   "pure code has no business with the scheduler",
		"sync":      "pure code shares no state between goroutines",
		"math/rand": "take randomness from the caller", "math/rand/v2": "take randomness from the caller",
		"crypto/rand": "take randomness from the caller",
	},
	GoStatement:     "pure code starts no goroutines",
	SelectStatement: "pure code waits on no channels",
}
