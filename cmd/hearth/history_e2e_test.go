package main

import (
	"testing"
	"time"
)

// hsStart is the scenario's first day: eight weeks ending Sunday Dec 27
// 2026.
var hsStart = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

func hsDefaultScenario() *hsScenario {
	return newHSScenario(hsOptions{seed: 18, start: hsStart, days: 56, members: 20, channels: 4, postsPerDay: 1.5})
}

func TestHistoryLiveDelivery(t *testing.T) {
	sc := hsDefaultScenario()
	t.Logf("scenario: %d messages, actions %v", len(sc.msgs), sc.count())
	w := newHSWorld(t, sc)
	a := w.startHearth("a")
	began := time.Now()
	w.deliver(a, sc.actions)
	t.Logf("delivered %d events live in %v", w.delivered, time.Since(began))
	now := sc.end.Add(-3 * time.Hour)
	t.Logf("slack: %s", a.report(w.slackCommunity, sc.start, sc.end, now))
	t.Logf("discord: %s", a.report(w.discordCommunity, sc.start, sc.end, now))
}
