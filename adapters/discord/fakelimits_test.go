package discord_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
)

// rewrite sends discordgo's requests for Discord's API to the fake.
type rewrite struct{ to string }

func (rw rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	u := r.URL.String()
	if rest, ok := strings.CutPrefix(u, discordgo.EndpointAPI); ok {
		r2 := r.Clone(r.Context())
		nu, err := r.URL.Parse(rw.to + rest)
		if err != nil {
			return nil, err
		}
		r2.URL, r2.Host = nu, nu.Host
		return http.DefaultTransport.RoundTrip(r2)
	}
	return nil, errors.New("a test tried to reach " + u)
}

// fakeSession is a bare discordgo session talking to a fresh fake.
func fakeSession(t *testing.T) (*fakediscord.Server, *discordgo.Session) {
	t.Helper()
	f := fakediscord.New(fakediscord.Options{Now: func() time.Time { return t0 }, Guilds: []fakediscord.Guild{testGuild()}})
	t.Cleanup(f.Close)
	s, err := discordgo.New("Bot " + f.Token())
	check(t, err)
	s.Client = &http.Client{Transport: rewrite{to: f.URL()}}
	s.MaxRestRetries = 0
	return f, s
}

// refusedAt checks that err is Discord's 400 Invalid Form Body naming the
// field at path ("content", "0.options.3.name") in its errors.
func refusedAt(t *testing.T, name string, err error, path string) {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response.StatusCode != 400 || re.Message == nil || re.Message.Code != 50035 || re.Message.Message != "Invalid Form Body" {
		t.Errorf("%s: %v; want 400 Invalid Form Body (50035)", name, err)
		return
	}
	var body struct {
		Errors map[string]any `json:"errors"`
	}
	check(t, json.Unmarshal(re.ResponseBody, &body))
	var at any = body.Errors
	for _, p := range strings.Split(path, ".") {
		m, _ := at.(map[string]any)
		at = m[p]
	}
	if m, _ := at.(map[string]any); m["_errors"] == nil {
		t.Errorf("%s: errors %s do not name %s", name, re.ResponseBody, path)
	}
}

func button(id, label string) discordgo.Button {
	return discordgo.Button{CustomID: id, Label: label, Style: discordgo.PrimaryButton}
}

func TestFakeRefusesMessagesPastDiscordLimits(t *testing.T) {
	t.Parallel()
	f, s := fakeSession(t)
	row := func(n int, prefix string) discordgo.ActionsRow {
		var r discordgo.ActionsRow
		for i := range n {
			r.Components = append(r.Components, button(prefix+string(rune('a'+i)), "B"))
		}
		return r
	}
	rows := func(n int) []discordgo.MessageComponent {
		var out []discordgo.MessageComponent
		for i := range n {
			out = append(out, row(1, string(rune('a'+i))))
		}
		return out
	}
	files := func(n, size int) []*discordgo.File {
		var out []*discordgo.File
		for range n {
			out = append(out, &discordgo.File{Name: "f.txt", ContentType: "text/plain", Reader: bytes.NewReader(make([]byte, size))})
		}
		return out
	}
	tests := []struct {
		name string
		msg  *discordgo.MessageSend
		path string // "" when the answer is not 50035
	}{
		{"content over 2,000", &discordgo.MessageSend{Content: strings.Repeat("x", 2001)}, "content"},
		{"2,001 runes of 2 bytes", &discordgo.MessageSend{Content: strings.Repeat("é", 2001)}, "content"},
		{"6 action rows", &discordgo.MessageSend{Content: "x", Components: rows(6)}, "components"},
		{"6 buttons in a row", &discordgo.MessageSend{Content: "x", Components: []discordgo.MessageComponent{row(6, "b")}}, "components.0.components"},
		{"label over 80", &discordgo.MessageSend{Content: "x", Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{button("a", strings.Repeat("l", 81))}}}}, "components.0.components.0.label"},
		{"custom_id over 100", &discordgo.MessageSend{Content: "x", Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{button(strings.Repeat("i", 101), "B")}}}}, "components.0.components.0.custom_id"},
		{"11 files", &discordgo.MessageSend{Content: "x", Files: files(11, 1)}, "attachments"},
		{"over 25 MB of files", &discordgo.MessageSend{Content: "x", Files: files(2, fakediscord.MaxUpload/2+1)}, ""},
	}
	for _, tt := range tests {
		_, err := s.ChannelMessageSendComplex(generalID, tt.msg)
		if tt.path == "" {
			var re *discordgo.RESTError
			if !errors.As(err, &re) || re.Response.StatusCode != 413 || re.Message == nil || re.Message.Code != 40005 {
				t.Errorf("%s: %v; want 413 Request entity too large (40005)", tt.name, err)
			}
			continue
		}
		refusedAt(t, tt.name, err, tt.path)
	}
	if got := f.Messages(generalID); len(got) != 0 {
		t.Fatalf("the fake kept %d refused messages", len(got))
	}
	// At the limits, all goes through.
	for _, ok := range []*discordgo.MessageSend{
		{Content: strings.Repeat("é", 2000)},
		{Content: "x", Components: []discordgo.MessageComponent{row(5, "a"), row(5, "b"), row(5, "c"), row(5, "d"), row(5, "e")}},
		{Content: "x", Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			button(strings.Repeat("i", 100), strings.Repeat("l", 80))}}}},
		{Content: "x", Files: files(10, 1000)},
	} {
		if _, err := s.ChannelMessageSendComplex(generalID, ok); err != nil {
			t.Errorf("within the limits, refused: %v", err)
		}
	}
}

