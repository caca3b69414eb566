package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/library"
	"github.com/hearth-community/hearth/bot/members"
)

var libraryTests = []test{
	{name: "ResourceTags", run: testResourceTags},
	{name: "AddResource", run: testAddResource},
	{name: "AddResourceConcurrently", run: testAddResourceConcurrently},
	{name: "RemoveResource", run: testRemoveResource},
	{name: "Resources", run: testResources},
	{name: "Stories", run: testStories},
	{name: "SetStoryConsent", run: testSetStoryConsent},
	{name: "ResourceShareIsActivity", run: testResourceShareIsActivity},
}

func addResource(t testing.TB, db Store, r library.Resource) int64 {
	t.Helper()
	id, err := db.AddResource(context.Background(), r)
	if err != nil {
		t.Fatalf("AddResource(%s): %v", r.URL, err)
	}
	return id
}

func addStory(t testing.TB, db Store, s library.Story) int64 {
	t.Helper()
	id, err := db.AddStory(context.Background(), s)
	if err != nil {
		t.Fatalf("AddStory: %v", err)
	}
	return id
}

func resourceIDs(rs []library.Resource) []int64 {
	ids := []int64{}
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

// TestResourceTags: tags are stored lower case, without the leading '#',
// split at spaces, sorted and distinct, and read back so.
func testResourceTags(t *testing.T, db Store) {
	ctx := context.Background()
	for i, tc := range []struct {
		tags, want []string
	}{
		{nil, []string{}},
		{[]string{"", " ", "#", "##"}, []string{}},
		{[]string{"#Go"}, []string{"go"}},
		{[]string{"go", "#go", "GO", "##Go"}, []string{"go"}},
		{[]string{"rust", "#Go", "  Assessment "}, []string{"assessment", "go", "rust"}},
		{[]string{"#a #B", "c\td"}, []string{"a", "b", "c", "d"}},
		{[]string{"#C#", "f#"}, []string{"c#", "f#"}},
		{[]string{"#Übung", "ÉCOLE"}, []string{"école", "übung"}},
	} {
		t.Run(fmt.Sprint(tc.tags), func(t *testing.T) {
			id := addResource(t, db, library.Resource{Community: community, Member: "UA", URL: fmt.Sprintf("https://example.org/%d", i), Tags: tc.tags, SharedAt: at(0, 0)})
			r, err := db.Resource(ctx, community, id)
			if err != nil || !reflect.DeepEqual(r.Tags, tc.want) {
				t.Errorf("tags %#v, %v; want %#v", r.Tags, err, tc.want)
			}
		})
	}
}

func testAddResource(t *testing.T, db Store) {
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: makers, At: at(-30, 0), Members: []bot.Member{{ID: "UA", Name: "Ada"}}})
	first := library.Resource{Community: community, Member: "UA", Channel: "C1", URL: "https://example.org/rubrics",
		Tags: []string{"#Assessment"}, Note: "Rubrics that worked", SharedAt: at(1, 2)}
	id := addResource(t, db, first)
	want := first
	want.ID, want.MemberName, want.Tags = id, "Ada", []string{"assessment"}
	if r, err := db.Resource(ctx, community, id); err != nil || !reflect.DeepEqual(r, want) {
		t.Errorf("Resource = %+v, %v; want %+v", r, err, want)
	}

	// The same URL again, by someone not seen before: the first one's id,
	// bot.ErrDuplicate, nothing stored, no member row.
	again := library.Resource{Community: community, Member: "UNEW", URL: first.URL, Note: "Another note", SharedAt: at(2, 0)}
	if got, err := db.AddResource(ctx, again); got != id || !errors.Is(err, bot.ErrDuplicate) {
		t.Errorf("AddResource of the same URL = %d, %v; want %d, bot.ErrDuplicate", got, err, id)
	}
	if r, err := db.Resource(ctx, community, id); err != nil || !reflect.DeepEqual(r, want) {
		t.Errorf("after the duplicate: %+v, %v; want it unchanged", r, err)
	}
	if _, err := db.Member(ctx, community, "UNEW"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("the duplicate's member: %v, want no row", err)
	}
	// URLs are compared exactly: another spelling is another resource.
	other := addResource(t, db, library.Resource{Community: community, Member: "UA", URL: first.URL + "/", SharedAt: at(2, 0)})
	// Another community has its own library.
	elsewhereID := addResource(t, db, library.Resource{Community: elsewhere, Member: "UA", URL: first.URL, SharedAt: at(2, 0)})
	if other == id || elsewhereID == id || elsewhereID == other {
		t.Errorf("ids %d, %d, %d: want three resources", id, other, elsewhereID)
	}

	// A member not known yet gets a row, there before Hearth (never new),
	// first seen when they shared.
	unknown := addResource(t, db, library.Resource{Community: community, Member: "UN", URL: "https://example.org/new", SharedAt: at(3, 0)})
	if r, err := db.Resource(ctx, community, unknown); err != nil || r.Member != "UN" || r.MemberName != "" {
		t.Errorf("unknown member's resource: %+v, %v", r, err)
	}
	if a, err := db.MemberActivity(ctx, community, "UN"); err != nil || !a.FirstSeen.Equal(at(3, 0)) {
		t.Errorf("UN: %+v, %v; want first seen %v", a, err, at(3, 0))
	}
	if n, err := db.Newcomers(ctx, community, at(-60, 0), at(7, 0)); err != nil || slices.ContainsFunc(n, func(n bot.Newcomer) bool { return n.ID == "UN" }) {
		t.Errorf("Newcomers = %+v, %v; want no UN", n, err)
	}

	for _, bad := range []library.Resource{
		{Member: "UA", URL: "https://example.org/x", SharedAt: at(0, 0)},
		{Community: community, URL: "https://example.org/x", SharedAt: at(0, 0)},
		{Community: community, Member: "UA", URL: "  ", SharedAt: at(0, 0)},
		{Community: community, Member: "UA", URL: "https://example.org/x"},
	} {
		if _, err := db.AddResource(ctx, bad); err == nil || errors.Is(err, bot.ErrDuplicate) {
			t.Errorf("AddResource(%+v): %v, want an error", bad, err)
		}
	}
}

