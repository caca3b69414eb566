package members

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Settings keys of nudges.
const (
	SettingNudgePolicy   = "nudge_policy"
	SettingNudgeWordings = "nudge_wordings"
)

// NudgeMode says whether nudges go out by themselves or after a
// facilitator approves the list.
type NudgeMode string

// Nudge modes.
const (
	NudgeReview NudgeMode = "review" // facilitators get the list and approve it with a button
	NudgeAuto   NudgeMode = "auto"   // sent on the nudge schedule without asking
)

// NudgePolicy is a community's rules for nudges (/hearth nudge settings).
type NudgePolicy struct {
	// Threshold is how long without activity makes a member due a nudge
	// (default: the community's quiet threshold, 14 days).
	Threshold time.Duration `json:"threshold"`
	// Cooldown is the least time between two nudges to one member.
	Cooldown time.Duration `json:"cooldown"`
	// MaxUnanswered stops nudging a member after this many nudges in a row
	// that brought no answer and no activity.
	MaxUnanswered int `json:"max_unanswered"`
	// QuietStart and QuietEnd are the quiet hours, in the member's own time
	// zone: no nudge arrives from QuietStart:00 to QuietEnd:00.
	QuietStart int       `json:"quiet_start"`
	QuietEnd   int       `json:"quiet_end"`
	Mode       NudgeMode `json:"mode"`
}

// Nudge defaults.
const (
	DefaultNudgeCooldown      = 30 * 24 * time.Hour
	DefaultNudgeMaxUnanswered = 2
	DefaultQuietStart         = 21
	DefaultQuietEnd           = 9
	NudgePauseFor             = 30 * 24 * time.Hour // "pause for a month"
)

// nudgePolicy reads the community's policy, with defaults filled in.
func (b *Members) nudgePolicy(ctx context.Context, community string) (NudgePolicy, error) {
	p := NudgePolicy{Threshold: b.quietAfter, Cooldown: DefaultNudgeCooldown, MaxUnanswered: DefaultNudgeMaxUnanswered,
		QuietStart: DefaultQuietStart, QuietEnd: DefaultQuietEnd, Mode: NudgeReview}
	raw, err := b.store.Setting(ctx, community, SettingNudgePolicy)
	if err != nil || raw == "" {
		return p, err
	}
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		b.log.ErrorContext(ctx, "stored nudge policy does not read; using defaults", "community", community, "err", err)
	}
	return p, nil
}

// applyNudgeSettings reads `threshold=21d cooldown=30d max=2 quiet=21-9
// mode=auto` into p.
func applyNudgeSettings(p *NudgePolicy, text string) error {
	const usage = "Settings are written `threshold=14d cooldown=30d max=2 quiet=21-9 mode=review` (mode is `review` or `auto`)."
	for _, tok := range strings.Fields(text) {
		key, val, ok := strings.Cut(strings.ToLower(tok), "=")
		if !ok || val == "" {
			return bot.Errorf(bot.EArgument, "I can't read %q. %s", bot.Clip(tok, 30), usage)
		}
		switch key {
		case "threshold", "cooldown":
			d, err := ParseDays(val)
			if err != nil || d < 24*time.Hour || d > 365*24*time.Hour {
				return bot.Errorf(bot.EArgument, "%s is a number of days from 1 to 365, like `%s=14d`.", key, key)
			}
			if key == "threshold" {
				p.Threshold = d
			} else {
				p.Cooldown = d
			}
		case "max":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > 10 {
				return bot.Errorf(bot.EArgument, "max is how many unanswered nudges in a row before Hearth stops: 1 to 10.")
			}
			p.MaxUnanswered = n
		case "quiet":
			from, to, ok := strings.Cut(val, "-")
			start, err1 := strconv.Atoi(from)
			end, err2 := strconv.Atoi(to)
			if !ok || err1 != nil || err2 != nil || start < 0 || start > 23 || end < 0 || end > 23 || start == end {
				return bot.Errorf(bot.EArgument, "quiet is the hours when no nudge arrives, in each member's time zone, like `quiet=21-9` (from 21:00 to 09:00).")
			}
			p.QuietStart, p.QuietEnd = start, end
		case "mode":
			if val != string(NudgeReview) && val != string(NudgeAuto) {
				return bot.Errorf(bot.EArgument, "mode is `review` (facilitators approve each list) or `auto` (sent on the nudge schedule).")
			}
			p.Mode = NudgeMode(val)
		default:
			return bot.Errorf(bot.EArgument, "There is no nudge setting %q. %s", bot.Clip(key, 20), usage)
		}
	}
	return nil
}

