package members

import (
	"context"
	"fmt"

	"github.com/hearth-community/hearth/bot"
)

// Level windows.
const (
	// LevelWeeks is the rolling window levels are computed over.
	LevelWeeks = 4
	// DriftWeeks is the window drift is read in: the last two weeks against
	// the DriftWeeks-2 before them.
	DriftWeeks = 8
)

// Level is how a member takes part over the level window (README.md,
// "Participation levels").
type Level string

// Participation levels, from most to least.
const (
	LevelLeading       Level = "leading"       // regular top-level posts and replies to others
	LevelContributing  Level = "contributing"  // at least one message or reply
	LevelParticipating Level = "participating" // reactions, check-in answers, "I'm still here" only
	LevelObserving     Level = "observing"     // nothing
)

// LevelOf is a member's level from their weeks (the last LevelWeeks count):
//   - leading: a message or reply in at least 3 of the 4 weeks, with at
//     least 2 top-level messages and 2 replies in all;
//   - contributing: at least one message or reply;
//   - participating: reactions, check-in answers, "I'm still here" or shares only;
//   - observing: nothing.
func LevelOf(weeks []bot.WeekCounts) Level {
	if len(weeks) > LevelWeeks {
		weeks = weeks[len(weeks)-LevelWeeks:]
	}
	var total bot.WeekCounts
	posting := 0
	for _, w := range weeks {
		total.Messages += w.Messages
		total.Replies += w.Replies
		total.Reactions += w.Reactions
		total.Answers += w.Answers
		if w.Posted() {
			posting++
		}
	}
	switch {
	case posting >= 3 && total.Messages >= 2 && total.Replies >= 2:
		return LevelLeading
	case total.Posted():
		return LevelContributing
	case total.Active():
		return LevelParticipating
	}
	return LevelObserving
}

// rank orders levels for movement: higher is more involved.
func (l Level) rank() int {
	switch l {
	case LevelLeading:
		return 3
	case LevelContributing:
		return 2
	case LevelParticipating:
		return 1
	}
	return 0
}

// Drifting reports whether weeks (the last DriftWeeks count) show a member
// who was active in most of the weeks before the last two, and in neither
// of the last two.
func Drifting(weeks []bot.WeekCounts) bool {
	if len(weeks) < DriftWeeks {
		return false
	}
	weeks = weeks[len(weeks)-DriftWeeks:]
	before, last := weeks[:DriftWeeks-2], weeks[DriftWeeks-2:]
	active := 0
	for _, w := range before {
		if w.Active() {
			active++
		}
	}
	return active*2 > len(before) && !last[0].Active() && !last[1].Active()
}

// countLevels counts members by level.
func countLevels(ms []bot.MemberWeeks) (bot.LevelCounts, map[string]Level) {
	var c bot.LevelCounts
	by := make(map[string]Level, len(ms))
	for _, m := range ms {
		l := LevelOf(m.Weeks)
		by[m.Member.ID] = l
		l.AddTo(&c)
	}
	return c, by
}

// AddTo counts one member at level l in c.
func (l Level) AddTo(c *bot.LevelCounts) {
	switch l {
	case LevelLeading:
		c.Leading++
	case LevelContributing:
		c.Contributing++
	case LevelParticipating:
		c.Participating++
	default:
		c.Observing++
	}
}

// fillLevels counts members by level as of the report's end and as of its
// start (the previous summary), and how many moved up or down between.
// Levels are community-wide, like member counts, and count the same
// members: those as of each end, so a period before anyone existed has no
// levels.
func fillLevels(ctx context.Context, src bot.MemberWeeksSource, rep *bot.Report) error {
	now, err := src.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: rep.Community, End: rep.To, Weeks: LevelWeeks, AsOfEnd: true, CountsOnly: true})
	if err != nil {
		return fmt.Errorf("levels at %s: %w", rep.To, err)
	}
	before, err := src.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: rep.Community, End: rep.From, Weeks: LevelWeeks, AsOfEnd: true, CountsOnly: true})
	if err != nil {
		return fmt.Errorf("levels at %s: %w", rep.From, err)
	}
	var byNow, byBefore map[string]Level
	rep.Levels, byNow = countLevels(now)
	rep.Previous.Levels, byBefore = countLevels(before)
	for id, l := range byNow {
		b, ok := byBefore[id]
		if !ok {
			b = LevelObserving
		}
		switch {
		case l.rank() > b.rank():
			rep.LevelChanges.Up++
		case l.rank() < b.rank():
			rep.LevelChanges.Down++
		}
	}
	return nil
}

var _ bot.ReportFiller = (*Members)(nil)

// FillReport counts members by level as of the report's end and start.
func (b *Members) FillReport(ctx context.Context, _ bot.ReportQuery, rep *bot.Report) error {
	return fillLevels(ctx, b.store, rep)
}
