package history

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// DefaultDays and MaxDays bound how far back an import reads.
const (
	DefaultDays = 90
	MaxDays     = 365
)

func (h *History) historyCommands() []bot.CommandSpec {
	return []bot.CommandSpec{
		{Path: []string{"history", "import"}, Summary: "Import past activity (metadata only)",
			Args:        []bot.Arg{{Name: "period", Kind: bot.ArgPeriod, Help: "how far back: 90d (default), up to 365d"}},
			Facilitator: true, Run: h.cmdImport},
		{Path: []string{"history", "status"}, Summary: "How the history import stands",
			Facilitator: true, Run: h.cmdStatus},
	}
}

// ParseDays reads how far back to import: "90d", "12w", or "" for
// DefaultDays; at most MaxDays.
func ParseDays(s string) (int, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return DefaultDays, nil
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 || (s[len(s)-1] != 'd' && s[len(s)-1] != 'w') {
		return 0, bot.Errorf(bot.EArgument, "%q is not a period to import: give days back, like `90d` (up to `365d`).", bot.Clip(s, 30))
	}
	if s[len(s)-1] == 'w' && n <= MaxDays {
		n *= 7
	}
	if n > MaxDays {
		return 0, bot.Errorf(bot.EArgument, "I import up to %d days of history; %q is longer.", MaxDays, bot.Clip(s, 30))
	}
	return n, nil
}

// Reader returns the community's Chat as a bot.HistoryReader, or an error
// for people saying the platform cannot read history.
func Reader(core *bot.Bot, community string) (bot.HistoryReader, error) {
	chat, err := core.Chat(community)
	if err != nil {
		return nil, err
	}
	r, ok := chat.(bot.HistoryReader)
	if !ok {
		return nil, bot.Errorf(bot.EPlatform, "I can't read this community's history on this platform, so there is nothing to import. Live activity is recorded as always.")
	}
	return r, nil
}

// Request asks for an import of days of community's history by member by
// ("" offline) at at, as /hearth history import does. It returns the
// import that will run, whether it is new (or resumed), and, when nothing
// is to be done, an error for people (bot.EConflict) saying why.
func Request(ctx context.Context, s Store, community, by string, days int, at time.Time) (Import, error) {
	since := at.Add(-time.Duration(days) * 24 * time.Hour)
	latest, err := s.LatestImport(ctx, community)
	switch {
	case errors.Is(err, bot.ErrNotFound):
	case err != nil:
		return Import{}, err
	case latest.Status == StatusQueued:
		return latest, bot.Errorf(bot.EConflict, "A history import since %s is queued already: it starts within a minute.", latest.Since.Format("Jan 2, 2006"))
	case latest.Status.Pending():
		p, err := progressOf(ctx, s, latest)
		if err != nil {
			return Import{}, err
		}
		return latest, bot.Errorf(bot.EConflict, "A history import is running already: %s.", p.Line())
	case latest.Status == StatusDone && !since.Before(latest.Since):
		return latest, bot.Errorf(bot.EConflict, "History since %s is imported already. A longer period (up to `%dd`) imports the extra.",
			latest.Since.Format("Jan 2, 2006"), MaxDays)
	case latest.Status == StatusFailed && !since.Before(latest.Since):
		// Resumed where it stopped; progress goes to whoever asked first.
		latest.Status, latest.FinishedAt, latest.Error = StatusQueued, time.Time{}, ""
		return latest, s.SaveImport(ctx, latest)
	}
	id, err := s.RequestImport(ctx, community, by, since, at)
	if err != nil {
		return Import{}, err
	}
	return s.Import(ctx, id)
}

func (h *History) cmdImport(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	days, err := ParseDays(inv.Arg("period"))
	if err != nil {
		return bot.Reply{}, err
	}
	if _, err := Reader(h.core, inv.Community); err != nil {
		return bot.Reply{}, err
	}
	imp, err := Request(ctx, h.store, inv.Community, inv.Member, days, inv.At)
	if code := bot.ErrorCode(err); code == bot.EConflict {
		return bot.PrivateText("%s", bot.ErrorMessage(err)), nil
	} else if err != nil {
		return bot.Reply{}, err
	}
	h.log.InfoContext(ctx, "history import requested", "community", inv.Community, "import", imp.ID, "days", days)
	return bot.PrivateText("Importing %s of history (since %s)… I'll DM you progress. `/hearth history status` shows where it stands.",
		bot.Plural(days, "day"), imp.Since.In(h.loc).Format("Jan 2, 2006")), nil
}

