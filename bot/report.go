package bot

import (
	"context"
	"fmt"
	"time"
)

// Report is the one definition of participation figures, used by
// /hearth report, `hearth report`, and the digest. Its JSON field names are a
// public contract (README.md, "Report definitions").
type Report struct {
	Community       string            `json:"community"`
	From            time.Time         `json:"from"`
	To              time.Time         `json:"to"`
	Members         MemberCounts      `json:"members"`
	Activity        ActivityCounts    `json:"activity"`
	Tiers           Tiers             `json:"tiers"`
	Channels        []ChannelActivity `json:"channels"`
	TopContributors []Contributor     `json:"top_contributors"`
	QuietMembers    []QuietMember     `json:"quiet_members"`
	Unanswered      []Unanswered      `json:"unanswered"`
	// Prompts are the discussion prompts Hearth posted in the period, with
	// their replies (before To), distinct responders and reactions.
	Prompts []PromptActivity `json:"prompts"`
	// Levels count members by participation level as of To (over the
	// LevelWindow before it); LevelChanges compare each member's level with
	// theirs as of From. Filled by BuildReport.
	Levels       LevelCounts  `json:"levels"`
	LevelChanges LevelChanges `json:"level_changes"`
	Nudges       NudgeCounts  `json:"nudges"`
	// Events are the events held (ended, not cancelled) in the period, by
	// start. Filled by BuildReport when the source keeps events.
	Events   []EventSummary `json:"events"`
	Intros   IntroCounts    `json:"intros"`
	Previous *Summary       `json:"previous"`
	// HistorySince is from when the community's record starts, once a
	// history import is done: the earliest of the imports' since and the
	// first recorded event. Filled by the history feature; nil without an
	// import.
	HistorySince *time.Time `json:"history_since,omitempty"`
}

// LevelCounts count members by participation level.
type LevelCounts struct {
	Leading       int `json:"leading"`
	Contributing  int `json:"contributing"`
	Participating int `json:"participating"`
	Observing     int `json:"observing"`
}

// LevelChanges count members whose level moved since the previous period.
type LevelChanges struct {
	Up   int `json:"up"`
	Down int `json:"down"`
}

// MemberCounts counts members as of the end of the period.
type MemberCounts struct {
	Total  int `json:"total"`  // humans known and not left as of To
	Active int `json:"active"` // with a message, reply, reaction or check-in answer in the period
	New    int `json:"new"`    // joined (or first seen) in the period
	Quiet  int `json:"quiet"`  // joined QuietAfter before To and silent since
}

// ActivityCounts counts human channel activity in the period.
type ActivityCounts struct {
	Messages       int `json:"messages"`
	Replies        int `json:"replies"`
	Reactions      int `json:"reactions"`
	CheckinAnswers int `json:"checkin_answers"`
	StillHere      int `json:"still_here"`      // "I'm still here" answers to nudges
	ResourceShares int `json:"resource_shares"` // resources shared with /hearth share
	RSVPs          int `json:"rsvps"`           // members answering an event's invitation (once per event)
	Attendances    int `json:"attendances"`     // members marked at an event
}

// Tiers splits members by how they took part.
type Tiers struct {
	Creators   int `json:"creators"`   // at least one top-level message
	Responders int `json:"responders"` // active, but no top-level message
	Observers  int `json:"observers"`  // total - creators - responders
}

// ChannelActivity is one channel's activity in the period.
type ChannelActivity struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Messages      int    `json:"messages"`
	Replies       int    `json:"replies"`
	Reactions     int    `json:"reactions"`
	ActiveMembers int    `json:"active_members"`
}

// Contributor is one of the most active members.
type Contributor struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Messages  int    `json:"messages"`
	Replies   int    `json:"replies"`
	Reactions int    `json:"reactions"`
}

// QuietMember is a member with no recent activity.
type QuietMember struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	LastActive *time.Time `json:"last_active"`
}

// Unanswered is a top-level message nobody else replied to.
type Unanswered struct {
	Channel  string    `json:"channel"`
	Message  string    `json:"message"`
	Author   string    `json:"author"`
	PostedAt time.Time `json:"posted_at"`
	// Names for people to read, filled by BuildReport; not part of the JSON.
	ChannelName string `json:"-"`
	AuthorName  string `json:"-"`
}

// Summary is the headline of a period, for trends.
type Summary struct {
	Members  MemberCounts   `json:"members"`
	Activity ActivityCounts `json:"activity"`
	Levels   LevelCounts    `json:"levels"`
	Nudges   NudgeCounts    `json:"nudges"`
}

