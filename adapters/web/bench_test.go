package web_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
)

// BenchmarkDashboardPages serves each page of a community of 10,000
// members with a year of activity (about 200,000 events) on the memstore.
// A real store's cost is cmd's to measure (see the report).
func BenchmarkDashboardPages(b *testing.B) {
	r := newRig(b)
	now := r.Clock.Now()
	const members = 10_000
	ms := make([]bot.Member, members)
	for i := range ms {
		ms[i] = bot.Member{ID: fmt.Sprintf("u%05d", i), Name: fmt.Sprintf("Member %05d", i), JoinedAt: bottest.T0.Add(-400 * 24 * time.Hour)}
	}
	r.AddMembers(ms...)
	evs := make([]bot.Event, 0, 200_000)
	for i := range 200_000 {
		m := ms[(i*7919)%members]
		at := now.Add(-time.Duration(i%365)*24*time.Hour - time.Duration(i%24)*time.Hour)
		kind := []bot.EventKind{bot.KindMessage, bot.KindReply, bot.KindReaction}[i%3]
		e := bot.Event{Kind: kind, Community: bottest.Community, Channel: []string{"general", "random", "help"}[i%3], Member: m.ID, At: at,
			Key: fmt.Sprintf("e%d", i), Message: fmt.Sprintf("e%d", i)}
		if kind != bot.KindMessage {
			e.Message = fmt.Sprintf("e%d", i-i%3)
		}
		if kind == bot.KindReply {
			e.Message, e.Parent = e.Key, fmt.Sprintf("e%d", i-1)
		}
		evs = append(evs, e)
	}
	r.Record(evs...)
	for _, p := range []string{"/dashboard/?period=30d", "/dashboard/?period=365d", "/dashboard/members?period=30d", "/dashboard/members?period=30d&sort=messages&dir=desc&page=50",
		"/dashboard/members/u00042", "/dashboard/channels", "/dashboard/checkins", "/dashboard/impact?period=365d"} {
		b.Run(p, func(b *testing.B) {
			for b.Loop() {
				if res := r.get(b, p, "s1"); res.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d", p, res.StatusCode)
				}
			}
		})
	}
}