func (h *History) cmdStatus(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	text, err := StatusText(ctx, h.store, inv.Community, h.loc)
	if err != nil {
		return bot.Reply{}, err
	}
	return bot.PrivateText("%s", text), nil
}

// StatusText says how the community's latest import stands.
func StatusText(ctx context.Context, s Store, community string, loc *time.Location) (string, error) {
	imp, err := s.LatestImport(ctx, community)
	if errors.Is(err, bot.ErrNotFound) {
		return fmt.Sprintf("No history has been imported. `/hearth history import %dd` reads the last %d days.", DefaultDays, DefaultDays), nil
	}
	if err != nil {
		return "", err
	}
	p, err := progressOf(ctx, s, imp)
	if err != nil {
		return "", err
	}
	switch imp.Status {
	case StatusDone:
		if p.MembersSeen, err = membersSeen(ctx, s, imp); err != nil {
			return "", err
		}
	case StatusQueued:
		return fmt.Sprintf("A history import since %s is queued: it starts within a minute.", imp.Since.In(loc).Format("Jan 2, 2006")), nil
	case StatusRunning:
		return fmt.Sprintf("Importing history since %s: %s.", imp.Since.In(loc).Format("Jan 2, 2006"), p.Line()), nil
	case StatusFailed:
		return fmt.Sprintf("The history import stopped at %s (%s). `/hearth history import` again continues where it stopped.",
			p.Line(), bot.Clip(imp.Error, 200)), nil
	}
	return p.Summary(loc), nil
}

// membersSeen is how many members were active over the imported period.
func membersSeen(ctx context.Context, s Store, imp Import) (int, error) {
	rep, err := s.Report(ctx, bot.ReportQuery{Community: imp.Community, From: imp.Since, To: imp.RequestedAt, SummaryOnly: true})
	return rep.Members.Active, err
}

// Progress is where an import stands, as people read it.
type Progress struct {
	Import
	ChannelsDone, ChannelsTotal int
	PageCounts
	// Channel is the channel read now, or the last one read.
	Channel string
	// MembersSeen is how many members were active over the imported
	// period (set for the summary).
	MembersSeen int
}

// progressOf sums an import's channels.
func progressOf(ctx context.Context, s Store, imp Import) (Progress, error) {
	chs, err := s.ImportChannels(ctx, imp.ID)
	if err != nil {
		return Progress{}, err
	}
	p := Progress{Import: imp, ChannelsTotal: len(chs)}
	reading := ""
	for _, c := range chs {
		p.PageCounts.Add(c.PageCounts)
		switch {
		case c.Done:
			p.ChannelsDone++
			p.Channel = bot.ChannelLabel(c.Channel, c.Name)
		case reading == "":
			reading = bot.ChannelLabel(c.Channel, c.Name) // channels are read in order
		}
	}
	if imp.Status.Pending() && reading != "" {
		p.Channel = reading
	}
	return p, nil
}

// Line is the progress line: "#design: 12 of 60 channels, 34,512 events".
func (p Progress) Line() string {
	var sb strings.Builder
	if p.Channel != "" {
		sb.WriteString("#" + p.Channel + ": ")
	}
	fmt.Fprintf(&sb, "%s of %s, %s", bot.Thousands(p.ChannelsDone), Plural(p.ChannelsTotal, "channel"), Plural(p.Events, "event"))
	return sb.String()
}

// Summary is the closing message of a done import.
func (p Progress) Summary(loc *time.Location) string {
	took := ""
	if !p.StartedAt.IsZero() && !p.FinishedAt.IsZero() {
		took = ", in " + spell(p.FinishedAt.Sub(p.StartedAt))
	}
	members := ""
	if p.MembersSeen > 0 {
		members = ", " + Plural(p.MembersSeen, "member") + " active"
	}
	return fmt.Sprintf("History imported since %s: %s, %s%s; skipped %s of bots and %s of forgotten members%s. Reports, levels and trends now include it.",
		p.Since.In(loc).Format("Jan 2, 2006"), Plural(p.ChannelsTotal, "channel"), Plural(p.Events, "event"), members,
		Plural(p.SkippedBots, "event"), Plural(p.SkippedGone, "event"), took)
}

// Plural is bot.Plural with thousands separators.
func Plural(n int, word string) string {
	w := bot.Plural(n, word)
	_, rest, _ := strings.Cut(w, " ")
	return bot.Thousands(n) + " " + rest
}

// spell writes how long an import took: "45s", "12m", "2h 14m".
func spell(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	}
	return fmt.Sprintf("%dh %dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
}