// ParseDays reads a number of days, "14d" or "14".
func ParseDays(s string) (time.Duration, error) {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "d"))
	if err != nil || n <= 0 || n > 3660 {
		return 0, bot.Errorf(bot.EArgument, "%q is not a number of days like 14d.", bot.Clip(s, 20))
	}
	return time.Duration(n) * 24 * time.Hour, nil
}

func (p NudgePolicy) describe() string {
	mode := "review: facilitators approve each list"
	if p.Mode == NudgeAuto {
		mode = "auto: sent on the nudge schedule"
	}
	return fmt.Sprintf("quiet for %s (threshold=%dd) · at most one nudge every %s (cooldown=%dd) · stop after %d unanswered in a row (max=%d) · never between %02d:00 and %02d:00 in the member's time zone (quiet=%d-%d) · %s (mode=%s)",
		bot.Spell(p.Threshold), days(p.Threshold), bot.Spell(p.Cooldown), days(p.Cooldown), p.MaxUnanswered, p.MaxUnanswered,
		p.QuietStart, p.QuietEnd, p.QuietStart, p.QuietEnd, mode, p.Mode)
}

func days(d time.Duration) int { return int(d / (24 * time.Hour)) }

// inQuietHours reports whether the hour of t (in its location) is quiet.
func (p NudgePolicy) inQuietHours(t time.Time) bool {
	h := t.Hour()
	if p.QuietStart > p.QuietEnd {
		return h >= p.QuietStart || h < p.QuietEnd
	}
	return h >= p.QuietStart && h < p.QuietEnd
}

// nextAllowed is the first time at or after now outside the quiet hours in
// loc: now itself, or the end of the quiet hours.
func (p NudgePolicy) nextAllowed(now time.Time, loc *time.Location) time.Time {
	local := now.In(loc)
	if !p.inQuietHours(local) {
		return now
	}
	end := time.Date(local.Year(), local.Month(), local.Day(), p.QuietEnd, 0, 0, 0, loc)
	for !end.After(now) || p.inQuietHours(end) {
		end = time.Date(end.Year(), end.Month(), end.Day()+1, p.QuietEnd, 0, 0, 0, loc)
	}
	return end
}

// DefaultNudgeWordings rotate unless facilitators set their own: short,
// warm, no guilt, and always an easy way back.
var DefaultNudgeWordings = []string{
	"Hi {name}, we've missed you in the community lately. No pressure at all: whenever something's on your mind, we'd love to hear it.",
	"Hi {name}, it's been a little while! Your experience matters to these conversations, and there's always room for a quick thought.",
	"Hi {name}, just checking in. Is there anything that would make the community more useful to you? A one-line reply is plenty.",
}

// nudgeWordings are the community's wordings, or the defaults.
func (b *Members) nudgeWordings(ctx context.Context, community string) ([]string, bool, error) {
	raw, err := b.store.Setting(ctx, community, SettingNudgeWordings)
	if err != nil {
		return nil, false, err
	}
	var own []string
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &own); err != nil {
			b.log.ErrorContext(ctx, "stored nudge wordings do not read; using defaults", "community", community, "err", err)
		}
	}
	if len(own) == 0 {
		return DefaultNudgeWordings, false, nil
	}
	return own, true, nil
}