// TestAddResourceConcurrently shares one URL from many goroutines, so the
// writer commits several of them in one transaction: one is stored, the
// others get its id and bot.ErrDuplicate, and the other callers' writes in
// those transactions are kept.
func testAddResourceConcurrently(t *testing.T, db Store) {
	ctx := context.Background()
	const n = 40
	ids, errs := make([]int64, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i], errs[i] = db.AddResource(ctx, library.Resource{Community: community, Member: fmt.Sprintf("U%d", i), URL: "https://example.org/same", SharedAt: at(0, 0)})
			if _, err := db.Record(ctx, msg(fmt.Sprintf("U%d", i), "C1", fmt.Sprint(i), at(0, 1))); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	stored := 0
	for i := range n {
		switch {
		case errs[i] == nil:
			stored++
		case !errors.Is(errs[i], bot.ErrDuplicate):
			t.Errorf("caller %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Errorf("caller %d got id %d, caller 0 %d", i, ids[i], ids[0])
		}
	}
	if stored != 1 {
		t.Errorf("%d callers stored it, want 1", stored)
	}
	if rs, err := db.Resources(ctx, community, library.ResourceQuery{}); err != nil || len(rs) != 1 {
		t.Errorf("Resources = %+v, %v; want one", rs, err)
	}
	if rep := report(t, db, bot.ReportQuery{Community: community, From: at(0, 0), To: at(1, 0)}); rep.Activity.Messages != n {
		t.Errorf("%d messages recorded beside, want %d", rep.Activity.Messages, n)
	}
}

func testRemoveResource(t *testing.T, db Store) {
	ctx := context.Background()
	a := addResource(t, db, library.Resource{Community: community, Member: "UA", URL: "https://example.org/a", SharedAt: at(0, 0)})
	b := addResource(t, db, library.Resource{Community: community, Member: "UA", URL: "https://example.org/b", SharedAt: at(0, 1)})
	x := addResource(t, db, library.Resource{Community: elsewhere, Member: "UA", URL: "https://example.org/x", SharedAt: at(0, 0)})
	for _, tc := range []struct {
		name      string
		community string
		id        int64
		want      error // nil or bot.ErrNotFound
	}{
		{"another community's", community, x, bot.ErrNotFound},
		{"an unknown community", "slack:T404", a, bot.ErrNotFound},
		{"a missing id", community, 99, bot.ErrNotFound},
		{"one", community, a, nil},
		{"the same again", community, a, bot.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := db.RemoveResource(ctx, tc.community, tc.id); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("RemoveResource(%s, %d) = %v, want %v", tc.community, tc.id, err, tc.want)
			}
		})
	}
	if _, err := db.Resource(ctx, community, a); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Resource of the removed one: %v, want bot.ErrNotFound", err)
	}
	for _, c := range []struct {
		community string
		id        int64
	}{{community, b}, {elsewhere, x}} {
		if _, err := db.Resource(ctx, c.community, c.id); err != nil {
			t.Errorf("Resource(%s, %d): %v; want it kept", c.community, c.id, err)
		}
	}
	if _, err := db.Resource(ctx, community, x); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Resource of another community's id: %v, want bot.ErrNotFound", err)
	}
	// The URL can be shared again; ids are never given twice.
	if id := addResource(t, db, library.Resource{Community: community, Member: "UB", URL: "https://example.org/a", SharedAt: at(1, 0)}); id <= x {
		t.Errorf("shared again with id %d; want a new id, after %d", id, x)
	}
}

