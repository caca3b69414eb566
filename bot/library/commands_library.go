package library

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hearth-community/hearth/bot"
)

// Library actions and forms.
const (
	ActionStoryConsent = "story.consent" // Value "ID:consent"
	FormStory          = "story.form"
)

// Library limits.
const (
	MaxNoteLength  = 500
	MaxTags        = 10
	MaxStoryLength = 4000
)

func (b *Library) libraryCommands() []bot.CommandSpec {
	return []bot.CommandSpec{
		{Path: []string{"share"}, Summary: "Add a resource to the community's library",
			Args: []bot.Arg{{Name: "url", Kind: bot.ArgText, Required: true, Help: "the link (https://…)"},
				{Name: "details", Kind: bot.ArgText, Rest: true, Shape: "#tag… note", Help: "tags like #testing and a short note"}},
			Run: b.cmdShare},
		{Path: []string{"resources"}, Summary: "Find resources in the library: by #tag or words",
			Args: []bot.Arg{{Name: "search", Kind: bot.ArgText, Rest: true, Shape: "#tag|words", Help: "a #tag, or words to find"}}, Run: b.cmdResources},
		{Path: []string{"resource", "remove"}, Summary: "Remove a resource (its sharer or a facilitator)",
			Args: []bot.Arg{{Name: "id", Kind: bot.ArgNumber, Required: true, Help: "its number, from `/hearth resources`"}}, Run: b.cmdResourceRemove},
		{Path: []string{"story"}, Summary: "Tell a success story or a shift in your practice (you choose who may see it)",
			Args: []bot.Arg{{Name: "text", Kind: bot.ArgText, Rest: true, Help: "the story (or leave it out for a form)"}}, Run: b.cmdStory},
		{Path: []string{"stories"}, Summary: "The community's success stories, with each one's consent", Facilitator: true, Run: b.cmdStories},
	}
}

// parseShare reads `URL [#tag …] [note]`.
func parseShare(rawURL, details string) (string, []string, string, error) {
	u, err := url.Parse(strings.Trim(rawURL, "<>"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(rawURL) > bot.MaxURLLength {
		return "", nil, "", bot.Errorf(bot.EArgument, "%q is not a link I can keep: share it like `/hearth share https://example.com/guide #testing A clear intro`.", bot.Clip(rawURL, 60))
	}
	var tags []string
	words := strings.Fields(details)
	i := 0
	for ; i < len(words); i++ {
		tag, ok := strings.CutPrefix(words[i], "#")
		if !ok {
			break
		}
		if _, name, isRef := bot.ParseChannelRef(words[i]); isRef && name != "" {
			tag = name
		}
		tag = strings.ToLower(strings.Trim(tag, ".,;:"))
		if tag == "" || utf8.RuneCountInString(tag) > 40 {
			return "", nil, "", bot.Errorf(bot.EArgument, "A tag is a word after #, like #testing (40 characters at most).")
		}
		tags = append(tags, tag)
	}
	slices.Sort(tags)
	tags = slices.Compact(tags)
	if len(tags) > MaxTags {
		return "", nil, "", bot.Errorf(bot.EArgument, "%d tags at most, please.", MaxTags)
	}
	note := strings.Join(words[i:], " ")
	if utf8.RuneCountInString(note) > MaxNoteLength {
		return "", nil, "", bot.Errorf(bot.EArgument, "Keep the note to %d characters.", MaxNoteLength)
	}
	return u.String(), tags, note, nil
}

func (b *Library) cmdShare(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	link, tags, note, err := parseShare(inv.Arg("url"), inv.Arg("details"))
	if err != nil {
		return bot.Reply{}, err
	}
	r := Resource{Community: inv.Community, Member: inv.Member, Channel: inv.Channel, URL: link, Tags: tags, Note: note, SharedAt: inv.At}
	id, err := b.store.AddResource(ctx, r)
	if errors.Is(err, bot.ErrDuplicate) {
		old, err := b.store.Resource(ctx, inv.Community, id)
		if err != nil {
			return bot.Reply{}, err
		}
		return bot.PrivateText("That link is in the library already: #%d, shared by %s on %s.", id, bot.NameOr(old.MemberName, old.Member), old.SharedAt.In(b.loc).Format("Jan 2")), nil
	}
	if err != nil {
		return bot.Reply{}, err
	}
	if err := b.core.HandleEvent(ctx, bot.Event{Kind: bot.KindResourceShare, Community: inv.Community, Channel: inv.Channel, ChannelName: inv.ChannelName,
		Member: inv.Member, MemberName: inv.MemberName, At: inv.At, Key: "share:" + strconv.FormatInt(id, 10)}); err != nil {
		return bot.Reply{}, err
	}
	text := fmt.Sprintf("**%s** added a resource to the library (#%d): %s", bot.NameOr(inv.MemberName, inv.Member), id, link)
	if len(tags) > 0 {
		text += " " + tagList(tags)
	}
	if note != "" {
		text += "\n" + note
	}
	text += "\n_`/hearth resources` finds it again._"
	if inv.Channel == "" { // a DM: nobody else to show it to
		return bot.PrivateText("%s", text), nil
	}
	return bot.Reply{Post: bot.Post{Text: text}}, nil
}

func tagList(tags []string) string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = "#" + t
	}
	return strings.Join(out, " ")
}

