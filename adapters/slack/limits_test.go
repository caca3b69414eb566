package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
)

// asJSON is blocks as Slack receives them.
func asJSON(t *testing.T, blocks []slack.Block) []map[string]any {
	t.Helper()
	b, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// sectionTexts lists the text of the section blocks.
func sectionTexts(blocks []slack.Block) []string {
	var out []string
	for _, b := range blocks {
		if s, ok := b.(*slack.SectionBlock); ok {
			out = append(out, s.Text.Text)
		}
	}
	return out
}

// longText is n lines of about width characters each, with entities to
// escape, emoji and CJK in them.
func longText(n, width int) string {
	var lines []string
	for i := range n {
		head := fmt.Sprintf("• member %d & friends <team> 👋 語 ", i)
		lines = append(lines, head+strings.Repeat("x", max(0, width-utf8.RuneCountInString(head))))
	}
	return strings.Join(lines, "\n")
}

var noticeRE = regexp.MustCompile(`^_…and ([0-9,]+) more lines?: (.+)_$`)

// checkRendered checks a render against the fake's rule book and that
// every line of text is either shown or counted in the notice.
func checkRendered(t *testing.T, p bot.Post, r rendered) {
	t.Helper()
	if ref := fakeslack.CheckMessage(r.text, asJSON(t, r.blocks)); ref != nil {
		t.Fatalf("Slack would refuse it: %v", ref)
	}
	if n := blockChars(r.blocks); n > maxBlocksText {
		t.Errorf("%d characters in blocks, budget %d", n, maxBlocksText)
	}
	texts := sectionTexts(r.blocks)
	for _, s := range texts {
		if !utf8.ValidString(s) || strings.TrimSpace(s) == "" {
			t.Errorf("section %q", s)
		}
	}
	lines := strings.Split(mrkdwn(strings.TrimRight(p.Text, "\n")), "\n")
	if r.left == nil {
		if got := strings.Join(texts, "\n"); strings.ReplaceAll(got, "\n", "") != strings.ReplaceAll(strings.Join(lines, ""), "\n", "") {
			t.Errorf("nothing said left out, but the text differs")
		}
		return
	}
	m := noticeRE.FindStringSubmatch(texts[len(texts)-1])
	if m == nil {
		t.Fatalf("last section %q is not a notice", texts[len(texts)-1])
	}
	if want := bot.Thousands(r.left.lines); m[1] != want {
		t.Errorf("notice says %s lines, %s were left out", m[1], want)
	}
	// Whole lines are shown, in order, from the start of the post.
	strip := func(s string) string { return strings.ReplaceAll(s, "\n", "") }
	shown := strip(strings.Join(texts[:len(texts)-1], "\n"))
	if !strings.HasPrefix(strip(strings.Join(lines, "\n")), shown) {
		t.Errorf("the shown text is not the start of the post")
	}
	if first := strip(strings.Join(lines[:len(lines)-r.left.lines], "\n")); !strings.HasPrefix(shown, first) {
		t.Errorf("the first %d lines are not all shown", len(lines)-r.left.lines)
	}
	if string(r.left.file.Data) != p.Text || r.left.file.Name != fullTextFile {
		t.Errorf("file %s of %d bytes, want the full text", r.left.file.Name, len(r.left.file.Data))
	}
}

func TestRenderKeepsEveryPostWithinSlackLimits(t *testing.T) {
	checkin := bot.Post{Text: longText(300, 60)}
	for q := range 10 {
		for a := range 5 {
			checkin.Buttons = append(checkin.Buttons, bot.Button{ActionID: "checkin.answer", Row: q,
				Label: fmt.Sprintf("Q%d answer %d ", q, a) + strings.Repeat("long ", 20), Value: fmt.Sprintf("q%d:%d", q, a)})
		}
	}
	for _, c := range []struct {
		name     string
		p        bot.Post
		leftOut  bool
		sections int // 0: any
	}{
		{name: "short", p: bot.Post{Text: "**hi** & <you>"}, sections: 1},
		{name: "a full message, nothing left out", p: bot.Post{Text: longText(90, 100)}},
		{name: "100,000 characters in 2,000 lines", p: bot.Post{Text: longText(2000, 50)}, leftOut: true},
		{name: "one line of 100,000 characters", p: bot.Post{Text: strings.Repeat("a&b ", 25000)}, leftOut: true},
		{name: "CJK", p: bot.Post{Text: strings.Repeat(strings.Repeat("語", 90)+"\n", 400)}, leftOut: true},
		{name: "emoji count twice", p: bot.Post{Text: strings.Repeat(strings.Repeat("👋", 1000)+"\n", 20)}, leftOut: true},
		{name: "blank lines", p: bot.Post{Text: strings.Repeat("para\n\n\n", 3000)}, leftOut: true},
		{name: "check-in with 50 long buttons", p: checkin, leftOut: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := render(c.p, fullBudget, whereAttached)
			checkRendered(t, c.p, r)
			if (r.left != nil) != c.leftOut {
				t.Errorf("left out: %+v, want %v", r.left, c.leftOut)
			}
			if c.sections > 0 && len(sectionTexts(r.blocks)) != c.sections {
				t.Errorf("%d sections, want %d", len(sectionTexts(r.blocks)), c.sections)
			}
			if got := len(fakeslack.Buttons(asJSON(t, r.blocks))); got != len(c.p.Buttons) {
				t.Errorf("%d buttons rendered, the post has %d", got, len(c.p.Buttons))
			}
		})
	}
}

