package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/members"
)

type memberView struct {
	ID, Name          string
	FirstSeen, Joined time.Time
	LastActive        time.Time
	Left              bool
	Level             members.Level
	Drifting          bool
	Counts            []countRow
	Weekly            chart
	Nudges            []nudgeRow
	NudgesSent        int
	Weeks, LevelWeeks int
	NudgeNote         string // nudges off, paused, direct messages refused
}

type countRow struct {
	Label string
	Count int
}

type nudgeRow struct {
	Queued, Sent   time.Time
	Status, Answer string
}

// member is one member's /hearth member history: what Hearth recorded,
// the level and drift from the same weeks, weekly activity, nudges.
func (s *Server) member(ctx context.Context, r *http.Request, v *view) error {
	v.template = "member"
	id, c, p := r.PathValue("id"), v.Session.Community, v.Period.Period
	act, err := s.cfg.Source.MemberActivity(ctx, c, id)
	if errors.Is(err, bot.ErrNotFound) {
		return bot.Errorf(bot.ENotFound, "Hearth has recorded nothing about that member.")
	}
	if err != nil {
		return err
	}
	if act.Member.IsBot {
		return bot.Errorf(bot.ENotFound, "That is a bot; Hearth counts people only.")
	}
	mv := memberView{ID: act.Member.ID, Name: bot.DisplayName(act.Member), FirstSeen: act.FirstSeen, Joined: act.Member.JoinedAt,
		LastActive: act.LastActive, Left: act.Member.Left, LevelWeeks: members.LevelWeeks}
	v.Title = "Member " + mv.Name
	mv.Weeks = max(members.DriftWeeks, countWeeks(p))
	ws, err := s.cfg.Source.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: c, Member: id, End: p.To, Weeks: mv.Weeks})
	if err != nil && !errors.Is(err, bot.ErrNotFound) {
		return err
	}
	mv.Weekly = chart{ID: "chart-member-weeks", Title: "Activity per week", XLabel: "Week starting", YLabel: "Count",
		Series: []chartSeries{{Name: "Posts (messages and replies)"}, {Name: "Reactions"}, {Name: "Answers and shares"}}}
	if len(ws) == 1 {
		mv.Level, mv.Drifting = members.LevelOf(ws[0].Weeks), members.Drifting(ws[0].Weeks)
		loc := s.cfg.Source.Location()
		active := 0
		for i, w := range ws[0].Weeks {
			start := p.To.Add(-time.Duration(len(ws[0].Weeks)-i) * 7 * 24 * time.Hour)
			mv.Weekly.Categories = append(mv.Weekly.Categories, start.In(loc).Format("Jan 2"))
			mv.Weekly.Series[0].Values = append(mv.Weekly.Series[0].Values, float64(w.Messages+w.Replies))
			mv.Weekly.Series[1].Values = append(mv.Weekly.Series[1].Values, float64(w.Reactions))
			mv.Weekly.Series[2].Values = append(mv.Weekly.Series[2].Values, float64(w.Answers))
			if w.Active() {
				active++
			}
		}
		mv.Weekly.Desc = fmt.Sprintf("%d weeks to %s; active in %d of them.", len(ws[0].Weeks), v.Period.To, active)
	}
	for _, k := range []struct {
		kind  bot.EventKind
		label string
	}{{bot.KindMessage, "Messages"}, {bot.KindReply, "Replies"}, {bot.KindReaction, "Reactions"}, {bot.KindCheckinAnswer, "Check-in answers"},
		{bot.KindStillHere, "“I'm still here” answers"}, {bot.KindResourceShare, "Resources shared"}, {bot.KindRSVP, "Event RSVPs"}, {bot.KindAttended, "Events attended"}} {
		mv.Counts = append(mv.Counts, countRow{k.label, act.Counts[k.kind]})
	}
	ns, err := s.cfg.Source.MemberNudges(ctx, c, id, 0)
	if err != nil {
		return err
	}
	for _, n := range ns {
		if n.Status == members.NudgeSent {
			mv.NudgesSent++
		}
		mv.Nudges = append(mv.Nudges, nudgeRow{Queued: n.QueuedAt, Sent: n.SentAt, Status: string(n.Status), Answer: nudgeAnswer(n.Response)})
	}
	pr, err := s.cfg.Source.Prefs(ctx, c, id)
	if err != nil {
		return err
	}
	loc, now := s.cfg.Source.Location(), s.cfg.Clock.Now()
	var notes []string
	switch {
	case pr.NudgesOff:
		notes = append(notes, "nudges are off")
	case pr.PausedUntil.After(now):
		notes = append(notes, "nudges paused until "+pr.PausedUntil.In(loc).Format(time.DateOnly))
	}
	if !pr.UnreachableSince.IsZero() {
		notes = append(notes, "direct messages refused since "+pr.UnreachableSince.In(loc).Format(time.DateOnly))
	}
	mv.NudgeNote = strings.Join(notes, "; ")
	v.Content = mv
	return nil
}

func nudgeAnswer(r members.NudgeResponse) string {
	switch r {
	case members.NudgeHere:
		return "“I'm still here”"
	case members.NudgePause:
		return "paused for a month"
	case members.NudgeStop:
		return "asked for no more"
	}
	return "no answer"
}
