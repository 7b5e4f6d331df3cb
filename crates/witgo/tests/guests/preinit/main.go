// Command preinit reports, as JSON, what a pre-initialised instance must
// have for its own (arguments, environment, preopened directories, random
// state, the clock) and what it keeps from the build (init's work).
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash/maphash"
	mathrand "math/rand"
	"math/rand/v2"
	"os"
	"strings"
	"time"
	"unsafe"
)

// Work done by init, at build time under --preinit.
var (
	initRuns  int
	initTime  time.Time
	initArgs  []string
	initEnv   string
	initTable = buildTable()
	initMap   = map[string]int{"a": 1}
	echo      = make(chan string)
)

func buildTable() string {
	sum := sha256.Sum256([]byte(strings.Repeat("witgo", 1000)))
	return hex.EncodeToString(sum[:4])
}

func init() {
	initRuns++
	initTime = time.Now()
	initArgs = append([]string(nil), os.Args...)
	initEnv = os.Getenv("PREINIT_ENV")
	// A goroutine from init, parked in the snapshot.
	go func() {
		for s := range echo {
			echo <- "echo " + s
		}
	}()
}

// mapSeed is a Go map's hash seed: the second word of its header (Go 1.24+
// maps: used count, then seed).
func mapSeed(m map[string]int) uint64 {
	h := *(*unsafe.Pointer)(unsafe.Pointer(&m))
	return uint64(*(*uintptr)(unsafe.Add(h, 8)))
}

func main() {
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	slept := time.Since(start)

	echo <- "hi"
	echoed := <-echo

	data, err := os.ReadFile("/data/hello.txt")
	file := string(data)
	if err != nil {
		file = "error: " + err.Error()
	}
	wd, _ := os.Getwd()
	fresh := map[string]int{"b": 2}

	out := map[string]any{
		"args":          os.Args,
		"env":           os.Getenv("PREINIT_ENV"),
		"lookup_env":    os.Environ(),
		"file":          file,
		"wd":            wd,
		"rand_v2":       rand.Uint64(),
		"math_rand":     mathrand.Int63(),
		"maphash":       maphash.String(maphash.MakeSeed(), "witgo"),
		"new_map_seed":  mapSeed(fresh),
		"init_map_seed": mapSeed(initMap),
		"now_unix_ms":   time.Now().UnixMilli(),
		"init_unix_ms":  initTime.UnixMilli(),
		"slept_ms":      slept.Milliseconds(),
		"init_runs":     initRuns,
		"init_args":     initArgs,
		"init_env":      initEnv,
		"init_table":    initTable,
		"echo":          echoed,
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
