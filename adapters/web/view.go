package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// view is what the layout renders around a page's Content.
type view struct {
	Title   string
	Session Session
	Path    string
	Period  periodView
	Content any
	// template names the page's template; render's caller may pass
	// another (the message page of an error).
	template string
}

// SignedIn says the page is shown to a signed-in facilitator (or the
// operator, whose offline session may name no member).
func (v *view) SignedIn() bool { return v.Session.Community != "" }

// Who names the signed-in person.
func (v *view) Who() string {
	switch {
	case v.Session.MemberName != "":
		return v.Session.MemberName
	case v.Session.Member != "":
		return v.Session.Member
	case v.Session.Operator:
		return "the operator"
	}
	return "a facilitator"
}

type navItem struct {
	Href, Label string
	Current     bool
}

// navPages are the dashboard's pages, in the navigation's order.
var navPages = []struct{ Path, Label string }{
	{"", "Overview"}, {"members", "Members"}, {"channels", "Channels"}, {"prompts", "Prompts"},
	{"checkins", "Check-ins"}, {"events", "Events"}, {"intros", "Intros"}, {"library", "Library"},
	{"stories", "Stories"}, {"impact", "Impact"},
}

// Nav is the navigation, each link keeping the period.
func (v *view) Nav() []navItem {
	q := v.Period.Query().Encode()
	out := make([]navItem, len(navPages))
	for i, p := range navPages {
		path := Prefix + p.Path
		cur := v.Path == path || (p.Path != "" && strings.HasPrefix(v.Path, path+"/"))
		out[i] = navItem{Href: withQuery(path, q), Label: p.Label, Current: cur}
	}
	return out
}

type presetLink struct {
	Href, Label string
	Current     bool
}

// Presets are the picker's quick links for this page.
func (v *view) Presets() []presetLink {
	out := make([]presetLink, len(presets))
	for i, p := range presets {
		out[i] = presetLink{Href: withQuery(v.Path, "period="+p.Key), Label: p.Label, Current: v.Period.Key == p.Key}
	}
	return out
}

func withQuery(path, q string) string {
	if q == "" {
		return path
	}
	return path + "?" + q
}

// messageView is a page that only says something.
type messageView struct{ Heading, Text string }

var funcs = template.FuncMap{
	"list":  func(fs ...figure) []figure { return fs },
	"num":   bot.Thousands,
	"date":  func(t time.Time) string { return dateOr(t, "never") },
	"pct":   func(f float64) string { return strconv.FormatFloat(f*100, 'f', 0, 64) + "%" },
	"float": func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
	"deref": func(f *float64) float64 {
		if f == nil {
			return 0
		}
		return *f
	},
}

func dateOr(t time.Time, zero string) string {
	if t.IsZero() {
		return zero
	}
	return t.Format(time.DateOnly)
}

// parsePages parses each page with the layout and the shared parts.
func parsePages() map[string]*template.Template {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || base == "parts" {
			continue
		}
		out[base] = template.Must(template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html", n))
	}
	return out
}

// render writes the page named by name in the layout with status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	t, ok := s.pages[name]
	if !ok {
		s.cfg.Log.Error("dashboard: no template", "name", name)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	if v.Path == "" {
		v.Path = r.URL.Path
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.cfg.Log.Error("dashboard: render", "page", name, "err", err)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// figure is one headline figure with its trend; Key is its path in the
// JSON of `hearth report --format json` ("members.active"), which the page
// puts in data-figure so a test can compare the two.
type figure struct {
	Key, Label string
	Value      int
	Previous   int
	HasPrev    bool
}

// ID is the figure's element id.
func (f figure) ID() string { return "fig-" + strings.ReplaceAll(f.Key, ".", "-") }

// Trend says how the figure moved against the period before.
func (f figure) Trend() string {
	if !f.HasPrev {
		return ""
	}
	d := f.Value - f.Previous
	switch {
	case d > 0:
		return fmt.Sprintf("up %s from %s", bot.Thousands(d), bot.Thousands(f.Previous))
	case d < 0:
		return fmt.Sprintf("down %s from %s", bot.Thousands(-d), bot.Thousands(f.Previous))
	}
	return "same as the period before"
}

// Arrow shows the trend's direction; the words say it too. Neither says
// whether the change is good: more quiet members is not.
func (f figure) Arrow() string {
	switch {
	case f.Value > f.Previous:
		return "▲"
	case f.Value < f.Previous:
		return "▼"
	}
	return "="
}

// pageURL is path with q, for sorting and paging links.
func pageURL(path string, q url.Values) string { return withQuery(path, q.Encode()) }
