package intros_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot/intros"
)

// BenchmarkPairIntros pairs 1,000 opted-in members across 24 time zones
// with six earlier rounds to avoid: one intro round of a large community.
func BenchmarkPairIntros(b *testing.B) {
	members := make([]intros.IntroCandidate, 1000)
	for i := range members {
		members[i] = intros.IntroCandidate{ID: fmt.Sprintf("m%04d", i), Offset: time.Duration(i%24-11) * time.Hour, KnownTZ: i%3 != 0}
	}
	history := intros.IntroHistory{}
	for round := range 6 {
		for _, g := range intros.PairIntros(members, history, int64(round)) {
			for i := range g {
				for j := i + 1; j < len(g); j++ {
					history[intros.IntroPair(g[i], g[j])] = 6 - round // the age: 1 is the latest round
				}
			}
		}
	}
	seed := int64(100)
	for b.Loop() {
		if groups := intros.PairIntros(members, history, seed); len(groups) != 500 {
			b.Fatalf("%d groups", len(groups))
		}
		seed++
	}
}
