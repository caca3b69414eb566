package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/hearth-community/hearth/adapters/slack"
	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/prompts"
	"github.com/hearth-community/hearth/schedules"
	"github.com/hearth-community/hearth/store"
)

// scrape is one read of /metrics, parsed as Prometheus parses it.
type scrape map[string]*dto.MetricFamily

// scrapeMetrics GETs url, checks the answer as `promtool check metrics`
// does (promlint: help text, units, _total suffixes, no duplicates) and
// parses it with the text parser Prometheus uses.
func scrapeMetrics(t *testing.T, url string) scrape {
	t.Helper()
	body := platGet(t, url)
	problems, err := promlint.New(strings.NewReader(body)).Lint()
	if err != nil {
		t.Fatalf("lint /metrics: %v", err)
	}
	for _, p := range problems {
		t.Errorf("/metrics: %s: %s", p.Metric, p.Text)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse /metrics: %v\n%s", err, body)
	}
	return mfs
}

// sum adds up the series of a family whose labels include want (a
// histogram's count).
func (s scrape) sum(family string, want map[string]string) float64 {
	mf, ok := s[family]
	if !ok {
		return 0
	}
	var total float64
next:
	for _, m := range mf.GetMetric() {
		for name, value := range want {
			found := false
			for _, l := range m.GetLabel() {
				if l.GetName() == name && l.GetValue() == value {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			total += m.GetCounter().GetValue()
		case m.Gauge != nil:
			total += m.GetGauge().GetValue()
		case m.Histogram != nil:
			total += float64(m.GetHistogram().GetSampleCount())
		}
	}
	return total
}

// metricSum is the sum of the series a selector picks in a /metrics body:
// `hearth_events_total{outcome="duplicate"}`. It reports false when the
// body does not parse.
func metricSum(body, selector string) (float64, bool) {
	family, labels, _ := strings.Cut(selector, "{")
	want := map[string]string{}
	for _, kv := range strings.Split(strings.TrimSuffix(labels, "}"), ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			want[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		return 0, false
	}
	return scrape(mfs).sum(family, want), true
}

// TestMetricsAfterActivity: after events, commands, a scheduler pass and a
// Slack post that met a 429, /metrics passes promtool's lint and each
// count moved by what happened.
func TestMetricsAfterActivity(t *testing.T) {
	ctx := context.Background()
	clock := bot.NewManualClock(testNow)
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "hearth.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b, err := bot.New(bot.Config{Store: db, Clock: clock, Facilitators: []string{"carol"}})
	if err == nil {
		err = features.Register(b, db)
	}
	if err != nil {
		t.Fatal(err)
	}

	fake := fakeslack.New(t, fakeslack.Options{Now: clock.Now})
	general := fakeslack.Channel{ID: "C0GENERAL", Name: "general"}
	fake.AddChannel(general)
	fo := fake.Options()
	sl, err := slack.New(slack.Config{BotToken: fo.BotToken, AppToken: fo.AppToken, APIURL: fake.URL(),
		Handler: b, Clock: clock, Observer: b.Observer(),
		Sleep: func(ctx context.Context, d time.Duration) error { clock.Advance(d); return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	b.AttachChat(bot.Slack, sl)
	runner, err := schedules.New(schedules.Config{Store: db, Jobs: b, Clock: clock, Grace: b.Grace()})
	if err != nil {
		t.Fatal(err)
	}

	srv := httptest.NewServer(operatorMux(db, b, map[string]http.Handler{}, nil)) // b's observer from here on
	defer srv.Close()
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- sl.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-ran; err != nil {
			t.Errorf("slack Run: %v", err)
		}
	}()
	fake.WaitConnections(1)
	before := scrapeMetrics(t, srv.URL+"/metrics")

	community := bot.CommunityID(bot.Slack, fake.TeamID())
	message := bot.Event{Kind: bot.KindMessage, Community: community, Channel: general.ID, Member: "U0ALICE", At: testNow, Key: "k1", Message: "1"}
	for range 2 {
		if err := b.HandleEvent(ctx, message); err != nil {
			t.Fatal(err)
		}
	}
	b.HandleCommand(ctx, bot.Command{Community: community, Channel: general.ID, Member: "carol", Text: "help"})
	b.HandleCommand(ctx, bot.Command{Community: community, Channel: general.ID, Member: "bob", Text: "facilitator add @bob"})
	fake.RateLimit("chat.postMessage", time.Second)
	if _, err := sl.Post(ctx, bot.Destination{Kind: bot.ToChannel, Community: community, Channel: general.ID}, bot.Post{Text: "hello"}); err != nil {
		t.Fatalf("post: %v", err)
	}
	if _, err := db.AddSchedule(ctx, bot.Schedule{Community: community, Kind: prompts.SchedulePrompt, Spec: "daily at 9:00",
		Channel: general.ID, CreatedBy: "carol", CreatedAt: testNow}); err != nil {
		t.Fatal(err)
	}
	clock.Set(testNow.Add(69 * time.Hour)) // the third 9:00: two missed, one on time
	if err := runner.RunDue(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}

	after := scrapeMetrics(t, srv.URL+"/metrics")
	for _, tt := range []struct {
		family string
		labels map[string]string
		delta  float64
	}{
		{"hearth_events_total", map[string]string{"platform": "slack", "kind": "message", "outcome": "recorded"}, 1},
		{"hearth_events_total", map[string]string{"platform": "slack", "kind": "message", "outcome": "duplicate"}, 1},
		{"hearth_commands_total", map[string]string{"command": "help", "outcome": "ok"}, 1},
		{"hearth_commands_total", map[string]string{"command": "facilitator add", "outcome": "refused"}, 1},
		{"hearth_command_duration_seconds", map[string]string{"command": "help"}, 1},
		{"hearth_platform_api_calls_total", map[string]string{"platform": "slack", "method": "chat.postMessage", "outcome": "rate_limited"}, 1},
		{"hearth_posts_total", map[string]string{"platform": "slack", "destination": "channel"}, 2}, // the post and the prompt
		{"hearth_outbound_queue_depth", map[string]string{"platform": "slack"}, 0},
		{"hearth_schedule_firings_total", map[string]string{"kind": "prompt", "outcome": "skipped"}, 2},
		{"hearth_schedule_firings_total", map[string]string{"kind": "prompt", "outcome": "fired"}, 1},
	} {
		if got := after.sum(tt.family, tt.labels) - before.sum(tt.family, tt.labels); got != tt.delta {
			t.Errorf("%s%v moved by %v, want %v", tt.family, tt.labels, got, tt.delta)
		}
	}
	for _, family := range []string{"go_goroutines", "go_memstats_alloc_bytes", "process_cpu_seconds_total"} {
		if _, ok := after[family]; !ok {
			t.Errorf("/metrics lacks %s: the Go and process collectors", family)
		}
	}
}

// BenchmarkPromObserver is the cost of counting one event and one command,
// on the paths every platform event and command take.
func BenchmarkPromObserver(b *testing.B) {
	o := newPromObserver(prometheus.NewRegistry())
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			o.Event(bot.Slack, bot.KindMessage, bot.OutcomeRecorded)
			o.Command("help", bot.OutcomeOK, time.Millisecond)
		}
	})
}
