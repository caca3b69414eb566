package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/members"
	"github.com/hearth-community/hearth/bot/simulate"
	"github.com/hearth-community/hearth/store"
)

// The benchmark community: 10,000 members and 1,000,000 events over 90 days.
var benchHistory = simulate.Options{
	Community: bot.Community{ID: "slack:TBENCH", Platform: bot.Slack, Name: "Bench"},
	Members:   10_000, Days: 90, Events: 1_000_000, Seed: 1, Batch: 2000,
	End: time.Date(2026, time.March, 2, 0, 0, 0, 0, time.UTC),
}

var (
	benchOnce sync.Once
	benchPath string
	benchErr  error
	benchDir  string
)

// TestMain removes the benchmark database built during the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchDB returns the path of the benchmark database, built once per run
// with the simulator through the core (or taken from HEARTH_BENCH_DB, which
// is built there if missing and kept, to save the build across runs).
func benchDB(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		benchPath = os.Getenv("HEARTH_BENCH_DB")
		if benchPath == "" {
			if benchDir, benchErr = os.MkdirTemp("", "hearth-bench-"); benchErr != nil {
				return
			}
			benchPath = filepath.Join(benchDir, "bench.db")
		} else if _, err := os.Stat(benchPath); err == nil || hasEvents(benchPath) {
			return
		}
		ctx := context.Background()
		start := time.Now()
		db, err := store.Open(ctx, benchPath)
		if err != nil {
			benchErr = err
			return
		}
		defer db.Close()
		core, err := bot.New(bot.Config{Store: db, Clock: bot.NewManualClock(benchHistory.End)})
		if err != nil {
			benchErr = err
			return
		}
		st, err := simulate.Run(ctx, core, benchHistory)
		if err != nil {
			benchErr = err
			return
		}
		b.Logf("built %s: %d events, %d members in %v", benchPath, st.Events, st.Members, time.Since(start).Round(time.Second))
	})
	if benchErr != nil {
		b.Fatalf("build benchmark database: %v", benchErr)
	}
	return benchPath
}

