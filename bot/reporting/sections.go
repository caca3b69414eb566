package reporting

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/hearth-community/hearth/bot"
)

// withSections encodes own (a struct) as a JSON object, then each section
// that has a key, in order, as one more member of it.
func withSections(own any, sections []bot.Section) ([]byte, error) {
	data, err := json.Marshal(own)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Write(bytes.TrimSuffix(data, []byte("}")))
	for _, s := range sortedSections(sections) {
		if s.Key == "" {
			continue
		}
		key, err := json.Marshal(s.Key)
		if err != nil {
			return nil, err
		}
		value, err := json.Marshal(s.Value)
		if err != nil {
			return nil, err
		}
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		buf.Write(key)
		buf.WriteByte(':')
		buf.Write(value)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// findSection returns the section under key, if there is one.
func findSection(sections []bot.Section, key string) (bot.Section, bool) {
	i := slices.IndexFunc(sections, func(s bot.Section) bool { return s.Key == key })
	if i < 0 {
		return bot.Section{}, false
	}
	return sections[i], true
}

// sortSections orders sections by Order, keeping the modules' order among
// equals.
func sortSections(sections []bot.Section) {
	slices.SortStableFunc(sections, func(a, b bot.Section) int { return a.Order - b.Order })
}

// sortedSections is a sorted copy: documents are written in Order however
// their sections were gathered.
func sortedSections(sections []bot.Section) []bot.Section {
	out := slices.Clone(sections)
	sortSections(out)
	return out
}

// fillers are the modules that fill a part of reports.
func fillers(mods []bot.Module) []bot.ReportFiller {
	var out []bot.ReportFiller
	for _, m := range mods {
		if f, ok := m.(bot.ReportFiller); ok {
			out = append(out, f)
		}
	}
	return out
}