func (b *Library) cmdResources(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	search := strings.TrimSpace(inv.Arg("search"))
	q := ResourceQuery{Limit: 15}
	label := "newest first"
	switch words := strings.Fields(search); {
	case len(words) == 1 && strings.HasPrefix(words[0], "#"):
		q.Tag = strings.ToLower(strings.TrimPrefix(words[0], "#"))
		if _, name, ok := bot.ParseChannelRef(words[0]); ok && name != "" {
			q.Tag = strings.ToLower(name)
		}
		label = "tagged #" + q.Tag
	case len(words) > 10:
		return bot.Reply{}, bot.Errorf(bot.EArgument, "Ten words at most, please.")
	case len(words) > 0:
		q.Words = words
		label = fmt.Sprintf("matching %q", search)
	}
	rs, err := b.store.Resources(ctx, inv.Community, q)
	if err != nil {
		return bot.Reply{}, err
	}
	if len(rs) == 0 {
		if search == "" {
			return bot.PrivateText("The library is empty. Add the first resource with `/hearth share https://… #tag a short note`."), nil
		}
		return bot.PrivateText("Nothing in the library %s. `/hearth resources` lists the newest.", label), nil
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "**Library** (%s)\n", label)
	for _, r := range rs {
		sb.WriteString("• " + b.resourceLine(r) + "\n")
	}
	if len(rs) == q.Limit {
		sb.WriteString("_Showing 15; narrow it with a #tag or words._")
	}
	return bot.Reply{Post: bot.Post{Text: strings.TrimRight(sb.String(), "\n")}, Private: true}, nil
}

func (b *Library) resourceLine(r Resource) string {
	line := fmt.Sprintf("#%d %s", r.ID, r.URL)
	if r.Note != "" {
		line += " — " + bot.Clip(r.Note, 120)
	}
	if len(r.Tags) > 0 {
		line += " " + tagList(r.Tags)
	}
	return line + fmt.Sprintf(" · %s, %s", bot.NameOr(r.MemberName, r.Member), r.SharedAt.In(b.loc).Format("Jan 2"))
}

func (b *Library) cmdResourceRemove(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	id, _ := strconv.ParseInt(strings.TrimPrefix(inv.Arg("id"), "#"), 10, 64)
	r, err := b.store.Resource(ctx, inv.Community, id)
	if errors.Is(err, bot.ErrNotFound) {
		return bot.Reply{}, bot.Errorf(bot.ENotFound, "There is no resource #%d. `/hearth resources` lists them.", id)
	}
	if err != nil {
		return bot.Reply{}, err
	}
	if r.Member != inv.Member && !inv.Facilitator {
		return bot.Reply{}, bot.Errorf(bot.EForbidden, "Only whoever shared it, or a facilitator, can remove resource #%d.", id)
	}
	if err := b.store.RemoveResource(ctx, inv.Community, id); err != nil {
		return bot.Reply{}, err
	}
	b.log.InfoContext(ctx, "resource removed", "community", inv.Community, "resource", id, "by", inv.Member)
	return bot.PrivateText("Removed resource #%d (%s) from the library.", id, bot.Clip(r.URL, 80)), nil
}

func (b *Library) cmdStory(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	text := strings.TrimSpace(inv.Arg("text"))
	if text == "" {
		if b.core.Capabilities(inv.Community).Forms {
			return bot.Reply{Form: &bot.Form{ID: FormStory, Title: "A success story", Submit: "Keep it", Fields: []bot.Field{{ID: "text",
				Label: "What changed in your practice?", Placeholder: "What you tried, what happened, what you'd tell a colleague", Multiline: true, MaxLength: MaxStoryLength}}}, Private: true}, nil
		}
		return bot.Reply{}, bot.Errorf(bot.EArgument, "Tell it after the command: `/hearth story Pairing with a newcomer halved our review time.`")
	}
	return b.keepStory(ctx, inv.Community, inv.Member, inv.MemberName, text, inv)
}

