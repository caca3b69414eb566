package main

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hearth-community/hearth/bot"
)

// metricsHandler makes a Prometheus registry for b, with the Go and process
// collectors, makes it b's observer (and so that of the adapters and the
// scheduler, which hold b.Observer()), and returns the handler of
// /metrics. The counts are this process's: several instances on one
// database are summed by Prometheus, each scraped on its own.
func metricsHandler(b *bot.Bot) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	b.Observe(newPromObserver(reg))
	registerHistoryMetrics(reg, b.Metrics())
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// promObserver is the bot.Observer that keeps Prometheus metrics. Every
// label value comes from a fixed set (bot.Observer's contract).
type promObserver struct {
	events         *prometheus.CounterVec
	commands       *prometheus.CounterVec
	commandSeconds *prometheus.HistogramVec
	actions        *prometheus.CounterVec
	internalErrors *prometheus.CounterVec
	apiCalls       *prometheus.CounterVec
	posts          *prometheus.CounterVec
	queueDepth     *prometheus.GaugeVec
	firings        *prometheus.CounterVec
}

var _ bot.Observer = (*promObserver)(nil)

// newPromObserver registers Hearth's metrics on reg. The README's table
// lists them; keep the two in step.
func newPromObserver(reg prometheus.Registerer) *promObserver {
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "hearth", Name: name, Help: help}, labels)
		reg.MustRegister(c)
		return c
	}
	o := &promObserver{
		events: counter("events_total",
			"Events received from the platforms, by what became of them: recorded, duplicate (redelivered), ignored (bots, DMs, outside the pilot) or failed.",
			"platform", "kind", "outcome"),
		commands: counter("commands_total",
			"/hearth commands handled, by command and outcome: ok, refused (not understood, forbidden, bad arguments) or failed (internal error).",
			"command", "outcome"),
		commandSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "hearth", Name: "command_duration_seconds",
			Help:    "Time the core took to answer a /hearth command, by command.",
			Buckets: prometheus.DefBuckets,
		}, []string{"command"}),
		actions: counter("actions_total",
			"Buttons pressed and forms submitted, by action and outcome.",
			"action", "outcome"),
		internalErrors: counter("internal_errors_total",
			"Errors for the operator (the log says more), by where they happened: event, command, action, directory or schedule.",
			"source"),
		apiCalls: counter("platform_api_calls_total",
			"HTTP calls to the platforms' APIs, by method (Slack) or method and route (Discord), and outcome: ok, rate_limited (429) or failed.",
			"platform", "method", "outcome"),
		posts: counter("posts_total",
			"Posts Hearth made, by destination (channel, thread, dm, ephemeral) and outcome: ok, unreachable (closed DMs) or failed.",
			"platform", "destination", "outcome"),
		queueDepth: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "hearth", Name: "outbound_queue_depth",
			Help: "Posts waiting in the platform's paced outbound queue or being sent.",
		}, []string{"platform"}),
		firings: counter("schedule_firings_total",
			"Scheduled times dealt with, by schedule kind and outcome: fired, failed, or skipped (missed beyond grace or caught up).",
			"kind", "outcome"),
	}
	reg.MustRegister(o.commandSeconds, o.queueDepth)
	return o
}

func (o *promObserver) Event(p bot.Platform, kind bot.EventKind, outcome string) {
	o.events.WithLabelValues(string(p), string(kind), outcome).Inc()
}

func (o *promObserver) Command(name, outcome string, took time.Duration) {
	o.commands.WithLabelValues(name, outcome).Inc()
	o.commandSeconds.WithLabelValues(name).Observe(took.Seconds())
}

func (o *promObserver) Action(id, outcome string) {
	o.actions.WithLabelValues(id, outcome).Inc()
}

func (o *promObserver) InternalError(source string) {
	o.internalErrors.WithLabelValues(source).Inc()
}

func (o *promObserver) APICall(p bot.Platform, method, outcome string) {
	o.apiCalls.WithLabelValues(string(p), method, outcome).Inc()
}

func (o *promObserver) Posted(p bot.Platform, to bot.DestinationKind, outcome string) {
	o.posts.WithLabelValues(string(p), to.String(), outcome).Inc()
}

func (o *promObserver) Queue(p bot.Platform, depth int) {
	o.queueDepth.WithLabelValues(string(p)).Set(float64(depth))
}

func (o *promObserver) Firing(kind bot.ScheduleKind, outcome string, n int) {
	o.firings.WithLabelValues(string(kind), outcome).Add(float64(n))
}

// registerHistoryMetrics exposes the history imports' counts that the core
// keeps (bot.Metrics), read at each scrape.
func registerHistoryMetrics(reg prometheus.Registerer, m *bot.Metrics) {
	reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "hearth", Name: "history_events_total",
			Help: "Events history imports newly recorded (overlap with live events is not counted again)."},
			func() float64 { return float64(m.HistoryEvents.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "hearth", Name: "history_channels_done",
			Help: "Channels read through, of the history imports this process is working on now."},
			func() float64 { return float64(m.HistoryChannelsDone.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "hearth", Name: "history_channels_listed",
			Help: "Channels to read, of the history imports this process is working on now."},
			func() float64 { return float64(m.HistoryChannelsTotal.Load()) }),
	)
}
