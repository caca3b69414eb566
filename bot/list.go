package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// A List is a list a person reads in chat, which may be long: every
// member who went quiet, every free-text answer, every schedule. A message
// shows one page of it and says how many more there are and where: in the
// attached file where the platform takes files, and behind a More button
// that shows the next page. Nothing is left out without saying so.
type List struct {
	// Title is the list's heading, with its count ("**Quiet for 14 days or
	// more** (1,484)"); "" for none.
	Title string
	// Lines are the list's items, one line each.
	Lines []string
	// PageSize is how many lines a message shows (default ListPage).
	PageSize int
	// File names the attachment that holds every line ("quiet.md"); ""
	// attaches none.
	File string
	// Empty is the line shown when the list has no lines ("Nobody.").
	Empty string
	// Whole, when set, are the lines as the attachment writes them, one for
	// each of Lines: the whole story where the chat shows its start.
	Whole []string
}

// ListPage is how many lines of a list one message shows: a screenful,
// well inside every platform's limits.
const ListPage = 25

// Page renders the page of the list that inv asks for (inv.Page, from 0):
// its heading, its lines, and, when there are more, a line saying how many
// and where, the More button and the attachment.
func (l List) Page(inv Invocation, caps Capabilities) (text string, buttons []Button, attachment *File) {
	return Pages(inv, caps, l.File, l)
}

// Pages renders the page inv asks for of several lists shown together
// (quiet members, drifting ones, newcomers): each shows its lines of that
// page, a list with none left is left out after the first page, one More
// button turns them all, and one attachment, named file, holds every line
// of every list.
func Pages(inv Invocation, caps Capabilities, file string, lists ...List) (text string, buttons []Button, attachment *File) {
	page := max(inv.Page, 0)
	var sb, doc strings.Builder
	more, cut := false, false
	for _, l := range lists {
		size := l.PageSize
		if size <= 0 {
			size = ListPage
		}
		from := min(page*size, len(l.Lines))
		to := min(from+size, len(l.Lines))
		more = more || to < len(l.Lines)
		cut = cut || to-from < len(l.Lines)
		doc.WriteString(l.Markdown())
		if page > 0 && from == to {
			continue
		}
		if l.Title != "" {
			sb.WriteString(l.Title + "\n")
		}
		if len(l.Lines) == 0 && l.Empty != "" {
			sb.WriteString(l.Empty + "\n")
		}
		for _, line := range l.Lines[from:to] {
			sb.WriteString(line + "\n")
		}
		if to-from < len(l.Lines) {
			fmt.Fprintf(&sb, "_%d–%d of %d._\n", from+1, to, len(l.Lines))
		}
	}
	if !cut {
		return strings.TrimRight(sb.String(), "\n"), nil, nil
	}
	var where []string
	if file != "" && caps.Files {
		attachment = &File{Name: file, ContentType: "text/markdown", Data: []byte(doc.String())}
		where = append(where, "every line is in "+file)
	}
	if more {
		if b, ok := pageButton(inv, page+1); ok {
			buttons = append(buttons, b)
			where = append(where, "**More** shows the next page")
		}
	}
	switch {
	case len(where) > 0:
	case inv.Text != "":
		where = append(where, "the rest are not shown here: narrow the command to see them")
	default:
		where = append(where, "the rest are not shown here")
	}
	sb.WriteString("_" + strings.Join(where, "; ") + "._")
	return sb.String(), buttons, attachment
}

// Markdown is the list as a document: its heading and every line.
func (l List) Markdown() string {
	var sb strings.Builder
	if l.Title != "" {
		sb.WriteString("## " + strings.ReplaceAll(l.Title, "**", "") + "\n\n")
	}
	lines := l.Lines
	if len(l.Whole) == len(l.Lines) {
		lines = l.Whole
	}
	for _, line := range lines {
		line = strings.ReplaceAll(strings.TrimSpace(line), "\n", "\n  ")
		if rest, ok := strings.CutPrefix(line, "• "); ok {
			line = rest
		}
		sb.WriteString("- " + line + "\n")
	}
	return sb.String() + "\n"
}

// ActionPage is the More button of a long list: its value is the page and
// the command that made the list, run again for that page. It carries all
// it needs, so it works after a restart and on any instance.
const ActionPage = "hearth.page"

// maxPageCommand is the longest command a More button carries: every
// platform takes a value this long with its action.
const maxPageCommand = 60

func pageButton(inv Invocation, page int) (Button, bool) {
	text := strings.TrimSpace(inv.Text)
	if text == "" || len(text) > maxPageCommand {
		return Button{}, false
	}
	return Button{ActionID: ActionPage, Label: "More", Value: strconv.Itoa(page) + " " + text}, true
}

// actPage runs the command a More button carries, for its page, with the
// rights of whoever pressed it.
func (b *Bot) actPage(ctx context.Context, a Action) (Reply, error) {
	n, text, ok := strings.Cut(a.Value, " ")
	page, err := strconv.Atoi(n)
	if !ok || err != nil || page < 0 || page > 100_000 {
		return Reply{}, Errorf(EArgument, "That button doesn't belong to a list I know. Run the command again.")
	}
	return b.HandleCommand(ctx, Command{Community: a.Community, Channel: a.Channel, Member: a.Member, MemberName: a.MemberName,
		Admin: a.Admin, Text: text, At: a.At, Page: page}), nil
}
