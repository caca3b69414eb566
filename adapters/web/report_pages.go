package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// The pages drawn from the period's report alone: channels, prompts,
// events, intros. Each reads the report, the one definition of its figures.

type channelsView struct {
	Channels   []bot.ChannelActivity
	Chart      chart
	OverTime   chart
	Unanswered []unansweredRow
	More       int
}

type unansweredRow struct {
	Channel, Author, Link string
	PostedAt              time.Time
}

// maxUnanswered bounds the unanswered threads listed (the report names
// the first 50).
const maxUnanswered = 50

func (s *Server) channels(ctx context.Context, _ *http.Request, v *view) error {
	v.Title, v.template = "Channels", "channels"
	c, p := v.Session.Community, v.Period.Period
	// The store's report has the channels and the unanswered threads, named:
	// the trends and the features' parts would be read for nothing.
	rep, err := s.cfg.Source.StoreReport(ctx, bot.ReportQuery{Community: c, From: p.From, To: p.To})
	if err != nil {
		return err
	}
	cv := channelsView{Channels: rep.Channels}
	cv.Chart = chart{ID: "chart-channels", Title: "Activity per channel", XLabel: "Channel", YLabel: "Count",
		Series: []chartSeries{{Name: "Messages"}, {Name: "Replies"}, {Name: "Active members"}}}
	for _, ch := range rep.Channels[:min(len(rep.Channels), 12)] {
		cv.Chart.Categories = append(cv.Chart.Categories, "#"+bot.ChannelLabel(ch.ID, ch.Name))
		cv.Chart.Series[0].Values = append(cv.Chart.Series[0].Values, float64(ch.Messages))
		cv.Chart.Series[1].Values = append(cv.Chart.Series[1].Values, float64(ch.Replies))
		cv.Chart.Series[2].Values = append(cv.Chart.Series[2].Values, float64(ch.ActiveMembers))
	}
	cv.Chart.Desc = fmt.Sprintf("Messages, replies and active members in the %d most active channels of %s.", len(cv.Chart.Categories), v.Period.Label())
	if cv.OverTime, err = s.channelsOverTime(ctx, c, p, rep.Channels); err != nil {
		return err
	}
	for _, u := range rep.Unanswered[:min(len(rep.Unanswered), maxUnanswered)] {
		cv.Unanswered = append(cv.Unanswered, unansweredRow{Channel: "#" + bot.ChannelLabel(u.Channel, u.ChannelName), Author: bot.NameOr(u.AuthorName, u.Author),
			Link: s.cfg.Source.Permalink(c, u.Channel, u.Message), PostedAt: u.PostedAt})
	}
	cv.More = len(rep.Unanswered) - len(cv.Unanswered)
	v.Content = cv
	return nil
}

// overTimeChannels is how many of the most active channels the chart of
// activity over time follows.
const overTimeChannels = 3

// channelsOverTime is posts (messages and replies) in each of the most
// active channels, by week for periods up to 13 weeks, by month (in the
// community's zone) for longer ones: the report restricted to the channel,
// summary only, for each bucket.
//
// Cost: a store summary per channel and bucket, at most 3 × 13.
func (s *Server) channelsOverTime(ctx context.Context, community string, p bot.Period, channels []bot.ChannelActivity) (chart, error) {
	loc := s.cfg.Source.Location()
	type bucket struct {
		from, to time.Time
		label    string
	}
	var buckets []bucket
	if p.Days() <= 13*7 {
		for from := p.From; from.Before(p.To); from = from.Add(7 * 24 * time.Hour) {
			buckets = append(buckets, bucket{from, earliest(p.To, from.Add(7*24*time.Hour)), "week of " + from.In(loc).Format("Jan 2")})
		}
	} else {
		for from := p.From; from.Before(p.To); {
			l := from.In(loc)
			to := time.Date(l.Year(), l.Month()+1, 1, 0, 0, 0, 0, loc)
			buckets = append(buckets, bucket{from, earliest(p.To, to), l.Format("Jan 2006")})
			from = to
		}
		buckets = buckets[max(0, len(buckets)-13):]
	}
	ch := chart{ID: "chart-channels-time", Title: "Posts per channel over time", XLabel: "Period", YLabel: "Posts", Line: true}
	for _, b := range buckets {
		ch.Categories = append(ch.Categories, b.label)
	}
	for _, c := range channels[:min(len(channels), overTimeChannels)] {
		series := chartSeries{Name: "#" + bot.ChannelLabel(c.ID, c.Name)}
		for _, b := range buckets {
			rep, err := s.cfg.Source.StoreReport(ctx, bot.ReportQuery{Community: community, From: b.from, To: b.to, Channel: c.ID, SummaryOnly: true})
			if err != nil {
				return chart{}, fmt.Errorf("channel %s over time: %w", c.ID, err)
			}
			series.Values = append(series.Values, float64(rep.Activity.Messages+rep.Activity.Replies))
		}
		ch.Series = append(ch.Series, series)
	}
	ch.Desc = fmt.Sprintf("Messages and replies in the %d most active channels of the period, in %d steps.", len(ch.Series), len(buckets))
	return ch, nil
}

func (s *Server) prompts(ctx context.Context, _ *http.Request, v *view) error {
	v.Title, v.template = "Prompts", "prompts"
	rep, err := s.cfg.Source.StoreReport(ctx, bot.ReportQuery{Community: v.Session.Community, From: v.Period.Period.From, To: v.Period.Period.To})
	if err != nil {
		return err
	}
	v.Content = rep.Prompts
	return nil
}

type eventsView struct {
	Events             []bot.EventSummary
	RSVPs, Attendances figure
}

func (s *Server) events(ctx context.Context, _ *http.Request, v *view) error {
	v.Title, v.template = "Events", "events"
	rep, err := s.cfg.Source.Report(ctx, bot.ReportQuery{Community: v.Session.Community, From: v.Period.Period.From, To: v.Period.Period.To})
	if err != nil {
		return err
	}
	ev := eventsView{Events: rep.Events,
		RSVPs:       figure{Key: "activity.rsvps", Label: "RSVPs", Value: rep.Activity.RSVPs},
		Attendances: figure{Key: "activity.attendances", Label: "Attendances", Value: rep.Activity.Attendances}}
	if rep.Previous != nil {
		ev.RSVPs.Previous, ev.RSVPs.HasPrev = rep.Previous.Activity.RSVPs, true
		ev.Attendances.Previous, ev.Attendances.HasPrev = rep.Previous.Activity.Attendances, true
	}
	v.Content = ev
	return nil
}

func (s *Server) intros(ctx context.Context, _ *http.Request, v *view) error {
	v.Title, v.template = "Intros", "intros"
	rep, err := s.cfg.Source.Report(ctx, bot.ReportQuery{Community: v.Session.Community, From: v.Period.Period.From, To: v.Period.Period.To})
	if err != nil {
		return err
	}
	v.Content = []figure{{Key: "intros.made", Label: "Intro groups formed", Value: rep.Intros.Made}, {Key: "intros.met", Label: "Groups that met", Value: rep.Intros.Met}}
	return nil
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
