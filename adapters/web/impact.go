package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/library"
	"github.com/hearth-community/hearth/bot/reporting"
)

type impactView struct {
	Document      template.HTML
	Participation chart
	Trends        []chart
}

// impact is the sponsors' report as `hearth impact` writes it (its own
// Markdown, rendered), with its charts drawn as SVG; the print stylesheet
// makes the browser's print to PDF a clean document.
func (s *Server) impact(ctx context.Context, _ *http.Request, v *view) error {
	v.Title, v.template = "Impact", "impact"
	p := v.Period.Period
	im, err := s.cfg.Source.Impact(ctx, v.Session.Community, p.From, p.To)
	if err != nil {
		return err
	}
	loc := s.cfg.Source.Location()
	iv := impactView{Document: markdownHTML(reporting.FormatImpact(im, reporting.ImpactView{Location: loc}), 1)}
	iv.Participation = chart{ID: "chart-impact-participation", Title: "Participation by month", XLabel: "Month", YLabel: "Count",
		Series: []chartSeries{{Name: "Active members"}, {Name: "Posts (messages and replies)"}, {Name: "New members"}}}
	for _, m := range im.Months {
		iv.Participation.Categories = append(iv.Participation.Categories, m.Start.In(loc).Format("Jan 2006"))
		iv.Participation.Series[0].Values = append(iv.Participation.Series[0].Values, float64(m.ActiveMembers))
		iv.Participation.Series[1].Values = append(iv.Participation.Series[1].Values, float64(m.Posts))
		iv.Participation.Series[2].Values = append(iv.Participation.Series[2].Values, float64(m.NewMembers))
	}
	iv.Participation.Desc = fmt.Sprintf("Active members, posts and new members in each of the %d months of the period.", len(im.Months))
	iv.Trends = sectionCharts(im.Sections)
	v.Content = iv
	return nil
}

// sectionCharts draws the sections' trend charts.
func sectionCharts(sections []bot.Section) []chart {
	var out []chart
	for _, sec := range sections {
		for _, sc := range sec.Charts {
			c := chart{ID: fmt.Sprintf("chart-section-%d", len(out)), Title: sc.Title, XLabel: "Run", YLabel: sc.Unit, Line: true,
				Series: []chartSeries{{Name: bot.NameOr(sc.Unit, "Value")}}}
			for _, pt := range sc.Points {
				c.Categories = append(c.Categories, pt.Label)
				c.Series[0].Values = append(c.Series[0].Values, pt.Value)
			}
			c.Desc = fmt.Sprintf("%s: %d points.", sc.Title, len(sc.Points))
			out = append(out, c)
		}
	}
	return out
}

type sectionsView struct {
	Heading   string
	Document  template.HTML
	Empty     string
	Resources []library.Resource
	More      int
}

// sectionPage shows the features' impact sections under keys, in order,
// as the impact report writes them: the library's counts, the stories
// members agreed to share (consent applied by the section itself).
func (s *Server) sectionPage(ctx context.Context, v *view, title, empty string, keys ...string) error {
	v.Title, v.template = title, "sections"
	ss, err := s.cfg.Source.Sections(ctx, v.Session.Community, v.Period.Period.From, v.Period.Period.To)
	if err != nil {
		return err
	}
	sv := sectionsView{Heading: title, Empty: empty}
	var md string
	for _, sec := range ss {
		if slices.Contains(keys, sec.Key) && sec.Markdown != nil {
			md += sec.Markdown(nil) + "\n"
		}
	}
	sv.Document = markdownHTML(md, 0) // the sections' headings are ##
	v.Content = sv
	return nil
}

// maxResources bounds the resources the library page lists.
const maxResources = 200

// library: the impact report's library section, then the resources shared
// in the period, newest first, as /hearth resources lists them.
func (s *Server) library(ctx context.Context, _ *http.Request, v *view) error {
	if err := s.sectionPage(ctx, v, "Library", "Nothing was shared into the library in this period.", "library"); err != nil {
		return err
	}
	rs, err := s.cfg.Source.Resources(ctx, v.Session.Community, library.ResourceQuery{Since: v.Period.Period.From, Until: v.Period.Period.To, Limit: maxResources + 1})
	if err != nil {
		return err
	}
	sv := v.Content.(sectionsView)
	sv.Resources = rs[:min(len(rs), maxResources)]
	if len(rs) > maxResources {
		sv.More = 1
	}
	v.Content = sv
	return nil
}

func (s *Server) stories(ctx context.Context, _ *http.Request, v *view) error {
	return s.sectionPage(ctx, v, "Stories", "No stories to show for this period.", "stories")
}
