package fakediscord

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// component is a message or modal component as a client sends it.
type component struct {
	Type       int         `json:"type"`
	CustomID   string      `json:"custom_id"`
	Style      int         `json:"style"`
	Label      string      `json:"label"`
	URL        string      `json:"url"`
	Value      string      `json:"value"`
	MaxLength  int         `json:"max_length"`
	Components []component `json:"components"`
}

// checkComponents refuses what Discord refuses in a message's components
// (or a modal's, when modal): more than five action rows, a row with no
// component or more than five buttons, a custom id missing, longer than
// 100 characters or used twice, a label too long, a text input's value
// longer than its max_length.
func checkComponents(raw json.RawMessage, modal bool) *apiError {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var rows []component
	if err := json.Unmarshal(raw, &rows); err != nil {
		return invalidForm("components: %v", err)
	}
	if len(rows) > 5 {
		return invalidForm("components: %d action rows, at most 5", len(rows))
	}
	ids := map[string]bool{}
	for r, row := range rows {
		if row.Type != ComponentActionRow || len(row.Components) == 0 || len(row.Components) > 5 {
			return invalidForm("components[%d]: an action row holds 1 to 5 components", r)
		}
		if modal && len(row.Components) != 1 {
			return invalidForm("components[%d]: a modal's row holds one text input", r)
		}
		for c, comp := range row.Components {
			where := fmt.Sprintf("components[%d].components[%d]", r, c)
			link := comp.Type == ComponentButton && comp.Style == 5
			switch {
			case link:
			case comp.CustomID == "" || utf8.RuneCountInString(comp.CustomID) > 100:
				return invalidForm("%s.custom_id: 1 to 100 characters", where)
			case ids[comp.CustomID]:
				return invalidForm("%s.custom_id: Component custom id cannot be duplicated", where)
			}
			ids[comp.CustomID] = true
			switch comp.Type {
			case ComponentButton:
				if modal || utf8.RuneCountInString(comp.Label) > 80 {
					return invalidForm("%s: not a valid button", where)
				}
			case ComponentTextInput:
				max := comp.MaxLength
				if max <= 0 || max > 4000 {
					max = 4000
				}
				if !modal || utf8.RuneCountInString(comp.Label) > 45 || utf8.RuneCountInString(comp.Value) > max {
					return invalidForm("%s: not a valid text input", where)
				}
			}
		}
	}
	return nil
}

func invalidForm(format string, args ...any) *apiError {
	return errorf(400, 50035, "Invalid Form Body: "+fmt.Sprintf(format, args...))
}

// checkCallback checks an interaction response's components: a message's
// (types 4 and 7) or a modal's (type 9, which also needs a custom id and a
// title of at most 45 characters).
func checkCallback(typ int, data json.RawMessage) *apiError {
	var d struct {
		CustomID   string          `json:"custom_id"`
		Title      string          `json:"title"`
		Components json.RawMessage `json:"components"`
	}
	if len(data) > 0 && json.Unmarshal(data, &d) != nil {
		return invalidForm("data")
	}
	switch typ {
	case 4, 7:
		return checkComponents(d.Components, false)
	case 9:
		if d.CustomID == "" || utf8.RuneCountInString(d.CustomID) > 100 || d.Title == "" || utf8.RuneCountInString(d.Title) > 45 {
			return invalidForm("data: a modal needs a custom id and a title")
		}
		return checkComponents(d.Components, true)
	}
	return nil
}