// DefaultQuietAfter is how long without activity makes a member quiet.
const DefaultQuietAfter = 14 * 24 * time.Hour

// ReportSource is what reports read: the figures, the names, and the
// weeks levels are computed from.
type ReportSource interface {
	Reporter
	Member(ctx context.Context, community, id string) (Member, error)
	Channel(ctx context.Context, community, id string) (Channel, error)
}

// BuildReport computes the report for q and the summary of the period of
// equal length just before it, so every figure can show its trend. The
// fillers add the features' parts (events, intros) to a full report.
func BuildReport(ctx context.Context, r ReportSource, q ReportQuery, fillers ...ReportFiller) (Report, error) {
	if q.QuietAfter <= 0 {
		q.QuietAfter = DefaultQuietAfter
	}
	if _, err := NewPeriod(q.From, q.To); err != nil {
		return Report{}, err
	}
	rep, err := r.Report(ctx, q)
	if err != nil {
		return Report{}, fmt.Errorf("report %s [%s, %s): %w", q.Community, q.From, q.To, err)
	}
	prevQ := q
	prevQ.From, prevQ.To = q.From.Add(-q.To.Sub(q.From)), q.From
	prevQ.SummaryOnly = true
	prev, err := r.Report(ctx, prevQ)
	if err != nil {
		return Report{}, fmt.Errorf("previous report %s: %w", q.Community, err)
	}
	rep.Community, rep.From, rep.To = q.Community, q.From, q.To
	rep.Previous = &Summary{Members: prev.Members, Activity: prev.Activity, Nudges: prev.Nudges}
	if !q.SummaryOnly {
		for _, f := range fillers {
			if err := f.FillReport(ctx, q, &rep); err != nil {
				return Report{}, err
			}
		}
	}
	rep.normalize()
	nameUnanswered(ctx, r, &rep)
	return rep, nil
}

// Report is BuildReport with every registered feature's part.
func (b *Bot) Report(ctx context.Context, q ReportQuery) (Report, error) {
	if q.QuietAfter <= 0 {
		q.QuietAfter = b.quietAfter
	}
	return BuildReport(ctx, b.store, q, b.ReportFillers()...)
}

// ReportFillers are the registered modules that fill a part of reports.
func (b *Bot) ReportFillers() []ReportFiller {
	var out []ReportFiller
	for _, m := range b.modules {
		if f, ok := m.(ReportFiller); ok {
			out = append(out, f)
		}
	}
	return out
}

// nameUnanswered fills the names of the authors and channels of unanswered
// messages that the store left unnamed, for people to read. A name that
// cannot be found stays empty and the id is shown instead.
func nameUnanswered(ctx context.Context, r ReportSource, rep *Report) {
	members, channels := map[string]string{}, map[string]string{}
	for i := range rep.Unanswered[:min(len(rep.Unanswered), 50)] {
		u := &rep.Unanswered[i]
		if u.AuthorName != "" && u.ChannelName != "" {
			continue
		}
		if _, ok := members[u.Author]; !ok {
			if m, err := r.Member(ctx, rep.Community, u.Author); err == nil {
				members[u.Author] = m.Name
			} else {
				members[u.Author] = ""
			}
		}
		if _, ok := channels[u.Channel]; !ok {
			if c, err := r.Channel(ctx, rep.Community, u.Channel); err == nil {
				channels[u.Channel] = c.Name
			} else {
				channels[u.Channel] = ""
			}
		}
		u.AuthorName, u.ChannelName = NameOr(u.AuthorName, members[u.Author]), NameOr(u.ChannelName, channels[u.Channel])
	}
}

// normalize makes empty lists encode as [] rather than null.
func (r *Report) normalize() {
	if r.Channels == nil {
		r.Channels = []ChannelActivity{}
	}
	if r.TopContributors == nil {
		r.TopContributors = []Contributor{}
	}
	if r.QuietMembers == nil {
		r.QuietMembers = []QuietMember{}
	}
	if r.Unanswered == nil {
		r.Unanswered = []Unanswered{}
	}
	if r.Prompts == nil {
		r.Prompts = []PromptActivity{}
	}
	if r.Events == nil {
		r.Events = []EventSummary{}
	}
}

// NudgeCounts are a report's nudge figures.
type NudgeCounts struct {
	Sent int `json:"sent"` // nudges sent in the period
	// Returned counts the nudges sent in the period whose member was
	// active within 7 days after (an "I'm still here" counts).
	Returned int `json:"returned"`
}