// BenchmarkReport30d times bot.BuildReport (the period and the previous
// one) for the last 30 days of the benchmark community, with the two
// MemberWeeks calls its participation levels make (bot/members fillLevels:
// 4 weeks as of To and as of From, counts only).
func BenchmarkReport30d(b *testing.B) {
	path := benchDB(b)
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	q := bot.ReportQuery{Community: benchHistory.Community.ID, To: benchHistory.End.Add(-7 * time.Hour)}
	q.From = q.To.Add(-30 * 24 * time.Hour)
	rep, err := bot.BuildReport(ctx, db, q)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("members %+v activity %+v channels %d quiet %d unanswered %d", rep.Members, rep.Activity, len(rep.Channels), len(rep.QuietMembers), len(rep.Unanswered))
	levels := func(rep *bot.Report) error {
		for _, end := range []time.Time{rep.To, rep.From} {
			if _, err := db.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: rep.Community, End: end, Weeks: members.LevelWeeks, CountsOnly: true}); err != nil {
				return err
			}
		}
		return nil
	}
	cpu := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		rep, err := bot.BuildReport(ctx, db, q)
		if err == nil {
			err = levels(&rep)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	// CPU time per report, all goroutines: what the report costs, whatever
	// else the machine is doing.
	b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// BenchmarkMemberWeeks times 4 weeks of every member of the benchmark
// community: what participation levels read. The end is 7 hours before
// midnight, so each of the five week boundaries cuts a day that is read
// from the events; "midnight" has none.
func BenchmarkMemberWeeks(b *testing.B) {
	path := benchDB(b)
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, bc := range []struct {
		name   string
		end    time.Time
		counts bool
	}{{"cut days", benchHistory.End.Add(-7 * time.Hour), false}, {"midnight", benchHistory.End, false},
		{"30 days earlier", benchHistory.End.Add(-30*24*time.Hour - 7*time.Hour), false},
		{"30 days earlier, counts only", benchHistory.End.Add(-30*24*time.Hour - 7*time.Hour), true}} { // what a 30-day report reads for its previous levels
		b.Run(bc.name, func(b *testing.B) {
			q := bot.MemberWeeksQuery{Community: benchHistory.Community.ID, End: bc.end, Weeks: 4, CountsOnly: bc.counts}
			got, err := db.MemberWeeks(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			active := 0
			for _, mw := range got {
				for _, w := range mw.Weeks {
					if w.Active() {
						active++
					}
				}
			}
			b.Logf("%d members, %d active member-weeks", len(got), active)
			cpu := cpuTime()
			b.ResetTimer()
			for b.Loop() {
				if _, err := db.MemberWeeks(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var benchSeq atomic.Int64

// benchStore opens a fresh database for a benchmark, closed when it ends:
// a file, or with HEARTH_BENCH_POSTGRES=1 a schema of its own in the
// database HEARTH_TEST_POSTGRES names.
func benchStore(b *testing.B) *store.DB {
	b.Helper()
	if os.Getenv("HEARTH_BENCH_POSTGRES") == "1" {
		db, _ := openPostgres(b)
		return db
	}
	db, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "record.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// hasEvents reports whether HEARTH_BENCH_DB names a PostgreSQL database
// built already.
func hasEvents(name string) bool {
	if !store.IsPostgresURL(name) {
		return false
	}
	raw, err := sql.Open("pgx", name)
	if err != nil {
		return false
	}
	defer raw.Close()
	var n int
	return raw.QueryRow(`SELECT COUNT(*) FROM events`).Scan(&n) == nil && n > 0
}

// benchCore is the core on a fresh database, closed when the benchmark ends.
func benchCore(b *testing.B) (*bot.Bot, time.Time) {
	b.Helper()
	db := benchStore(b)
	at := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	core, err := bot.New(bot.Config{Store: db, Clock: bot.NewManualClock(at)})
	if err != nil {
		b.Fatal(err)
	}
	return core, at
}

// BenchmarkRecord measures events per second through the core, one event
// per HandleEvent call from many goroutines: group commit at work.
func BenchmarkRecord(b *testing.B) {
	ctx := context.Background()
	core, at := benchCore(b)
	b.SetParallelism(64)
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := core.HandleEvent(ctx, benchEvent(benchSeq.Add(1), at)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}

// BenchmarkRecordBatch measures events per second through HandleEvents with
// batches of 500, the simulator's and bulk imports' path.
func BenchmarkRecordBatch(b *testing.B) {
	ctx := context.Background()
	core, at := benchCore(b)
	const size = 500
	batch := make([]bot.Event, 0, size)
	start := time.Now()
	for i := range b.N {
		batch = append(batch, benchEvent(benchSeq.Add(1), at))
		if len(batch) == size || i == b.N-1 {
			if err := core.HandleEvents(ctx, batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}

// benchEvent is the i-th event of a busy community: 2,000 members in 8
// channels, half messages and replies, half reactions.
func benchEvent(i int64, start time.Time) bot.Event {
	ch := fmt.Sprintf("C%d", i%8)
	e := bot.Event{
		Community: "slack:TREC", Channel: ch, Member: fmt.Sprintf("U%05d", i*7919%2000),
		At: start.Add(time.Duration(i) * 50 * time.Millisecond), Key: fmt.Sprintf("%s:%d", ch, i), Message: fmt.Sprint(i),
	}
	switch i % 4 {
	case 0:
		e.Kind = bot.KindMessage
	case 1, 2:
		e.Kind, e.Parent = bot.KindReply, fmt.Sprint(i-i%4)
	default:
		e.Kind, e.Message, e.Key = bot.KindReaction, fmt.Sprint(i-3), fmt.Sprintf("%s:%d:r", ch, i)
	}
	return e
}

// BenchmarkRecordGrowing records a simulated history (10,000 members, 90
// days, batches of 500, as `hearth simulate` does) into a fresh database
// and reports the events per second of its last tenth, recorded while the
// database already holds 90% of the history: whether recording slows
// down as the database grows. Each iteration is a whole history; run it
// with -benchtime 1x.
func BenchmarkRecordGrowing(b *testing.B) {
	for _, events := range []int{200_000, 1_000_000} {
		b.Run(fmt.Sprint(events), func(b *testing.B) {
			ctx := context.Background()
			var total, late time.Duration
			var lateEvents int
			for range b.N {
				b.StopTimer()
				db, err := store.Open(ctx, filepath.Join(b.TempDir(), "grow.db"))
				if err != nil {
					b.Fatal(err)
				}
				o := benchHistory
				o.Events, o.Batch = events, 500
				core, err := bot.New(bot.Config{Store: db, Clock: bot.NewManualClock(o.End)})
				if err != nil {
					b.Fatal(err)
				}
				sink := &timedSink{core: core, after: events * 9 / 10}
				b.StartTimer()
				start := time.Now()
				if _, err := simulate.Run(ctx, sink, o); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
				late += sink.late
				lateEvents += sink.lateEvents
				b.StopTimer()
				db.Close()
			}
			b.ReportMetric(float64(events*b.N)/total.Seconds(), "events/s")
			b.ReportMetric(float64(lateEvents)/late.Seconds(), "late-events/s")
		})
	}
}

// timedSink passes a simulated history to the core and times the batches
// recorded once after events are in.
type timedSink struct {
	core       *bot.Bot
	after      int
	seen       int
	late       time.Duration
	lateEvents int
}

func (s *timedSink) HandleDirectory(ctx context.Context, d bot.Directory) error {
	return s.core.HandleDirectory(ctx, d)
}

func (s *timedSink) HandleEvents(ctx context.Context, events ...bot.Event) error {
	if s.seen < s.after {
		s.seen += len(events)
		return s.core.HandleEvents(ctx, events...)
	}
	start := time.Now()
	err := s.core.HandleEvents(ctx, events...)
	s.late += time.Since(start)
	s.lateEvents += len(events)
	return err
}
