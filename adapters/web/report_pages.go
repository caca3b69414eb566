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
	rep, err := s.cfg.Source.Report(ctx, bot.ReportQuery{Community: c, From: p.From, To: p.To})
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
	for _, u := range rep.Unanswered[:min(len(rep.Unanswered), maxUnanswered)] {
		cv.Unanswered = append(cv.Unanswered, unansweredRow{Channel: "#" + bot.ChannelLabel(u.Channel, u.ChannelName), Author: bot.NameOr(u.AuthorName, u.Author),
			Link: s.cfg.Source.Permalink(c, u.Channel, u.Message), PostedAt: u.PostedAt})
	}
	cv.More = len(rep.Unanswered) - len(cv.Unanswered)
	v.Content = cv
	return nil
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
