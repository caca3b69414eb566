package discord_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord"
	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/features"
	"github.com/hearth-community/hearth/bot/reporting"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The registered /hearth is generated from the core's command table; the
// golden file shows what Discord receives.
func TestCommandSchemaGolden(t *testing.T) {
	t.Parallel()
	h := start(t, setup{config: func(c *discord.Config) { c.GuildID = guildID }})
	waitFake(t, h.fake, "command registration", func() bool { return h.fake.Commands(guildID) != nil })
	if h.fake.Commands("") != nil {
		t.Error("commands were registered globally too; DISCORD_GUILD_ID registers them in the guild only")
	}
	var pretty bytes.Buffer
	check(t, json.Indent(&pretty, h.fake.Commands(guildID), "", "  "))
	pretty.WriteByte('\n')
	golden := filepath.Join("testdata", "hearth_command.golden.json")
	if *update {
		check(t, os.WriteFile(golden, pretty.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	check(t, err)
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Errorf("registered schema differs from %s (go test -update rewrites it):\n%s", golden, pretty.String())
	}

	// Every entry of the table is there, with typed options.
	var cmds []struct {
		Name    string `json:"name"`
		Options []struct {
			Name    string `json:"name"`
			Type    int    `json:"type"`
			Options []struct {
				Name    string `json:"name"`
				Type    int    `json:"type"`
				Options []struct {
					Name     string `json:"name"`
					Type     int    `json:"type"`
					Required bool   `json:"required"`
				} `json:"options"`
			} `json:"options"`
		} `json:"options"`
	}
	check(t, json.Unmarshal(h.fake.Commands(guildID), &cmds))
	if len(cmds) != 1 || cmds[0].Name != "hearth" {
		t.Fatalf("registered %+v, want /hearth alone", cmds)
	}
	found := map[string]bool{}
	for _, o := range cmds[0].Options {
		if o.Type == fakediscord.OptionSubCommand {
			found[o.Name] = true
		}
		for _, s := range o.Options {
			if o.Type == fakediscord.OptionSubCommandGroup && s.Type == fakediscord.OptionSubCommand {
				found[o.Name+" "+s.Name] = true
				for _, arg := range s.Options {
					if o.Name == "facilitator" && (arg.Type != fakediscord.OptionUser || !arg.Required) {
						t.Errorf("%s %s: option %s is type %d, want a required user", o.Name, s.Name, arg.Name, arg.Type)
					}
				}
			}
		}
	}
	for _, spec := range features.Commands() {
		// Discord nests two levels: "prompt deck add" is "prompt deck-add".
		name := spec.Name()
		if len(spec.Path) > 2 {
			name = spec.Path[0] + " " + strings.Join(spec.Path[1:], "-")
		}
		if !found[name] {
			t.Errorf("%q is not registered (as %q)", spec.Name(), name)
		}
	}
}

func TestCommandSchemaUnregisteredGuildIsGlobal(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	waitFake(t, h.fake, "command registration", func() bool { return h.fake.Commands("") != nil })
	if len(h.fake.RequestsTo("PUT /applications/"+h.fake.AppID()+"/commands")) != 1 {
		t.Error("want one global bulk overwrite")
	}
}

func TestCommandsFromMemberAndFacilitator(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	f := h.fake
	report := fakediscord.SubCommand("report", fakediscord.String("period", "30d"), fakediscord.ChannelOpt("channel", generalID))

	in, err := f.Slash(member(bob, fakediscord.PermViewChannel|fakediscord.PermSendMessages), "hearth", report)
	check(t, err)
	cb, data := callbackOf(t, f, in.ID)
	if cb.Type != 4 || flagsOf(data)&64 == 0 || data["content"] != "ran report 30d <#201>" {
		t.Errorf("member's answer: type %d data %v; want an ephemeral message (4, flags 64)", cb.Type, data)
	}
	in2, err := f.Slash(member(alice, fakediscord.PermManageGuild), "hearth", report)
	check(t, err)
	callbackOf(t, f, in2.ID)
	in3, err := f.Slash(member(carol, fakediscord.PermAdministrator), "hearth",
		fakediscord.Group("facilitator", fakediscord.SubCommand("add", fakediscord.UserOpt("member", bobID))))
	check(t, err)
	callbackOf(t, f, in3.ID)
	in4, err := f.Slash(member(carol, 0), "hearth", fakediscord.SubCommand("help", fakediscord.String("command", "facilitator add")))
	check(t, err)
	callbackOf(t, f, in4.ID)
	in5, err := f.Slash(member(carol, 0), "hearth", fakediscord.SubCommand("report", fakediscord.ChannelOpt("channel", threadID)))
	check(t, err)
	callbackOf(t, f, in5.ID)
	// A three-word command and an integer option.
	in6, err := f.Slash(member(carol, 0), "hearth", fakediscord.Group("prompt", fakediscord.SubCommand("deck-add", fakediscord.String("text", "What surprised you?"))))
	check(t, err)
	callbackOf(t, f, in6.ID)
	in7, err := f.Slash(member(carol, 0), "hearth", fakediscord.Group("schedule", fakediscord.SubCommand("pause", fakediscord.Option{Name: "id", Type: 4, Value: 12})))
	check(t, err)
	callbackOf(t, f, in7.ID)

	cmds := h.rec.Commands()
	want := []bot.Command{
		{Community: community, Channel: generalID, ChannelName: "general", Member: bobID, MemberName: "bob", Text: "report 30d <#201>", At: in.At},
		{Community: community, Channel: generalID, ChannelName: "general", Member: aliceID, MemberName: "Alice", Admin: true, Text: "report 30d <#201>", At: in2.At},
		{Community: community, Channel: generalID, ChannelName: "general", Member: carolID, MemberName: "carol", Admin: true, Text: "facilitator add <@502>", At: in3.At},
		{Community: community, Channel: generalID, ChannelName: "general", Member: carolID, MemberName: "carol", Text: `help "facilitator add"`, At: in4.At},
		{Community: community, Channel: generalID, ChannelName: "general", Member: carolID, MemberName: "carol", Text: "report <#301>", At: in5.At},
		{Community: community, Channel: generalID, ChannelName: "general", Member: carolID, MemberName: "carol", Text: `prompt deck add "What surprised you?"`, At: in6.At},
		{Community: community, Channel: generalID, ChannelName: "general", Member: carolID, MemberName: "carol", Text: "schedule pause 12", At: in7.At},
	}
	if len(cmds) != len(want) {
		t.Fatalf("got %d commands: %+v", len(cmds), cmds)
	}
	for i := range want {
		want[i].At = want[i].At.Truncate(time.Millisecond).UTC()
		if cmds[i] != want[i] {
			t.Errorf("command %d:\n got %+v\nwant %+v", i, cmds[i], want[i])
		}
		if words, err := bot.Tokenize(cmds[i].Text); err != nil || len(words) == 0 {
			t.Errorf("command %d text %q does not tokenize: %v", i, cmds[i].Text, err)
		}
	}
	// The text parses against the table the schema came from.
	for _, c := range cmds {
		if _, err := bot.Parse(features.Commands(), c.Text); err != nil {
			t.Errorf("%q: %v", c.Text, err)
		}
	}
}

func TestPublicReplyAndReplayedInteraction(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	h.rec.command = func(context.Context, bot.Command) bot.Reply {
		return bot.Reply{Post: bot.Post{Text: "Everyone can see this"}}
	}
	in, raw := h.fake.PrepareSlash(member(bob, 0), "hearth", fakediscord.Group("facilitator", fakediscord.SubCommand("list")))
	_, err := h.fake.Dispatch("INTERACTION_CREATE", json.RawMessage(raw))
	check(t, err)
	_, err = h.fake.Dispatch("INTERACTION_CREATE", json.RawMessage(raw)) // replayed, say on resume
	check(t, err)
	cb, data := callbackOf(t, h.fake, in.ID)
	if cb.Type != 4 || flagsOf(data)&64 != 0 {
		t.Errorf("public reply: type %d flags %d", cb.Type, flagsOf(data))
	}
	// Another interaction after the replay, to know the replay was handled.
	in2, err := h.fake.Slash(member(bob, 0), "hearth", fakediscord.SubCommand("me"))
	check(t, err)
	callbackOf(t, h.fake, in2.ID)
	if n := len(h.rec.Commands()); n != 2 {
		t.Errorf("%d commands handled, want 2 (a replayed interaction is answered once)", n)
	}
	if n := len(h.fake.Callbacks(in.ID)); n != 1 {
		t.Errorf("%d responses to one interaction", n)
	}
}

// A slow command is acknowledged with a deferred ephemeral response first,
// then the response is edited; a reply longer than a message continues in
// ephemeral follow-ups.
func TestSlowCommandDeferredThenEdited(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	long := strings.Repeat("• a line of a long report\n", 120) // > 2,000 characters
	h := start(t, setup{config: func(c *discord.Config) { c.DeferAfter = time.Millisecond }})
	h.rec.command = func(ctx context.Context, _ bot.Command) bot.Reply {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return bot.Reply{Post: bot.Post{Text: long, Buttons: []bot.Button{{ActionID: reporting.ActionReport, Label: "Last 30 days", Value: "30d"}}}, Private: true}
	}
	in, err := h.fake.Slash(member(alice, fakediscord.PermManageGuild), "hearth", fakediscord.SubCommand("report"))
	check(t, err)
	cb, data := callbackOf(t, h.fake, in.ID)
	if cb.Type != 5 || flagsOf(data)&64 == 0 {
		t.Fatalf("first response: type %d flags %d; want deferred (5) ephemeral (64)", cb.Type, flagsOf(data))
	}
	if cb.After >= 3*time.Second {
		t.Errorf("acknowledged after %v", cb.After)
	}
	close(release)
	waitFake(t, h.fake, "the edit and the follow-up", func() bool { return len(h.fake.Callbacks(in.ID)) >= 3 })
	cbs := h.fake.Callbacks(in.ID)
	if cbs[1].Kind != "edit" || cbs[2].Kind != "followup" {
		t.Fatalf("callbacks %+v; want edit then followup", cbs)
	}
	edit, follow := decode(t, cbs[1].Data), decode(t, cbs[2].Data)
	text := edit["content"].(string) + "\n" + follow["content"].(string)
	if text != strings.TrimRight(long, "\n") || len([]rune(edit["content"].(string))) > 2000 {
		t.Errorf("the reply was not split at a line into messages of at most 2,000 characters")
	}
	if flagsOf(follow)&64 == 0 {
		t.Error("the follow-up of a private reply is not ephemeral")
	}
	if ids := customIDs(follow); len(ids) != 1 || ids[0] != "b|hearth.report|30d" {
		t.Errorf("buttons on the last message: %v", ids)
	}
}

func TestButtonClick(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	longValue := strings.Repeat("x", 120)
	h.rec.command = func(context.Context, bot.Command) bot.Reply {
		return bot.Reply{Post: bot.Post{Text: "**Report**", Buttons: []bot.Button{
			{ActionID: reporting.ActionReport, Label: "Last 30 days", Value: "30d <#201>", Style: bot.StylePrimary},
			{ActionID: "test.long", Label: "Long", Value: longValue},
		}}, Private: true}
	}
	in, err := h.fake.Slash(member(alice, fakediscord.PermManageGuild), "hearth", fakediscord.SubCommand("report"))
	check(t, err)
	_, data := callbackOf(t, h.fake, in.ID)
	ids := customIDs(data)
	if len(ids) != 2 || ids[0] != "b|hearth.report|30d <#201>" || !strings.HasPrefix(ids[1], "k|") {
		t.Fatalf("custom ids %v", ids)
	}
	msgID := h.fake.NewID()
	click, err := h.fake.Click(member(alice, fakediscord.PermManageGuild), msgID, ids[0])
	check(t, err)
	cb, reply := callbackOf(t, h.fake, click.ID)
	if cb.Type != 4 || reply["content"] != "did hearth.report" || flagsOf(reply)&64 == 0 {
		t.Errorf("click answer: %d %v", cb.Type, reply)
	}
	click2, err := h.fake.Click(member(bob, 0), msgID, ids[1])
	check(t, err)
	callbackOf(t, h.fake, click2.ID)
	expired, err := h.fake.Click(member(bob, 0), msgID, "k|gone")
	check(t, err)
	_, gone := callbackOf(t, h.fake, expired.ID)
	if !strings.Contains(gone["content"].(string), "expired") {
		t.Errorf("expired button answer: %v", gone)
	}
	acts := h.rec.Actions()
	if len(acts) != 2 {
		t.Fatalf("actions %+v", acts)
	}
	want := bot.Action{Community: community, Channel: generalID, Member: aliceID, MemberName: "Alice", Admin: true,
		ActionID: reporting.ActionReport, Value: "30d <#201>", Post: bot.PostRef{Channel: generalID, ID: msgID, At: fakediscord.SnowflakeTime(msgID)},
		At: fakediscord.SnowflakeTime(click.ID)}
	if !equalAction(acts[0], want) {
		t.Errorf("action:\n got %+v\nwant %+v", acts[0], want)
	}
	if acts[1].ActionID != "test.long" || acts[1].Value != longValue || acts[1].Admin {
		t.Errorf("long action: %+v", acts[1])
	}
}

func equalAction(a, b bot.Action) bool {
	if len(a.Values) != len(b.Values) {
		return false
	}
	for k, v := range a.Values {
		if b.Values[k] != v {
			return false
		}
	}
	a.Values, b.Values = nil, nil
	return a.Community == b.Community && a.Channel == b.Channel && a.Member == b.Member && a.MemberName == b.MemberName &&
		a.Admin == b.Admin && a.ActionID == b.ActionID && a.Value == b.Value && a.Context == b.Context && a.Post == b.Post && a.At.Equal(b.At)
}

// A form opens as a modal; its submission comes back as an action; field
// errors come back as an ephemeral message with a button that reopens the
// form, filled in.
func TestModalForm(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	form := &bot.Form{ID: "checkin.answer", Title: "This week", Context: "ci-7", Submit: "Send", Fields: []bot.Field{
		{ID: "answer", Label: "What did you try?", Placeholder: "a sentence or two", Multiline: true, MaxLength: 500},
		{ID: "note", Label: "Anything else", Optional: true},
	}}
	h.rec.command = func(context.Context, bot.Command) bot.Reply { return bot.Reply{Form: form} }
	attempts := 0
	h.rec.action = func(_ context.Context, a bot.Action) bot.Reply {
		attempts++
		if attempts == 1 {
			return bot.Reply{FieldErrors: map[string]string{"answer": "A little more, please."}}
		}
		return bot.Reply{Post: bot.Post{Text: "Thanks!"}, Private: true}
	}
	in, err := h.fake.Slash(member(bob, 0), "hearth", fakediscord.SubCommand("me"))
	check(t, err)
	cb, data := callbackOf(t, h.fake, in.ID)
	if cb.Type != 9 || data["custom_id"] != "f|checkin.answer|ci-7" || data["title"] != "This week" {
		t.Fatalf("modal: type %d %v", cb.Type, data)
	}
	if ids := customIDs(data); len(ids) != 2 || ids[0] != "answer" || ids[1] != "note" {
		t.Fatalf("modal inputs %v", ids)
	}
	sub, err := h.fake.Submit(member(bob, 0), "f|checkin.answer|ci-7", fakediscord.FieldValue{ID: "answer", Value: "short"}, fakediscord.FieldValue{ID: "note", Value: ""})
	check(t, err)
	cb, data = callbackOf(t, h.fake, sub.ID)
	if cb.Type != 4 || flagsOf(data)&64 == 0 || !strings.Contains(data["content"].(string), "**What did you try?**: A little more, please.") {
		t.Fatalf("field errors answer: %d %v", cb.Type, data)
	}
	ids := customIDs(data)
	if len(ids) != 1 || !strings.HasPrefix(ids[0], "k|") {
		t.Fatalf("reopen button: %v", ids)
	}
	reopen, err := h.fake.Click(member(bob, 0), h.fake.NewID(), ids[0])
	check(t, err)
	cb, data = callbackOf(t, h.fake, reopen.ID)
	if cb.Type != 9 || !strings.Contains(string(cb.Data), `"value":"short"`) {
		t.Fatalf("reopened modal: %d %s", cb.Type, cb.Data)
	}
	sub2, err := h.fake.Submit(member(bob, 0), data["custom_id"].(string), fakediscord.FieldValue{ID: "answer", Value: "I tried grafting"})
	check(t, err)
	_, data = callbackOf(t, h.fake, sub2.ID)
	if data["content"] != "Thanks!" {
		t.Errorf("final answer %v", data)
	}
	acts := h.rec.Actions()
	if len(acts) != 2 || acts[0].ActionID != "checkin.answer" || acts[0].Context != "ci-7" || acts[0].Values["answer"] != "short" ||
		acts[1].Values["answer"] != "I tried grafting" || acts[1].Member != bobID || acts[1].Community != community {
		t.Errorf("actions %+v", acts)
	}
}