func testResources(t *testing.T, db Store) {
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: makers, At: at(-30, 0), Members: []bot.Member{{ID: "UA", Name: "Ada"}, {ID: "UB", Name: "Bo"}}})
	for _, r := range []library.Resource{
		{Member: "UA", Channel: "C1", URL: "https://go.dev/doc/effective_go", Tags: []string{"go", "style"}, Note: "The classic", SharedAt: at(0, 1)},
		{Member: "UB", URL: "https://example.org/100%-pass", Tags: []string{"assessment"}, Note: "Grading with rubrics", SharedAt: at(1, 0)},
		{Member: "UA", URL: "https://example.org/Über", Tags: []string{"de", "teaching"}, Note: "ÜBUNGEN für alle", SharedAt: at(2, 0)},
		{Member: "UB", URL: "https://example.org/snake_case", Tags: []string{"style"}, SharedAt: at(3, 0)},
		{Member: "UA", URL: "https://example.org/a", Tags: []string{"go"}, Note: "Go GO go", SharedAt: at(3, 0)}, // same time as 4: by id
	} {
		r.Community = community
		addResource(t, db, r)
	}
	addResource(t, db, library.Resource{Community: elsewhere, Member: "UA", URL: "https://go.dev/doc/effective_go", Tags: []string{"go"}, SharedAt: at(1, 0)})
	words := func(n int) []string {
		var w []string
		for i := range n {
			w = append(w, fmt.Sprintf("w%d", i))
		}
		return w
	}
	for _, tc := range []struct {
		name string
		q    library.ResourceQuery
		want []int64
	}{
		{"all, newest first", library.ResourceQuery{}, []int64{5, 4, 3, 2, 1}},
		{"a tag", library.ResourceQuery{Tag: "go"}, []int64{5, 1}},
		{"a tag as typed", library.ResourceQuery{Tag: "#GO"}, []int64{5, 1}},
		{"a tag exactly", library.ResourceQuery{Tag: "sty"}, []int64{}},
		{"a tag that is in the note only", library.ResourceQuery{Tag: "classic"}, []int64{}},
		{"two tags", library.ResourceQuery{Tag: "go style"}, []int64{}},
		{"no tag", library.ResourceQuery{Tag: "#"}, []int64{}},
		{"a word in the URL, the note or the tags", library.ResourceQuery{Words: []string{"go"}}, []int64{5, 1}},
		{"a word in the tags", library.ResourceQuery{Words: []string{"teach"}}, []int64{3}},
		{"a word in the note", library.ResourceQuery{Words: []string{"classic"}}, []int64{1}},
		{"every word", library.ResourceQuery{Words: []string{"grading", "RUBRICS"}}, []int64{2}},
		{"every word, not any", library.ResourceQuery{Words: []string{"grading", "style"}}, []int64{}},
		{"a word across fields", library.ResourceQuery{Words: []string{"pass grading"}}, []int64{}},
		{"% is a character", library.ResourceQuery{Words: []string{"%"}}, []int64{2}},
		{"_ is a character", library.ResourceQuery{Words: []string{"_"}}, []int64{4, 1}},
		{`\ is a character`, library.ResourceQuery{Words: []string{`\`}}, []int64{}},
		{"Unicode case", library.ResourceQuery{Words: []string{"über"}}, []int64{3}},
		{"Unicode case in the note", library.ResourceQuery{Words: []string{"üBUNG"}}, []int64{3}},
		{"blank words", library.ResourceQuery{Words: []string{"", "  "}}, []int64{5, 4, 3, 2, 1}},
		{"10 words", library.ResourceQuery{Words: words(10)}, []int64{}},
		{"10 words, twice each", library.ResourceQuery{Words: append(words(10), words(10)...)}, []int64{}},
		{"since", library.ResourceQuery{Since: at(2, 0)}, []int64{5, 4, 3}},
		{"until", library.ResourceQuery{Until: at(2, 0)}, []int64{2, 1}},
		{"since and until", library.ResourceQuery{Since: at(1, 0), Until: at(3, 0)}, []int64{3, 2}},
		{"a limit", library.ResourceQuery{Limit: 2}, []int64{5, 4}},
		{"a limit after the conditions", library.ResourceQuery{Tag: "style", Limit: 2}, []int64{4, 1}},
		{"no limit", library.ResourceQuery{Limit: -1}, []int64{5, 4, 3, 2, 1}},
		{"a tag and a word", library.ResourceQuery{Tag: "style", Words: []string{"snake"}}, []int64{4}},
		{"everything", library.ResourceQuery{Tag: "go", Words: []string{"GO.DEV"}, Since: at(0, 1), Until: at(0, 2), Limit: 1}, []int64{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.Resources(ctx, community, tc.q)
			if err != nil || got == nil || !slices.Equal(resourceIDs(got), tc.want) {
				t.Errorf("Resources(%+v) = %v, %v; want %v", tc.q, resourceIDs(got), err, tc.want)
			}
		})
	}
	got, err := db.Resources(ctx, community, library.ResourceQuery{Tag: "teaching"})
	want := []library.Resource{{ID: 3, Community: community, Member: "UA", MemberName: "Ada", URL: "https://example.org/Über",
		Tags: []string{"de", "teaching"}, Note: "ÜBUNGEN für alle", SharedAt: at(2, 0)}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Resources:\n got %+v, %v\nwant %+v", got, err, want)
	}
	if got, err := db.Resources(ctx, "slack:T404", library.ResourceQuery{}); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Resources of an unknown community = %#v, %v; want none", got, err)
	}
	_, err = db.Resources(ctx, community, library.ResourceQuery{Words: words(11)})
	if err == nil || bot.ErrorCode(err) != bot.EArgument {
		t.Errorf("11 words: %v; want an error for the person (%s)", err, bot.EArgument)
	}
}

func testStories(t *testing.T, db Store) {
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: makers, At: at(-30, 0), Members: []bot.Member{{ID: "UA", Name: "Ada"}, {ID: "UB", Name: "Bo"}}})
	cmd := library.Story{Community: community, Member: "UA", Text: "Pairing changed how I teach", Consent: library.ConsentNamed, Source: "command", At: at(0, 1)}
	s1 := addStory(t, db, cmd)
	s2 := addStory(t, db, library.Story{Community: community, Member: "UB", Text: "first", Consent: library.ConsentPrivate, Run: 7, At: at(1, 0)})
	// The same run and member again: the same story, its text and consent
	// replaced, its source and time kept.
	if id := addStory(t, db, library.Story{Community: community, Member: "UB", Text: "second", Consent: library.ConsentAnonymous, Source: "other", Run: 7, At: at(1, 5)}); id != s2 {
		t.Errorf("the same run's story again got id %d, want %d", id, s2)
	}
	s3 := addStory(t, db, library.Story{Community: community, Member: "UA", Text: "mine", Consent: library.ConsentNamed, Run: 7, At: at(1, 1)}) // another member
	s4 := addStory(t, db, library.Story{Community: community, Member: "UB", Text: "later", Run: 8, At: at(2, 0)})                               // another run
	// Stories without a run are never merged.
	s5 := addStory(t, db, library.Story{Community: community, Member: "UB", Text: "again", At: at(3, 0)})
	s6 := addStory(t, db, library.Story{Community: community, Member: "UB", Text: "again", At: at(3, 0)})
	x := addStory(t, db, library.Story{Community: elsewhere, Member: "UB", Text: "elsewhere", Run: 7, At: at(1, 0)})
	if ids := []int64{s1, s2, s3, s4, s5, s6, x}; !slices.Equal(ids, []int64{1, 2, 3, 4, 5, 6, 7}) {
		t.Errorf("ids %v", ids)
	}
	story := func(id int64, member, name, text string, c library.StoryConsent, source string, run int64, when time.Time) library.Story {
		return library.Story{ID: id, Community: community, Member: member, MemberName: name, Text: text, Consent: c, Source: source, Run: run, At: when}
	}
	all := []library.Story{
		story(s1, "UA", "Ada", "Pairing changed how I teach", library.ConsentNamed, "command", 0, at(0, 1)),
		story(s2, "UB", "Bo", "second", library.ConsentAnonymous, "checkin", 7, at(1, 0)),
		story(s3, "UA", "Ada", "mine", library.ConsentNamed, "checkin", 7, at(1, 1)),
		story(s4, "UB", "Bo", "later", library.ConsentPrivate, "checkin", 8, at(2, 0)), // no consent: private
		story(s5, "UB", "Bo", "again", library.ConsentPrivate, "command", 0, at(3, 0)),
		story(s6, "UB", "Bo", "again", library.ConsentPrivate, "command", 0, at(3, 0)),
	}
	for _, tc := range []struct {
		name  string
		since time.Time
		want  []library.Story
	}{
		{"all, oldest first", time.Time{}, all},
		{"at or after", at(1, 1), all[2:]},
		{"after the last", at(3, 1), []library.Story{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := db.Stories(ctx, community, tc.since); err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Stories:\n got %+v, %v\nwant %+v", got, err, tc.want)
			}
		})
	}
	if got, err := db.Stories(ctx, "slack:T404", time.Time{}); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Stories of an unknown community = %#v, %v", got, err)
	}

	for _, bad := range []library.Story{
		{Member: "UA", Text: "x", At: at(0, 0)},
		{Community: community, Text: "x", At: at(0, 0)},
		{Community: community, Member: "UA", Text: " ", At: at(0, 0)},
		{Community: community, Member: "UA", Text: "x"},
		{Community: community, Member: "UA", Text: "x", At: at(0, 0), Consent: "public"},
	} {
		if _, err := db.AddStory(ctx, bad); err == nil {
			t.Errorf("AddStory(%+v): no error", bad)
		}
	}
}

func testSetStoryConsent(t *testing.T, db Store) {
	ctx := context.Background()
	a := addStory(t, db, library.Story{Community: community, Member: "UA", Text: "a", At: at(0, 0)})
	b := addStory(t, db, library.Story{Community: community, Member: "UB", Text: "b", Consent: library.ConsentNamed, At: at(0, 1)})
	x := addStory(t, db, library.Story{Community: elsewhere, Member: "UA", Text: "x", At: at(0, 0)})
	for _, tc := range []struct {
		name              string
		community, member string
		id                int64
		c                 library.StoryConsent
		notFound          bool // else nil
	}{
		{"their own", community, "UA", a, library.ConsentAnonymous, false},
		{"their own, the same again", community, "UA", a, library.ConsentAnonymous, false},
		{"another member's", community, "UA", b, library.ConsentPrivate, true},
		{"another community's", community, "UA", x, library.ConsentNamed, true},
		{"in an unknown community", "slack:T404", "UA", a, library.ConsentNamed, true},
		{"by an unknown member", community, "U404", a, library.ConsentNamed, true},
		{"a missing id", community, "UA", 99, library.ConsentNamed, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.SetStoryConsent(ctx, tc.community, tc.member, tc.id, tc.c)
			if tc.notFound && !errors.Is(err, bot.ErrNotFound) || !tc.notFound && err != nil {
				t.Errorf("SetStoryConsent = %v, want not found %v", err, tc.notFound)
			}
		})
	}
	for _, c := range []library.StoryConsent{"", "public"} {
		if err := db.SetStoryConsent(ctx, community, "UB", b, c); err == nil || errors.Is(err, bot.ErrNotFound) {
			t.Errorf("consent %q: %v, want an error", c, err)
		}
	}
	consents := map[int64]library.StoryConsent{}
	for _, c := range []string{community, elsewhere} {
		stories, err := db.Stories(ctx, c, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range stories {
			consents[s.ID] = s.Consent
		}
	}
	if want := map[int64]library.StoryConsent{a: library.ConsentAnonymous, b: library.ConsentNamed, x: library.ConsentPrivate}; !reflect.DeepEqual(consents, want) {
		t.Errorf("consents %v, want %v", consents, want)
	}
}

// TestResourceShareIsActivity works a small history out by hand: a member
// whose only activity is sharing a resource is active, not quiet, last
// active then, and participating; the share counts in the report wherever
// it was made, and in its channel's figures only when it has one.
func testResourceShareIsActivity(t *testing.T, db Store) {
	ctx := context.Background()
	saveDirectory(t, db, bot.Directory{Community: makers, Complete: true, At: at(-30, 0), Members: []bot.Member{
		{ID: "UA", Name: "Ada"}, {ID: "UB", Name: "Bo"}, {ID: "UC", Name: "Cy"},
	}})
	record(t, db, msg("UA", "C1", "m1", at(-20, 0)), share("UB", "", 1, at(0, 5)), share("UC", "C1", 2, at(0, 6)))
	rep := report(t, db, bot.ReportQuery{Community: community, From: at(0, 0), To: at(1, 0), QuietAfter: 2 * day})
	if want := (bot.ActivityCounts{ResourceShares: 2}); rep.Activity != want {
		t.Errorf("activity %+v, want %+v", rep.Activity, want)
	}
	if rep.Members.Active != 2 || rep.Members.Quiet != 1 || rep.Tiers.Responders != 2 {
		t.Errorf("members %+v tiers %+v; want 2 active (responders), Ada alone quiet", rep.Members, rep.Tiers)
	}
	want := []bot.Contributor{{ID: "UB", Name: "Bo"}, {ID: "UC", Name: "Cy"}} // active, with nothing to show: as the reference
	if !reflect.DeepEqual(rep.TopContributors, want) || len(rep.Channels) != 0 {
		t.Errorf("contributors %+v, channels %+v; want %+v, and no channel listed for a share alone", rep.TopContributors, rep.Channels, want)
	}
	in := report(t, db, bot.ReportQuery{Community: community, From: at(0, 0), To: at(1, 0), Channel: "C1"})
	if in.Activity.ResourceShares != 1 || in.Members.Active != 1 {
		t.Errorf("in C1: activity %+v, members %+v; want Cy's share only", in.Activity, in.Members)
	}
	// With a message in C1, the channel is listed, and Cy among its active members.
	record(t, db, msg("UA", "C1", "m2", at(0, 7)))
	rep = report(t, db, bot.ReportQuery{Community: community, From: at(0, 0), To: at(1, 0)})
	if want := []bot.ChannelActivity{{ID: "C1", Messages: 1, ActiveMembers: 2}}; !reflect.DeepEqual(rep.Channels, want) {
		t.Errorf("channels %+v, want %+v", rep.Channels, want)
	}
	if a, err := db.MemberActivity(ctx, community, "UB"); err != nil || !a.LastActive.Equal(at(0, 5)) || a.Counts[bot.KindResourceShare] != 1 {
		t.Errorf("Bo: %+v, %v", a, err)
	}
	mw, err := db.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: community, Member: "UB", End: at(1, 0), Weeks: 1})
	if err != nil || len(mw) != 1 || mw[0].Weeks[0] != (bot.WeekCounts{Answers: 1}) || members.LevelOf(mw[0].Weeks) != members.LevelParticipating {
		t.Errorf("Bo's weeks: %+v, %v; want one answer: participating", mw, err)
	}
}
