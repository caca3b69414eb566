package fakediscord

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Discord's limits, as its developer documentation states them (Message
// Resource: "Create Message"; Interactions: "Message Components" and
// "Application Commands"; Reference: "Uploading Files"), cross-checked
// with @sapphire/discord-utilities' MessageLimits and twilight-validate's
// command constants. The fake refuses what Discord refuses past them, with
// HTTP 400, code 50035 "Invalid Form Body" and the field in "errors".
const (
	// MaxContent is a message's content, in characters (Create Message:
	// "up to 2000 characters").
	MaxContent = 2000
	// MaxFiles is how many files one message may carry (Uploading Files:
	// up to 10 files per message).
	MaxFiles = 10
	// MaxUpload is the request size Discord takes for a message's files,
	// in bytes (Uploading Files: 25 MiB for a guild without boosts;
	// MessageLimits.MaximumRequestSize is 25,000,000). Past it Discord
	// answers 413 "Request entity too large" (40005), not 50035.
	MaxUpload = 25_000_000
	// MaxRows, MaxButtonsPerRow, MaxLabel and MaxCustomID are the message
	// components' limits (Message Components: five action rows of at most
	// five buttons, labels of 80 characters, custom ids of 1 to 100).
	MaxRows          = 5
	MaxButtonsPerRow = 5
	MaxLabel         = 80
	MaxCustomID      = 100
	// MaxCommandChars is the combined length of an application command's
	// names, descriptions and values, its options' (sub-commands and
	// groups included) and its choices' (Application Commands, "Limits":
	// 8000 since 2024, 4000 before; the sapphire constant still says 4000).
	MaxCommandChars = 8000
	// MaxOptions is how many options a command, a group or a sub-command
	// may have, and MaxChoices how many choices an option may have.
	MaxOptions = 25
	MaxChoices = 25
	// MaxDescription is a command's or an option's description, and a
	// choice's name and string value (1 to 100 characters).
	MaxDescription = 100
)

// commandName is Discord's pattern for CHAT_INPUT command and option
// names (Application Commands, "Application Command Naming"); names with
// a lower-case variant must use it, which the fake checks apart.
var commandName = regexp.MustCompile(`^[-_\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// Discord's field error codes.
const (
	errMaxLength   = "BASE_TYPE_MAX_LENGTH"
	errBadLength   = "BASE_TYPE_BAD_LENGTH"
	errMaxItems    = "BASE_TYPE_MAX_LENGTH" // Discord says the same for too many items
	errInvalidName = "APPLICATION_COMMAND_INVALID_NAME"
	errTooLarge    = "APPLICATION_COMMAND_TOO_LARGE"
	errComponent   = "COMPONENT_INVALID"
	errDuplicateID = "COMPONENT_CUSTOM_ID_DUPLICATED"
	errFiles       = "MAX_FILE_COUNT_EXCEEDED"
)

func runes(s string) int { return utf8.RuneCountInString(s) }

// checkContent refuses content over limit (MaxContent) characters.
func checkContent(content string, limit int, f formErrors) {
	if n := runes(content); n > limit {
		f.add("content", errMaxLength, fmt.Sprintf("Must be %d or fewer in length. (%d)", limit, n))
	}
}

// checkFiles refuses more than MaxFiles files, and answers 413 for more
// than MaxUpload bytes in all, as Discord does.
func checkFiles(files []File, f formErrors) *apiError {
	total := 0
	for _, file := range files {
		total += len(file.Data)
	}
	if total > MaxUpload {
		return errorf(413, 40005, "Request entity too large")
	}
	if len(files) > MaxFiles {
		f.add("attachments", errFiles, fmt.Sprintf("Must be %d or fewer in length.", MaxFiles))
	}
	return nil
}

// checkMessage checks a message body (content, components, files).
func checkMessage(b messageBody, files []File, limit int) *apiError {
	f := formErrors{}
	if e := checkFiles(files, f); e != nil {
		return e
	}
	checkContent(b.Content, limit, f)
	componentErrors(b.Components, false, f)
	return f.err()
}

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

// componentErrors adds the errors of components: more than five action
// rows, a row with no component or more than five buttons, a custom id
// missing, longer than 100 characters or used twice, a label too long, a
// text input's value longer than its max_length.
func componentErrors(raw json.RawMessage, modal bool, f formErrors) {
	if len(raw) == 0 || string(raw) == "null" {
		return
	}
	var rows []component
	if err := json.Unmarshal(raw, &rows); err != nil {
		f.add("components", "MODEL_TYPE_CONVERT", err.Error())
		return
	}
	if len(rows) > MaxRows {
		f.add("components", errMaxItems, fmt.Sprintf("Must be %d or fewer in length.", MaxRows))
	}
	ids := map[string]bool{}
	for r, row := range rows {
		at := "components." + strconv.Itoa(r)
		if row.Type != ComponentActionRow || len(row.Components) == 0 || len(row.Components) > MaxButtonsPerRow {
			f.add(at+".components", errMaxItems, fmt.Sprintf("An action row holds 1 to %d components.", MaxButtonsPerRow))
			continue
		}
		if modal && len(row.Components) != 1 {
			f.add(at+".components", errMaxItems, "A modal's row holds one text input.")
			continue
		}
		for c, comp := range row.Components {
			where := at + ".components." + strconv.Itoa(c)
			link := comp.Type == ComponentButton && comp.Style == 5
			switch {
			case link:
			case comp.CustomID == "" || runes(comp.CustomID) > MaxCustomID:
				f.add(where+".custom_id", errBadLength, fmt.Sprintf("Must be between 1 and %d in length.", MaxCustomID))
			case ids[comp.CustomID]:
				f.add(where+".custom_id", errDuplicateID, "Component custom id cannot be duplicated")
			}
			ids[comp.CustomID] = true
			switch comp.Type {
			case ComponentButton:
				if modal {
					f.add(where, errComponent, "A modal holds no buttons.")
				} else if runes(comp.Label) > MaxLabel {
					f.add(where+".label", errMaxLength, fmt.Sprintf("Must be %d or fewer in length.", MaxLabel))
				}
			case ComponentTextInput:
				max := comp.MaxLength
				if max <= 0 || max > 4000 {
					max = 4000
				}
				switch {
				case !modal:
					f.add(where, errComponent, "A message holds no text inputs.")
				case runes(comp.Label) > 45:
					f.add(where+".label", errMaxLength, "Must be 45 or fewer in length.")
				case runes(comp.Value) > max:
					f.add(where+".value", errMaxLength, fmt.Sprintf("Must be %d or fewer in length.", max))
				}
			}
		}
	}
}

// checkCallback checks an interaction response: a message's (types 4
// and 7) content, components and files, or a modal's (type 9, which also
// needs a custom id and a title of at most 45 characters).
func checkCallback(typ int, data json.RawMessage, files []File, limit int) *apiError {
	var d struct {
		CustomID   string          `json:"custom_id"`
		Title      string          `json:"title"`
		Content    string          `json:"content"`
		Components json.RawMessage `json:"components"`
	}
	f := formErrors{}
	if len(data) > 0 && json.Unmarshal(data, &d) != nil {
		f.add("data", "MODEL_TYPE_CONVERT", "Invalid data")
		return f.err()
	}
	// Discord names the response's fields under "data".
	in := formErrors{}
	switch typ {
	case 4, 7:
		if e := checkFiles(files, in); e != nil {
			return e
		}
		checkContent(d.Content, limit, in)
		componentErrors(d.Components, false, in)
	case 9:
		if d.CustomID == "" || runes(d.CustomID) > MaxCustomID {
			in.add("custom_id", errBadLength, "Must be between 1 and 100 in length.")
		}
		if d.Title == "" || runes(d.Title) > 45 {
			in.add("title", errBadLength, "Must be between 1 and 45 in length.")
		}
		componentErrors(d.Components, true, in)
	}
	if len(in) > 0 {
		f["data"] = map[string]any(in)
	}
	return f.err()
}

// commandOption is an application command or one of its options, as a
// client sends it.
type commandOption struct {
	Type        int             `json:"type"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Options     []commandOption `json:"options"`
	Choices     []struct {
		Name  string          `json:"name"`
		Value json.RawMessage `json:"value"`
	} `json:"choices"`
}

