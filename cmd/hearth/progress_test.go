package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	// step is one call on the reporter after the clock moved by after.
	type step struct {
		after  time.Duration
		add    int64 // Add(add); with finish or show, that call instead
		show   bool
		finish bool
	}
	tests := []struct {
		name     string
		terminal bool
		total    int64
		steps    []step
		want     string // everything written, "\r" included
	}{
		{
			name: "not a terminal: nothing at all", terminal: false, total: 1000,
			steps: []step{{time.Second, 400, false, false}, {time.Second, 600, false, false}, {0, 0, true, false}, {0, 0, false, true}},
			want:  "",
		},
		{
			name: "quick work leaves no trace", terminal: true, total: 1000,
			steps: []step{{100 * time.Millisecond, 1000, false, false}, {0, 0, false, true}},
			want:  "",
		},
		{
			name: "redraws at most every 250 ms, then clears", terminal: true, total: 1_000_000,
			steps: []step{
				{time.Second, 31_000, false, false},       // drawn
				{100 * time.Millisecond, 1, false, false}, // too soon: not drawn
				{100 * time.Millisecond, 1, false, false}, // 200 ms since: not drawn
				{50 * time.Millisecond, 7_998, false, false},
				{0, 0, false, true},
				{0, 0, false, true}, // a second Finish writes nothing
			},
			want: "\rsimulating: 31,000 of 1,000,000 events (3%), 31,000/s, about 31 s left" +
				"\rsimulating: 39,000 of 1,000,000 events (3%), 31,200/s, about 31 s left" +
				"\r" + strings.Repeat(" ", 70) + "\r",
		},
		{
			name: "a shorter line blanks the longer one's tail", terminal: true, total: 1_000_000,
			steps: []step{
				{10 * time.Second, 410_000, false, false},
				{5 * time.Second, 590_000, false, false},
				{0, 0, false, true},
			},
			want: "\rsimulating: 410,000 of 1,000,000 events (41%), 41,000/s, about 14 s left" +
				"\rsimulating: 1,000,000 of 1,000,000 events (100%), 66,700/s" + strings.Repeat(" ", 14) +
				"\r" + strings.Repeat(" ", 58) + "\r", // the tail is blank already,
		},
		{
			name: "an overshoot of an estimated total stays at 100%", terminal: true, total: 1000,
			steps: []step{{time.Second, 1004, false, false}},
			want:  "\rsimulating: 1,004 of 1,000 events (100%), 1,000/s",
		},
		{
			name: "minutes when the rest is long", terminal: true, total: 10_000_000,
			steps: []step{{10 * time.Second, 100_000, false, false}},
			want:  "\rsimulating: 100,000 of 10,000,000 events (1%), 10,000/s, about 17 min left",
		},
		{
			name: "an unknown total shows the work and the time", terminal: true, total: 0,
			steps: []step{{0, 0, true, false}, {3 * time.Second, 0, true, false}, {0, 0, false, true}},
			want:  "\rsimulating…\rsimulating…, 3 s\r" + strings.Repeat(" ", 16) + "\r",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := start
			var out bytes.Buffer
			p := newProgress(&out, tt.terminal, func() time.Time { return clock }, "simulating", "events", tt.total)
			for _, s := range tt.steps {
				clock = clock.Add(s.after)
				switch {
				case s.finish:
					p.Finish()
				case s.show:
					p.Show()
				default:
					p.Add(s.add)
				}
			}
			if got := out.String(); got != tt.want {
				t.Errorf("wrote\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
