package web

import (
	"regexp"
	"strings"
	"testing"
)

func TestMarkdownHTML(t *testing.T) {
	for md, want := range map[string]string{
		"# Title\n\nSome **bold** and _italic_ and `code`.": "<h2>Title</h2>\n<p>Some <strong>bold</strong> and <em>italic</em> and <code>code</code>.</p>\n",
		"| a | b |\n| --- | ---: |\n| x | 1 |":              `<div class="scroll" tabindex="0" role="region" aria-label="a, b"><table><thead><tr><th scope="col">a</th><th scope="col" class="n">b</th></tr></thead><tbody><tr><th scope="row">x</th><td class="n">1</td></tr></tbody></table></div>` + "\n",
		"> a <b>story</b>\n>\n> — Alice":                    "<blockquote><p>a &lt;b&gt;story&lt;/b&gt;</p><p>— Alice</p></blockquote>\n",
		"- one\n- <two>\n![chart](x.png)":                   "<ul><li>one</li><li>&lt;two&gt;</li></ul>\n",
	} {
		if got := string(markdownHTML(md, 1)); got != want {
			t.Errorf("%q:\n got %q\nwant %q", md, got, want)
		}
	}
}

// ours are the only tags markdownHTML writes.
var ours = regexp.MustCompile(`</?(h[2-6]|p|ul|li|blockquote|strong|em|code|table|thead|tbody|tr)>|<div class="scroll" tabindex="0" role="region" aria-label="[^"<>]*">|</div>|<th scope="(col|row)"( class="n")?>|</th>|<td( class="n")?>|</td>`)

// FuzzMarkdown: whatever members wrote (a story, a name), the HTML holds
// no tag but markdownHTML's own.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"# a", "| <x> | y |\n|---|---|\n| <script>alert(1)</script> | 2 |", "> <img src=x onerror=alert(1)>", "**<b>**", "_<i>_", "`<c>`", "- <li>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		out := ours.ReplaceAllString(string(markdownHTML(md, 1)), "")
		if strings.ContainsAny(out, "<>") {
			t.Fatalf("%q renders a tag of its own: %q", md, out)
		}
	})
}