// 48 rows of buttons leave two blocks of the 50 for text: one section and
// the notice. Every button stays.
func TestRenderAtFiftyBlocksKeepsButtonsAndSaysWhatIsLeftOut(t *testing.T) {
	p := bot.Post{Text: longText(200, 40)}
	for i := range 48 {
		p.Buttons = append(p.Buttons, bot.Button{ActionID: "pick", Label: fmt.Sprint(i), Value: fmt.Sprint(i), Row: i})
	}
	r := render(p, fullBudget, whereAttached)
	checkRendered(t, p, r)
	if len(r.blocks) != maxBlocks || len(sectionTexts(r.blocks)) != 2 {
		t.Fatalf("%d blocks, %d sections; want 50 and 2", len(r.blocks), len(sectionTexts(r.blocks)))
	}
	if n := len(fakeslack.Buttons(asJSON(t, r.blocks))); n != 48 || r.droppedButtons != 0 {
		t.Errorf("%d buttons, %d dropped", n, r.droppedButtons)
	}
	if r.left == nil || r.left.lines == 0 {
		t.Fatal("nothing said left out")
	}
}

// A line longer than a section is split between characters, never inside
// an entity or a <link>.
func TestSplitLineKeepsEntitiesLinksAndCharacters(t *testing.T) {
	entity := regexp.MustCompile(`&(amp|lt|gt);`)
	for _, c := range []struct {
		name, line string
		n          int
	}{
		{"ampersands", mrkdwn(strings.Repeat("&", 2000)), 3000},
		{"an entity on the edge", strings.Repeat("a", 2998) + "&amp;b", 3000},
		{"angle brackets", mrkdwn(strings.Repeat("<>", 1000)), 3000},
		{"a mention on the edge", strings.Repeat("a", 2995) + "<@U0ALICE> and <https://example.com|a link>", 3000},
		{"CJK", strings.Repeat("語", 7000), 3000},
		{"emoji", strings.Repeat("👋", 4000), 3000},
		{"emoji and entities", strings.Repeat("👋&amp;", 2000), 100},
	} {
		t.Run(c.name, func(t *testing.T) {
			pieces := splitLine(c.line, c.n)
			if strings.Join(pieces, "") != c.line {
				t.Fatal("pieces do not add up to the line")
			}
			for i, pc := range pieces {
				if chars(pc) > c.n || pc == "" || !utf8.ValidString(pc) {
					t.Errorf("piece %d: %d characters, valid %v", i, chars(pc), utf8.ValidString(pc))
				}
				if rest := entity.ReplaceAllString(pc, ""); strings.Contains(rest, "&") || strings.Contains(rest, "amp;") {
					t.Errorf("piece %d splits an entity: …%q", i, pc[max(0, len(pc)-8):])
				}
				if strings.Count(pc, "<") != strings.Count(pc, ">") {
					t.Errorf("piece %d splits a link: …%q", i, pc[max(0, len(pc)-20):])
				}
			}
		})
	}
}