func TestFakeRefusesCommandsPastDiscordLimits(t *testing.T) {
	t.Parallel()
	f, s := fakeSession(t)
	str := func(name string) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: "d"}
	}
	sub := func(name string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: name, Description: "d", Options: opts}
	}
	subs := func(n int) []*discordgo.ApplicationCommandOption {
		var out []*discordgo.ApplicationCommandOption
		for i := range n {
			out = append(out, sub(strings.Repeat(string(rune('a'+i%26)), 1+i/26)))
		}
		return out
	}
	choices := func(n, nameLen int) []*discordgo.ApplicationCommandOptionChoice {
		var out []*discordgo.ApplicationCommandOptionChoice
		for i := range n {
			out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: strings.Repeat("c", nameLen-1) + string(rune('a'+i)), Value: "v"})
		}
		return out
	}
	cmd := func(opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommand {
		return &discordgo.ApplicationCommand{Name: "hearth", Description: "Hearth", Options: opts}
	}
	// 30 sub-commands of 32-character names and 100-character descriptions
	// come to over 4,000 characters; 70 such options, in groups, to over 8,000.
	big := func() *discordgo.ApplicationCommand {
		c := cmd()
		for g := range 4 {
			grp := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommandGroup,
				Name: "group" + string(rune('a'+g)), Description: strings.Repeat("g", 100)}
			for i := range 20 {
				grp.Options = append(grp.Options, &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand,
					Name: strings.Repeat("s", 30) + string(rune('a'+g)) + string(rune('a'+i)), Description: strings.Repeat("d", 100)})
			}
			c.Options = append(c.Options, grp)
		}
		return c
	}
	withChoices := func(cs []*discordgo.ApplicationCommandOptionChoice) *discordgo.ApplicationCommand {
		o := str("period")
		o.Choices = cs
		return cmd(sub("report", o))
	}
	tests := []struct {
		name string
		cmd  *discordgo.ApplicationCommand
		path string
	}{
		{"capitals in the name", &discordgo.ApplicationCommand{Name: "Hearth", Description: "d"}, "0.name"},
		{"a space in the name", &discordgo.ApplicationCommand{Name: "hearth bot", Description: "d"}, "0.name"},
		{"a 33-character name", &discordgo.ApplicationCommand{Name: strings.Repeat("h", 33), Description: "d"}, "0.name"},
		{"an option with capitals", cmd(sub("Report")), "0.options.0.name"},
		{"a 101-character description", &discordgo.ApplicationCommand{Name: "hearth", Description: strings.Repeat("d", 101)}, "0.description"},
		{"an empty option description", cmd(&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "x"}), "0.options.0.description"},
		{"26 sub-commands", cmd(subs(26)...), "0.options"},
		{"26 options in a sub-command", cmd(sub("x", func() []*discordgo.ApplicationCommandOption {
			var o []*discordgo.ApplicationCommandOption
			for _, s := range subs(26) {
				o = append(o, str(s.Name))
			}
			return o
		}()...)), "0.options.0.options"},
		{"26 choices", withChoices(choices(26, 5)), "0.options.0.options.0.choices"},
		{"a 101-character choice name", withChoices(choices(1, 101)), "0.options.0.options.0.choices.0.name"},
		{"a 101-character choice value", withChoices([]*discordgo.ApplicationCommandOptionChoice{{Name: "n", Value: strings.Repeat("v", 101)}}), "0.options.0.options.0.choices.0.value"},
		{"over 8,000 characters in all", big(), "0"},
	}
	for _, tt := range tests {
		_, err := s.ApplicationCommandBulkOverwrite(f.AppID(), guildID, []*discordgo.ApplicationCommand{tt.cmd})
		refusedAt(t, tt.name, err, tt.path)
	}
	if f.Commands(guildID) != nil {
		t.Fatal("the fake kept refused commands")
	}
	// At the limits, all goes through: 25 sub-commands, 25 choices of 100
	// characters, Devanagari and Thai names, 7,854 characters in all.
	atLimits := []*discordgo.ApplicationCommand{
		cmd(subs(25)...),
		withChoices(choices(25, 100)),
		cmd(sub("सूची"), sub("รายงาน"), sub("über-uns_2")),
	}
	b := big()
	b.Options = b.Options[:3]
	b.Options[2].Options = b.Options[2].Options[:17] // 7,854 characters
	atLimits = append(atLimits, b)
	for _, c := range atLimits {
		if _, err := s.ApplicationCommandBulkOverwrite(f.AppID(), guildID, []*discordgo.ApplicationCommand{c}); err != nil {
			t.Errorf("%s within the limits, refused: %v", c.Name, err)
		}
	}
}

// Interaction responses and follow-ups are held to the same limits; the
// response's fields are named under "data", as Discord does.
func TestFakeRefusesInteractionMessagesPastDiscordLimits(t *testing.T) {
	t.Parallel()
	f, s := fakeSession(t)
	in, _ := f.PrepareSlash(member(bob, 0), "hearth", fakediscord.SubCommand("me"))
	i := &discordgo.Interaction{ID: in.ID, Token: in.Token, AppID: f.AppID()}
	long := strings.Repeat("x", 2001)
	err := s.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: long}})
	refusedAt(t, "response over 2,000", err, "data.content")
	check(t, s.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "ok"}}))
	_, err = s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: long})
	refusedAt(t, "follow-up over 2,000", err, "content")
	_, err = s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &long})
	refusedAt(t, "edit over 2,000", err, "content")
}