func (b *Library) keepStory(ctx context.Context, community, member, name, text string, inv bot.Invocation) (bot.Reply, error) {
	if utf8.RuneCountInString(text) > MaxStoryLength {
		return bot.Reply{}, bot.Errorf(bot.EArgument, "Keep a story to %d characters, please.", MaxStoryLength)
	}
	id, err := b.store.AddStory(ctx, Story{Community: community, Member: member, Text: text, Consent: ConsentPrivate, Source: "command", At: inv.At})
	if err != nil {
		return bot.Reply{}, err
	}
	v := strconv.FormatInt(id, 10)
	return bot.Reply{Post: bot.Post{
		Text: "Thank you: stories like this show what the community changes. It is kept for the facilitators only. May they share it further (in the community's impact report, for instance)?",
		Buttons: []bot.Button{
			{ActionID: ActionStoryConsent, Label: "Facilitators only", Value: v + ":" + string(ConsentPrivate)},
			{ActionID: ActionStoryConsent, Label: "Share anonymously", Value: v + ":" + string(ConsentAnonymous)},
			{ActionID: ActionStoryConsent, Label: "Share with my name", Value: v + ":" + string(ConsentNamed), Style: bot.StylePrimary},
		},
	}, Private: true}, nil
}

func (b *Library) actStoryForm(ctx context.Context, a bot.Action) (bot.Reply, error) {
	text := strings.TrimSpace(a.Values["text"])
	if text == "" {
		return bot.Reply{FieldErrors: map[string]string{"text": "Tell the story here."}, Private: true}, nil
	}
	if utf8.RuneCountInString(text) > MaxStoryLength {
		return bot.Reply{FieldErrors: map[string]string{"text": fmt.Sprintf("Please keep it to %d characters.", MaxStoryLength)}, Private: true}, nil
	}
	return b.keepStory(ctx, a.Community, a.Member, a.MemberName, text, bot.Invocation{Command: bot.Command{At: a.At}})
}

func (b *Library) actStoryConsent(ctx context.Context, a bot.Action) (bot.Reply, error) {
	idText, consent, _ := strings.Cut(a.Value, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	c := StoryConsent(consent)
	if err != nil || (c != ConsentPrivate && c != ConsentAnonymous && c != ConsentNamed) {
		return bot.Reply{}, bot.Errorf(bot.EArgument, "That button doesn't belong to a story I know.")
	}
	if err := b.store.SetStoryConsent(ctx, a.Community, a.Member, id, c); errors.Is(err, bot.ErrNotFound) {
		return bot.Reply{}, bot.Errorf(bot.EForbidden, "That story is someone else's, so its consent is theirs to give.")
	} else if err != nil {
		return bot.Reply{}, err
	}
	switch c {
	case ConsentNamed:
		return bot.PrivateText("Thank you! Facilitators may share your story with your name."), nil
	case ConsentAnonymous:
		return bot.PrivateText("Thank you! Facilitators may share your story, without your name."), nil
	}
	return bot.PrivateText("Understood: your story stays with the facilitators."), nil
}

// consentLabel says how far a story may travel.
func consentLabel(c StoryConsent) string {
	switch c {
	case ConsentNamed:
		return "shareable with name"
	case ConsentAnonymous:
		return "shareable anonymously"
	}
	return "facilitators only"
}

func (b *Library) cmdStories(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	all, err := b.store.Stories(ctx, inv.Community, inv.At.AddDate(-1, 0, 0))
	if err != nil {
		return bot.Reply{}, err
	}
	if len(all) == 0 {
		return bot.PrivateText("No stories yet. Members tell theirs with `/hearth story`, or in the monthly `reflection` check-in."), nil
	}
	var lines, whole []string
	for _, s := range slices.Backward(all) {
		who := fmt.Sprintf("%s, %s (%s): ", bot.NameOr(s.MemberName, s.Member), s.At.In(b.loc).Format("Jan 2"), consentLabel(s.Consent))
		lines = append(lines, "• "+who+bot.Clip(s.Text, 300))
		whole = append(whole, who+s.Text)
	}
	text, buttons, file := bot.List{Title: "**Success stories** (last 12 months, newest first)", Lines: lines, Whole: whole, PageSize: 10, File: "stories.md"}.
		Page(inv, b.core.Capabilities(inv.Community))
	return bot.Reply{Post: bot.Post{Text: text, Buttons: buttons, Attachment: file}, Private: true}, nil
}

// storyFromReflection keeps an attributed check-in's "story" answer as a
// success story, with the consent its "share" answer gives.
func (b *Library) storyFromReflection(ctx context.Context, an bot.CheckinAnswers) error {
	answers, member, at := an.Answers, an.Member, an.At
	if an.Anonymous {
		return nil // a story must name its teller to ask consent; anonymous runs keep answers only
	}
	if !slices.Contains(an.Questions, "story") {
		return nil
	}
	text, ok := answers["story"]
	if !ok {
		text = an.Current["story"]
	}
	share, ok := answers["share"]
	if !ok {
		share = an.Current["share"]
	}
	if strings.TrimSpace(text) == "" {
		return nil
	}
	c := ConsentPrivate
	switch {
	case strings.Contains(strings.ToLower(share), "anonym"):
		c = ConsentAnonymous
	case strings.Contains(strings.ToLower(share), "name"):
		c = ConsentNamed
	}
	_, err := b.store.AddStory(ctx, Story{Community: an.Community, Member: member, Text: text, Consent: c, Source: "checkin", Run: an.Run, At: at})
	return err
}