// Button texts, values and action_ids longer than Slack takes are cut to
// fit, on character boundaries, and the cut id still decodes.
func TestRenderClipsButtonFields(t *testing.T) {
	long := strings.Repeat("é", 300)
	p := bot.Post{Buttons: []bot.Button{{ActionID: long, Label: strings.Repeat("👋", 100), Value: strings.Repeat("語", 2500)}}}
	r := render(p, fullBudget, whereAttached)
	checkRendered(t, p, r)
	b := fakeslack.Buttons(asJSON(t, r.blocks))
	if len(b) != 1 || r.longIDs != 1 {
		t.Fatalf("buttons %d, long ids %d", len(b), r.longIDs)
	}
	if id := decodeActionID(b[0].ActionID); !strings.HasPrefix(long, id) || len(id) == 0 || !utf8.ValidString(id) {
		t.Errorf("id decodes to %q", id)
	}
}

// A post of 100,000 characters in 2,000 lines reaches Slack as one
// shortened message that says what it left out, and the full text as a
// file beside it; the operator's log says how much.
func TestLongPostIsShortenedWithTheFullTextAsAFile(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	p := bot.Post{Text: longText(2000, 50), Buttons: []bot.Button{{ActionID: "more", Label: "More", Value: "m"}}}
	if n := utf8.RuneCountInString(p.Text); n < 100000 {
		t.Fatalf("text of %d characters", n)
	}
	if _, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Channel: general.ID}, p); err != nil {
		t.Fatalf("Post: %v", err)
	}
	posted := f.WaitPosts(1)
	files := f.WaitFiles(1)
	if len(posted) != 1 || len(files) != 1 {
		t.Fatalf("%d messages, %d files; want one of each", len(posted), len(files))
	}
	if string(files[0].Data) != p.Text || files[0].Name != fullTextFile || files[0].Channel != general.ID {
		t.Errorf("file %s in %s, %d bytes; want the full text in general", files[0].Name, files[0].Channel, len(files[0].Data))
	}
	last := posted[0].Blocks[len(posted[0].Blocks)-2]
	m := noticeRE.FindStringSubmatch(textOfBlock(last))
	if m == nil || m[2] != whereAttached {
		t.Fatalf("no notice before the buttons: %v", last)
	}
	if b := fakeslack.Buttons(posted[0].Blocks); len(b) != 1 || b[0].Label != "More" {
		t.Errorf("buttons = %+v", b)
	}
	for _, c := range f.Calls("chat.postMessage") {
		if !c.OK() {
			t.Errorf("Slack refused a call: %s", c.Error)
		}
	}
	logs := h.logs.String()
	if !strings.Contains(logs, `"lines_left_out":`) || !strings.Contains(logs, `"chars_left_out":`) {
		t.Errorf("the shortening is not logged:\n%s", logs)
	}
}

// An ephemeral post cannot carry a file: the notice says the full text
// went to the member's DM, and it does.
func TestLongEphemeralPostSendsTheFileByDM(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	p := bot.Post{Text: longText(1000, 40)}
	if _, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToEphemeral, Channel: general.ID, Member: alice.ID}, p); err != nil {
		t.Fatalf("Post: %v", err)
	}
	posted := f.WaitPosts(1)[0]
	file := f.WaitFiles(1)[0]
	if m := noticeRE.FindStringSubmatch(textOfBlock(posted.Blocks[len(posted.Blocks)-1])); m == nil || m[2] != whereDM {
		t.Errorf("notice = %v", posted.Blocks[len(posted.Blocks)-1])
	}
	if file.Channel != f.DMChannel(alice.ID) || string(file.Data) != p.Text {
		t.Errorf("file in %s, want alice's DM", file.Channel)
	}
}

