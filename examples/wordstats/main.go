// Package main implements the example:wordstats component: a stateless
// summarize function and a tally resource the host can create, feed and
// query.
package main

import (
	"sort"
	"strings"
	"unicode"

	"example.com/wordstats/gen/example/wordstats/stats"
	"example.com/wordstats/gen/witgo/wit"
)

// Stats implements the exported interface example:wordstats/stats.
type Stats struct{}

func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
}

func (Stats) Summarize(text string) stats.Summary {
	t := newTally()
	t.Add(text)
	s := stats.Summary{Words: t.total, Distinct: uint32(len(t.counts))}
	longest := ""
	for w := range t.counts {
		if len(w) > len(longest) || (len(w) == len(longest) && w < longest) {
			longest = w
		}
	}
	if longest != "" {
		s.Longest = wit.Some(longest)
	}
	return s
}

func (Stats) NewTally() stats.Tally { return newTally() }

func (Stats) TallyMerge(a, b stats.Tally) stats.Tally {
	out := newTally()
	for _, src := range []*tally{a.(*tally), b.(*tally)} {
		for w, n := range src.counts {
			out.counts[w] += n
			out.total += n
		}
	}
	return out
}

// tally is the Go value behind each stats.Tally handle.
type tally struct {
	counts map[string]uint32
	total  uint32
}

func newTally() *tally { return &tally{counts: map[string]uint32{}} }

func (t *tally) Add(text string) {
	for _, w := range words(text) {
		t.counts[w]++
		t.total++
	}
}

func (t *tally) Count(word string) (uint32, error) {
	if word == "" {
		return 0, stats.QueryErrorEmptyWord
	}
	n, ok := t.counts[strings.ToLower(word)]
	if !ok {
		return 0, stats.QueryErrorNotFound
	}
	return n, nil
}

func (t *tally) Top(n uint32) []wit.Tuple2[string, uint32] {
	out := make([]wit.Tuple2[string, uint32], 0, len(t.counts))
	for w, c := range t.counts {
		out = append(out, wit.Tuple2[string, uint32]{F0: w, F1: c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].F1 != out[j].F1 {
			return out[i].F1 > out[j].F1
		}
		return out[i].F0 < out[j].F0
	})
	if int(n) < len(out) {
		out = out[:n]
	}
	return out
}

func main() {}
