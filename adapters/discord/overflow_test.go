package discord_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/hearth-community/hearth/adapters/discord"
	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/bot"
)

// logBuffer keeps an adapter's JSON log records for a test to read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// records returns the records whose message contains msg.
func (l *logBuffer) records(t *testing.T, msg string) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.buf.String()), "\n") {
		var r map[string]any
		if line == "" || json.Unmarshal([]byte(line), &r) != nil {
			continue
		}
		if m, _ := r["msg"].(string); strings.Contains(m, msg) {
			out = append(out, r)
		}
	}
	return out
}

func startLogged(t *testing.T) (*harness, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	h := start(t, setup{config: func(c *discord.Config) {
		c.Log = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}})
	return h, logs
}

// longList is n lines of 50 characters each ("\n" included).
func longList(n int) string {
	var b strings.Builder
	for i := range n {
		line := fmt.Sprintf("• member %04d took part in this week's check-in", i)
		b.WriteString(line + strings.Repeat(".", 49-utf8.RuneCountInString(line)) + "\n")
	}
	return b.String()
}

var reviewButtons = []bot.Button{
	{ActionID: "nudge.send", Label: "Send", Value: "all", Style: bot.StylePrimary, Row: 0},
	{ActionID: "nudge.skip", Label: "Skip", Value: "all", Row: 0},
	{ActionID: "nudge.edit", Label: "Edit", Value: "all", Row: 1},
}

// checkOverflow checks that msgs show text as Discord allows: at most three
// messages of at most 2,000 characters, whole lines from the start of
// text, the last one saying how many lines are only in the attached file,
// which holds the whole text, and carrying the buttons.
func checkOverflow(t *testing.T, text string, contents []string, components [][]byte, files [][]fakediscord.File) {
	t.Helper()
	if len(contents) != 3 {
		t.Fatalf("%d messages, want 3 (at most three, and this text needs more)", len(contents))
	}
	var shown []string
	for i, c := range contents {
		if n := utf8.RuneCountInString(c); n > fakediscord.MaxContent {
			t.Errorf("message %d has %d characters", i, n)
		}
		if i < 2 && (len(files[i]) != 0 || (len(components[i]) != 0 && string(components[i]) != "null")) {
			t.Errorf("message %d carries files or buttons; they ride on the last", i)
		}
		if i == 2 {
			body, note, ok := strings.Cut(c, "\n\n_…and ")
			if !ok {
				t.Fatalf("the last message does not say what is left: %q", c[max(0, len(c)-200):])
			}
			c = body
			all := strings.Split(strings.TrimRight(text, "\n"), "\n")
			var rest int
			if _, err := fmt.Sscanf(note, "%d more lines: see the attached file._", &rest); err != nil || !strings.HasSuffix(note, " more lines: see the attached file._") {
				t.Errorf("note %q", note)
			}
			defer func() {
				if len(shown)+rest != len(all) {
					t.Errorf("%d lines shown and %d said to be in the file; the text has %d", len(shown), rest, len(all))
				}
			}()
		}
		shown = append(shown, strings.Split(c, "\n")...)
	}
	if !strings.HasPrefix(text, strings.Join(shown, "\n")+"\n") {
		t.Error("the messages are not the start of the text, line by line")
	}
	last := files[2]
	if len(last) != 1 || last[0].Name != "hearth-full-text.md" || !strings.HasPrefix(last[0].ContentType, "text/markdown") || string(last[0].Data) != text {
		t.Errorf("last message's files %+v: want hearth-full-text.md holding the whole text", len(last))
	}
	var rows []struct {
		Components []struct {
			Label string `json:"label"`
		} `json:"components"`
	}
	_ = json.Unmarshal(components[2], &rows)
	var labels []string
	for _, r := range rows {
		for _, c := range r.Components {
			labels = append(labels, c.Label)
		}
	}
	if strings.Join(labels, ",") != "Send,Skip,Edit" || len(rows) != 2 {
		t.Errorf("last message's buttons %s, want Send, Skip | Edit", components[2])
	}
}

