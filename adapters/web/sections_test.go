package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/library"
)

func TestStoriesShowOnlyWhatConsentAllows(t *testing.T) {
	r := newRig(t)
	at := r.Clock.Now().Add(-3 * 24 * time.Hour)
	for _, s := range []library.Story{
		{Member: "alice", Text: "Named <b>story</b> by Alice", Consent: library.ConsentNamed},
		{Member: "bob", Text: "Anonymous story by Bob", Consent: library.ConsentAnonymous},
		{Member: "dave", Text: "Private story by Dave", Consent: library.ConsentPrivate},
	} {
		s.Community, s.Source, s.At = bottest.Community, "command", at
		if _, err := r.Store.AddStory(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"/dashboard/stories", "/dashboard/impact"} {
		b := body(t, r.get(t, p, "s1"))
		for _, want := range []string{"Named &lt;b&gt;story&lt;/b&gt; by Alice", "— Alice,", "Anonymous story by Bob", "— a member,", "1 more story, kept for the facilitators only"} {
			if !strings.Contains(b, want) {
				t.Errorf("%s lacks %q", p, want)
			}
		}
		if strings.Contains(b, "Private story") || strings.Contains(b, "— Bob") || strings.Contains(b, "<b>story") {
			t.Errorf("%s shows what consent does not allow, or raw markup", p)
		}
	}
}

func TestImpactPageIsTheImpactReport(t *testing.T) {
	r := newRig(t)
	r.activity()
	b := body(t, r.get(t, "/dashboard/impact?period=90d", "s1"))
	for _, want := range []string{"Community impact", "<strong>4 members</strong>", "Participation over time", "How members take part", `id="chart-impact-participation"`, `class="print-hint"`} {
		if !strings.Contains(b, want) {
			t.Errorf("impact page lacks %q", want)
		}
	}
}

func TestLibraryListsResourcesSafely(t *testing.T) {
	r := newRig(t)
	at := r.Clock.Now().Add(-2 * 24 * time.Hour)
	for i, u := range []string{"https://example.org/guide", "javascript:alert(1)"} {
		if _, err := r.Store.AddResource(context.Background(), library.Resource{Community: bottest.Community, Member: "alice", URL: u, Tags: []string{"howto"},
			Note: "<b>note</b>", SharedAt: at.Add(time.Duration(i) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	b := body(t, r.get(t, "/dashboard/library?period=7d", "s1"))
	for _, want := range []string{`<a href="https://example.org/guide" rel="noopener noreferrer nofollow">`, `href="#ZgotmplZ"`, "&lt;b&gt;note&lt;/b&gt;", "#howto", "2 resources shared"} {
		if !strings.Contains(b, want) {
			t.Errorf("library page lacks %q", want)
		}
	}
	if strings.Contains(b, `href="javascript:`) {
		t.Error("a javascript: link")
	}
}