// When Slack refuses a post for its size anyway (it counts in ways it does
// not document), the adapter logs it and sends a shorter one with the full
// text as a file: never nothing.
func TestSizeRefusalIsSentShortenedWithAFile(t *testing.T) {
	for _, code := range []string{"msg_blocks_too_long", "invalid_blocks", "msg_too_long"} {
		t.Run(code, func(t *testing.T) {
			h := start(t, setup{})
			f := h.fake
			f.Fail("chat.postMessage", code)
			p := bot.Post{Text: longText(120, 60), Buttons: []bot.Button{{ActionID: "ok", Label: "OK"}}}
			ref, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Channel: general.ID}, p)
			if err != nil {
				t.Fatalf("Post: %v", err)
			}
			posted := f.WaitPosts(1)
			file := f.WaitFiles(1)[0]
			if len(posted) != 1 || ref.ID != posted[0].TS {
				t.Fatalf("%d messages, ref %+v", len(posted), ref)
			}
			if n := blockChars(nil) + textChars(posted[0].Blocks); n > smallBudget.total {
				t.Errorf("retry carries %d characters, the small budget is %d", n, smallBudget.total)
			}
			if string(file.Data) != p.Text {
				t.Error("the file is not the full text")
			}
			if len(fakeslack.Buttons(posted[0].Blocks)) != 1 {
				t.Error("the button was dropped")
			}
			if calls := f.Calls("chat.postMessage"); len(calls) != 2 || calls[0].Error != code {
				t.Errorf("calls = %+v", calls)
			}
			if logs := h.logs.String(); !strings.Contains(logs, "refused a post for its size") || !strings.Contains(logs, `"code":"`+code+`"`) {
				t.Errorf("the refusal is not logged:\n%s", logs)
			}
		})
	}
}

// A long reply to a slash command goes through response_url shortened; its
// full text follows in the member's DM.
func TestLongCommandReplyIsShortenedWithTheFileInADM(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	text := longText(2000, 70) // /hearth intros list in a large workspace
	h.rec.setCommand(func(bot.Command) bot.Reply { return bot.Reply{Post: bot.Post{Text: text}, Private: true} })
	f.PushSlashCommand(fakeslack.SlashCommand{UserID: alice.ID, UserName: "alice", ChannelID: general.ID, ChannelName: "general", Text: "intros list"})
	r := f.WaitResponses(1)[0]
	file := f.WaitFiles(1)[0]
	if m := noticeRE.FindStringSubmatch(textOfBlock(r.Blocks[len(r.Blocks)-1])); m == nil || m[2] != whereDM {
		t.Errorf("notice = %v", r.Blocks[len(r.Blocks)-1])
	}
	if file.Channel != f.DMChannel(alice.ID) || string(file.Data) != text {
		t.Errorf("file in %s, %d bytes; want the full text in alice's DM", file.Channel, len(file.Data))
	}
	if n := len(f.Posts()); n != 0 {
		t.Errorf("%d messages posted besides the response", n)
	}
}

// Slack refuses the response_url post (a bare 400) and then the
// ephemeral post for its size: the member still gets the reply, shortened,
// and the full text in a DM.
func TestRefusedCommandReplyStillArrives(t *testing.T) {
	h := start(t, setup{})
	f := h.fake
	text := longText(300, 30)
	h.rec.setCommand(func(bot.Command) bot.Reply { return bot.Reply{Post: bot.Post{Text: text}, Private: true} })
	f.Fail("response_url", "invalid_blocks")
	f.Fail("chat.postEphemeral", "msg_blocks_too_long")
	f.PushSlashCommand(fakeslack.SlashCommand{UserID: alice.ID, UserName: "alice", ChannelID: general.ID, ChannelName: "general", Text: "checkin results"})
	file := f.WaitFiles(1)[0]
	posted := f.WaitPosts(1)
	if len(posted) != 1 || posted[0].Method != "chat.postEphemeral" || posted[0].User != alice.ID {
		t.Fatalf("posted = %+v", posted)
	}
	if m := noticeRE.FindStringSubmatch(textOfBlock(posted[0].Blocks[len(posted[0].Blocks)-1])); m == nil || m[2] != whereDM {
		t.Errorf("notice = %v", posted[0].Blocks[len(posted[0].Blocks)-1])
	}
	if file.Channel != f.DMChannel(alice.ID) || string(file.Data) != text {
		t.Errorf("file in %s, want the full text in alice's DM", file.Channel)
	}
	if len(f.Responses()) != 0 {
		t.Error("a refused response was kept")
	}
}

func textOfBlock(b map[string]any) string {
	t, _ := b["text"].(map[string]any)
	s, _ := t["text"].(string)
	return s
}

// textChars counts the characters of every "text" in blocks, as the fake
// does.
func textChars(blocks []map[string]any) int {
	n := 0
	for _, b := range blocks {
		n += fakeslack.TextChars(b)
	}
	return n
}