// A check-in's results for 2,000 members (100,000 characters) become
// three messages and a file holding the whole text, not 50 messages; the
// buttons are on the last one, and the move is logged.
func TestLongPostBecomesThreeMessagesAndAFile(t *testing.T) {
	t.Parallel()
	h, logs := startLogged(t)
	text := longList(2000)
	if utf8.RuneCountInString(text) != 100_000 {
		t.Fatalf("the list has %d characters", utf8.RuneCountInString(text))
	}
	ref, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Channel: generalID},
		bot.Post{Text: text, Buttons: reviewButtons})
	check(t, err)
	msgs := h.fake.Messages(generalID)
	var contents []string
	var comps [][]byte
	var files [][]fakediscord.File
	for _, m := range msgs {
		contents, comps, files = append(contents, m.Content), append(comps, m.Components), append(files, m.Files)
	}
	checkOverflow(t, text, contents, comps, files)
	if len(msgs) > 0 && ref.ID != msgs[0].ID {
		t.Errorf("ref %s, want the first message %s", ref.ID, msgs[0].ID)
	}
	recs := logs.records(t, "attached file")
	if len(recs) != 1 || recs[0]["lines"] != float64(2000) || recs[0]["lines_in_file_only"] == nil || recs[0]["file"] != "hearth-full-text.md" {
		t.Errorf("log records %v: want one saying what moved to the file", recs)
	}
}

// A long reply to /hearth overflows the same way: the response and two
// follow-ups, the last with the file and the buttons.
func TestLongReplyBecomesThreeMessagesAndAFile(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	text := longList(300)
	h.rec.command = func(context.Context, bot.Command) bot.Reply {
		return bot.Reply{Post: bot.Post{Text: text, Buttons: reviewButtons}, Private: true}
	}
	in, err := h.fake.Slash(member(bob, 0), "hearth", fakediscord.SubCommand("me"))
	check(t, err)
	waitFake(t, h.fake, "three messages", func() bool { return len(h.fake.Callbacks(in.ID)) >= 3 })
	var contents []string
	var comps [][]byte
	var files [][]fakediscord.File
	for _, cb := range h.fake.Callbacks(in.ID) {
		var d struct {
			Content    string          `json:"content"`
			Components json.RawMessage `json:"components"`
		}
		check(t, json.Unmarshal(cb.Data, &d))
		contents, comps, files = append(contents, d.Content), append(comps, d.Components), append(files, cb.Files)
	}
	checkOverflow(t, text, contents, comps, files)
}

// A line longer than a message is cut between words, never inside a
// character, a markdown link or a mention; without spaces, between them.
func TestLongLineCutBetweenWordsNeverInsideLinksOrMentions(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	tests := []struct {
		name, sep string
		atoms     []string // what no cut may fall inside
	}{
		{"links and mentions between spaces", " ", []string{"[🌱 notes of the week](https://example.org/notes/123?x=é)", "<@501>", "<#201>", "`code span`", "**bold words**"}},
		{"links and mentions without spaces", "", []string{"[🌱 notes](https://example.org/notes/123)", "<@501>", "<#201>", "<@&401>", "<t:1764000000:R>"}},
		{"four-byte runes", "", []string{"🌱"}},
		{"two-byte runes and spaces", " ", []string{"éé"}},
	}
	for i, tt := range tests {
		ch := fmt.Sprint(700 + i)
		h.fake.AddChannel(guildID, fakediscord.Channel{ID: ch, Name: "c" + ch, Type: fakediscord.ChannelText})
		token := strings.Join(tt.atoms, tt.sep) + tt.sep
		line := strings.Repeat(token, 3900/utf8.RuneCountInString(token))
		line = strings.TrimSuffix(line, tt.sep)
		_, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Channel: ch}, bot.Post{Text: line})
		check(t, err)
		msgs := h.fake.Messages(ch)
		if len(msgs) < 2 {
			t.Fatalf("%s: %d messages for %d characters", tt.name, len(msgs), utf8.RuneCountInString(line))
		}
		var parts []string
		for _, m := range msgs {
			parts = append(parts, m.Content)
			if !utf8.ValidString(m.Content) || utf8.RuneCountInString(m.Content) > fakediscord.MaxContent {
				t.Errorf("%s: a message is not valid UTF-8 or too long", tt.name)
			}
			// The message is whole atoms and separators.
			rest := m.Content
		next:
			for rest != "" {
				for _, a := range tt.atoms {
					if r, ok := strings.CutPrefix(rest, a); ok {
						rest = strings.TrimPrefix(r, tt.sep)
						continue next
					}
				}
				t.Errorf("%s: a message cuts a link, a mention or a span: %q", tt.name, rest[:min(len(rest), 80)])
				break
			}
		}
		if strings.Join(parts, tt.sep) != line {
			t.Errorf("%s: the messages do not add up to the line", tt.name)
		}
	}
}

