package web

import (
	"html"
	"html/template"
	"regexp"
	"strings"
)

// markdownHTML renders the Markdown that reports write (headings,
// paragraphs, tables, quotes, lists, bold, italics, code) as HTML, so the
// impact page and the feature sections show the same words as `hearth
// impact`. Every line is escaped before any tag is added: text from
// members (stories, names) can never become markup. Images are left out:
// the page draws its own charts. A heading of n #'s is an h(n+shift),
// so the document's headings follow the page's h1 in order.
func markdownHTML(md string, shift int) template.HTML {
	lines := strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n")
	var b strings.Builder
	for i := 0; i < len(lines); {
		l := lines[i]
		t := strings.TrimSpace(l)
		switch {
		case t == "" || strings.HasPrefix(t, "!["):
			i++
		case strings.HasPrefix(t, "#"):
			n := len(t) - len(strings.TrimLeft(t, "#"))
			h := string(rune('0' + max(2, min(n+shift, 6))))
			b.WriteString("<h" + h + ">" + inline(strings.TrimSpace(t[n:])) + "</h" + h + ">\n")
			i++
		case strings.HasPrefix(t, "|"):
			var rows []string
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
				rows = append(rows, strings.TrimSpace(lines[i]))
			}
			writeTable(&b, rows)
		case strings.HasPrefix(t, ">"):
			var paras []string
			cur := ""
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), ">"); i++ {
				q := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(lines[i]), ">"))
				if q == "" {
					paras, cur = append(paras, cur), ""
					continue
				}
				cur = strings.TrimSpace(cur + " " + q)
			}
			paras = append(paras, cur)
			b.WriteString("<blockquote>")
			for _, p := range paras {
				if p != "" {
					b.WriteString("<p>" + inline(p) + "</p>")
				}
			}
			b.WriteString("</blockquote>\n")
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* "):
			b.WriteString("<ul>")
			for ; i < len(lines); i++ {
				u := strings.TrimSpace(lines[i])
				if !strings.HasPrefix(u, "- ") && !strings.HasPrefix(u, "* ") {
					break
				}
				b.WriteString("<li>" + inline(u[2:]) + "</li>")
			}
			b.WriteString("</ul>\n")
		default:
			var p []string
			for ; i < len(lines); i++ {
				u := strings.TrimSpace(lines[i])
				if u == "" || strings.HasPrefix(u, "#") || strings.HasPrefix(u, "|") || strings.HasPrefix(u, ">") || strings.HasPrefix(u, "- ") || strings.HasPrefix(u, "![") {
					break
				}
				p = append(p, u)
			}
			b.WriteString("<p>" + inline(strings.Join(p, " ")) + "</p>\n")
		}
	}
	return template.HTML(b.String()) //nolint: every piece went through inline or is our own tag
}

func writeTable(b *strings.Builder, rows []string) {
	cells := func(r string) []string {
		r = strings.TrimSuffix(strings.TrimPrefix(r, "|"), "|")
		cs := strings.Split(r, "|")
		for i := range cs {
			cs[i] = strings.TrimSpace(cs[i])
		}
		return cs
	}
	var align []bool // right-aligned columns
	head := cells(rows[0])
	body := rows[1:]
	if len(body) > 0 && strings.Trim(body[0], "|-: ") == "" {
		for _, c := range cells(body[0]) {
			align = append(align, strings.HasSuffix(c, ":"))
		}
		body = body[1:]
	}
	class := func(i int) string {
		if i < len(align) && align[i] {
			return ` class="n"`
		}
		return ""
	}
	b.WriteString(`<div class="scroll" tabindex="0" role="region" aria-label="` + html.EscapeString(strings.Join(head, ", ")) + `"><table><thead><tr>`)
	for i, h := range head {
		b.WriteString(`<th scope="col"` + class(i) + ">" + inline(h) + "</th>")
	}
	b.WriteString("</tr></thead><tbody>")
	for _, r := range body {
		b.WriteString("<tr>")
		for i, c := range cells(r) {
			if i == 0 {
				b.WriteString(`<th scope="row">` + inline(c) + "</th>")
				continue
			}
			b.WriteString("<td" + class(i) + ">" + inline(c) + "</td>")
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table></div>\n")
}

var (
	mdBold   = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	mdItalic = regexp.MustCompile(`(^|[\s(])_([^_]+)_($|[\s.,;:)])`)
	mdCode   = regexp.MustCompile("`([^`]+)`")
)

// inline escapes s, then marks up bold, italics and code.
func inline(s string) string {
	s = html.EscapeString(s)
	s = mdCode.ReplaceAllString(s, "<code>$1</code>")
	s = mdBold.ReplaceAllString(s, "<strong>$1</strong>")
	return mdItalic.ReplaceAllString(s, "$1<em>$2</em>$3")
}