// checkCommands checks a bulk overwrite of application commands, each
// keyed by its index as Discord does.
func checkCommands(cmds []commandOption) *apiError {
	f := formErrors{}
	for i, c := range cmds {
		at := strconv.Itoa(i)
		chat := c.Type == 0 || c.Type == 1 // CHAT_INPUT
		if !chat {
			continue
		}
		total := checkOption(c, at, f)
		if total > MaxCommandChars {
			f.add(at, errTooLarge, fmt.Sprintf("Command exceeds maximum size (%d)", MaxCommandChars))
		}
	}
	return f.err()
}

// checkOption checks a chat command or an option at path, its options and
// its choices, and returns the characters they count towards
// MaxCommandChars.
func checkOption(o commandOption, at string, f formErrors) int {
	prefix := at + "."
	if !commandName.MatchString(o.Name) || strings.ToLower(o.Name) != o.Name {
		f.add(prefix+"name", errInvalidName, "Command name is invalid")
	}
	if n := runes(o.Description); n < 1 || n > MaxDescription {
		f.add(prefix+"description", errBadLength, fmt.Sprintf("Must be between 1 and %d in length.", MaxDescription))
	}
	total := runes(o.Name) + runes(o.Description)
	if len(o.Options) > MaxOptions {
		f.add(prefix+"options", errMaxItems, fmt.Sprintf("Must be %d or fewer in length.", MaxOptions))
	}
	for i, sub := range o.Options {
		total += checkOption(sub, prefix+"options."+strconv.Itoa(i), f)
	}
	if len(o.Choices) > MaxChoices {
		f.add(prefix+"choices", errMaxItems, fmt.Sprintf("Must be %d or fewer in length.", MaxChoices))
	}
	for i, c := range o.Choices {
		where := prefix + "choices." + strconv.Itoa(i)
		if n := runes(c.Name); n < 1 || n > MaxDescription {
			f.add(where+".name", errBadLength, fmt.Sprintf("Must be between 1 and %d in length.", MaxDescription))
		}
		value := string(c.Value)
		var s string
		if json.Unmarshal(c.Value, &s) == nil {
			value = s
			if n := runes(s); n < 1 || n > MaxDescription {
				f.add(where+".value", errBadLength, fmt.Sprintf("Must be between 1 and %d in length.", MaxDescription))
			}
		}
		total += runes(c.Name) + runes(value)
	}
	return total
}