// When Discord refuses a message for its size although it is within the
// limit the adapter knows (it counts otherwise, say), the refusal is
// logged and a shortened message goes with the whole text attached and its
// buttons; refused again, it goes without the buttons: never nothing.
func TestRefusedPostGoesShortenedWithTheFile(t *testing.T) {
	t.Parallel()
	h, logs := startLogged(t)
	text := longList(36) // 1,800 characters: one message by Discord's documented limit
	h.fake.LimitContent(1500)
	_, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Channel: generalID},
		bot.Post{Text: text, Buttons: reviewButtons})
	check(t, err)
	msgs := h.fake.Messages(generalID)
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want the shortened one", len(msgs))
	}
	m := msgs[0]
	if n := utf8.RuneCountInString(m.Content); n > 1500 || !strings.HasPrefix(text, strings.SplitN(m.Content, "\n\n_Shortened", 2)[0]) ||
		!strings.Contains(m.Content, "Shortened: Discord refused the whole message. The full text is in the attached file.") {
		t.Errorf("shortened content (%d characters) %q", n, m.Content)
	}
	if len(m.Files) != 1 || string(m.Files[0].Data) != text || len(customIDs(map[string]any{"components": decodeAny(t, m.Components)})) != 3 {
		t.Errorf("shortened message: files %d, components %s; want the whole text and the three buttons", len(m.Files), m.Components)
	}
	if recs := logs.records(t, "Discord refused a message"); len(recs) != 1 || recs[0]["discord_code"] != float64(50035) || !strings.Contains(fmt.Sprint(recs[0]["err"]), "content") {
		t.Errorf("log records %v: want the refusal, with Discord's field errors", recs)
	}

	// Refused twice: the shortened message goes without its buttons.
	h.fake.LimitContent(0)
	route := "POST /channels/" + generalID + "/messages"
	h.fake.RefuseBodies(route, 2)
	_, err = h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Channel: generalID},
		bot.Post{Text: "Review the nudges", Buttons: reviewButtons})
	check(t, err)
	msgs = h.fake.Messages(generalID)
	if len(msgs) != 2 || !strings.HasPrefix(msgs[1].Content, "Review the nudges\n\n_Shortened") || len(msgs[1].Files) != 1 ||
		(len(msgs[1].Components) != 0 && string(msgs[1].Components) != "null") {
		t.Fatalf("messages %+v", msgs)
	}
	if recs := logs.records(t, "without its buttons"); len(recs) != 1 || recs[0]["level"] != "ERROR" || recs[0]["rows_dropped"] != float64(2) {
		t.Errorf("log records %v: want the dropped buttons logged as an error", recs)
	}
}

// A long text with more rows of buttons than one message holds: the rows
// continue on messages of their own, the text keeps the rest of the three
// (here one, with the note and the file), and no button is dropped.
func TestLongPostWithManyButtonRowsStaysWithinThreeMessages(t *testing.T) {
	t.Parallel()
	h := start(t, setup{})
	text := longList(2000)
	var buttons []bot.Button
	for row := range 12 {
		buttons = append(buttons, bot.Button{ActionID: "q", Label: fmt.Sprint("row ", row), Value: fmt.Sprint(row), Row: row})
	}
	_, err := h.a.Post(context.Background(), bot.Destination{Kind: bot.ToChannel, Channel: generalID}, bot.Post{Text: text, Buttons: buttons})
	check(t, err)
	msgs := h.fake.Messages(generalID)
	if len(msgs) != 3 {
		t.Fatalf("%d messages, want three", len(msgs))
	}
	first := msgs[0]
	if utf8.RuneCountInString(first.Content) > fakediscord.MaxContent || !strings.HasSuffix(first.Content, "more lines: see the attached file._") ||
		len(first.Files) != 1 || string(first.Files[0].Data) != text {
		t.Errorf("the text's message: %d characters, %d files", utf8.RuneCountInString(first.Content), len(first.Files))
	}
	var labels []string
	for _, m := range msgs {
		rows, _ := grid(t, decodeAny(t, m.Components))
		for _, r := range rows {
			labels = append(labels, r...)
		}
	}
	if len(labels) != 12 || labels[0] != "row 0" || labels[11] != "row 11" {
		t.Errorf("buttons %v, want the twelve rows in order", labels)
	}
}
