package slack

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
)

// BenchmarkSlackHistory reads one channel of 20,000 messages, 30% of them
// replies (threads of 5), through the fake Slack: 14,000 top-level
// messages in 70 pages and 1,200 threads. The adapter paces itself at
// Tier 3 (50 calls a minute per method) on a manual clock that its waits
// advance, so "events/s" is the adapter's and the fake's own speed and
// "sim-min/op" the time, on the clock, the channel takes within Slack's
// limits. With tiers=slack the fake also enforces those limits (a 429
// would add its Retry-After to sim-min/op).
func BenchmarkSlackHistory(b *testing.B) {
	for _, tiers := range []string{"off", "slack"} {
		b.Run("tiers="+tiers, func(b *testing.B) {
			clock := bot.NewManualClock(time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC))
			fake := fakeslack.New(b, fakeslack.Options{Now: clock.Now})
			fake.AddUser(alice, bob, ada)
			fake.AddChannel(general)
			if tiers == "slack" {
				fake.LimitRates(fakeslack.HistoryTiers)
			}
			const top, threads, perThread = 14000, 1200, 5
			n := 0
			for i := 0; i < top; i++ {
				parent := fmt.Sprintf("%d.000000", 1690000000+i*100)
				fake.Record(fakeslack.Message(general.ID, alice.ID, parent))
				n++
				if i*threads/top != (i+1)*threads/top { // exactly `threads` of them
					for r := 1; r <= perThread; r++ {
						fake.Record(fakeslack.Reply(general.ID, bob.ID, fmt.Sprintf("%d.%06d", 1690000000+i*100, r), parent))
						n++
					}
				}
			}
			sleep := func(ctx context.Context, d time.Duration) error { clock.Advance(d); return ctx.Err() }
			a, err := New(Config{BotToken: fakeslack.DefaultBotToken, AppToken: fakeslack.DefaultAppToken, APIURL: fake.URL(),
				Handler: newRecorder(b), Clock: clock, Sleep: sleep, Log: slog.New(slog.DiscardHandler)})
			if err != nil {
				b.Fatal(err)
			}
			community := bot.CommunityID(bot.Slack, fake.TeamID())
			b.ResetTimer()
			events, simulated := 0, time.Duration(0)
			for i := 0; i < b.N; i++ {
				began := clock.Now()
				err := a.ReadHistory(context.Background(), bot.HistoryQuery{Community: community, Channel: general.ID},
					func(_ context.Context, evs []bot.Event, _ string) error { events += len(evs); return nil })
				if err != nil {
					b.Fatal(err)
				}
				simulated += clock.Now().Sub(began)
			}
			b.StopTimer()
			if events != n*b.N {
				b.Fatalf("read %d events, want %d", events, n*b.N)
			}
			b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(simulated.Minutes()/float64(b.N), "sim-min/op")
		})
	}
}
