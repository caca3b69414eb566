package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
)

func checkinCommands() []CommandSpec {
	return []CommandSpec{
		{Path: []string{"checkin", "templates"}, Summary: "The check-in surveys: built in and imported", Facilitator: true, run: (*Bot).cmdCheckinTemplates},
	}
}

// surveys returns the community's surveys: the built-in templates, with an
// imported survey of the same name taking a template's place.
func (b *Bot) surveys(ctx context.Context, community string) ([]Survey, map[string]bool, error) {
	stored, err := b.store.Surveys(ctx, community)
	if err != nil {
		return nil, nil, err
	}
	imported := map[string]bool{}
	for _, s := range stored {
		imported[s.Name] = true
	}
	var all []Survey
	for _, t := range SurveyTemplates() {
		if !imported[t.Name] {
			all = append(all, t)
		}
	}
	return append(all, stored...), imported, nil
}

func (b *Bot) cmdCheckinTemplates(ctx context.Context, inv invocation) (Reply, error) {
	all, imported, err := b.surveys(ctx, inv.Community)
	if err != nil {
		return Reply{}, err
	}
	var sb strings.Builder
	sb.WriteString("**Check-in surveys**\n")
	for _, s := range all {
		var kinds []string
		for _, q := range s.Questions {
			kinds = append(kinds, string(q.Kind))
		}
		origin := "built in"
		if imported[s.Name] {
			origin = "imported"
		}
		privacy := "attributed"
		if s.Settings.Anonymous {
			privacy = "anonymous"
		}
		fmt.Fprintf(&sb, "• `%s` %s: %s (%s), %s, open %s, %s (%s)\n", s.Name, s.Title,
			plural(len(s.Questions), "question"), strings.Join(kinds, ", "), privacy, spell(s.Settings.Window), audienceLabel(s.Settings), origin)
	}
	sb.WriteString("Operators add surveys with `hearth surveys import FILE.yaml`.")
	return Reply{Post: Post{Text: sb.String()}, Private: true}, nil
}

// spell writes a window the way people say it: "2 days", "36 hours".
func spell(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return plural(int(d/(24*time.Hour)), "day")
	}
	return plural(int(d/time.Hour), "hour")
}

func audienceLabel(st SurveySettings) string {
	who := map[Audience]string{AudienceAll: "every member", AudienceChannel: "a channel's members", AudienceList: "a list of members"}[st.Audience]
	if st.Delivery == DeliverChannel {
		return "posted in a channel for " + who
	}
	return "by DM to " + who
}
