package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hearth-community/hearth/bot"
)

// decodeYAML is the one reader of the YAML files the offline tools import
// (prompts, surveys, plans). It decodes data into v, refusing unknown
// fields, and returns the document's node tree so callers can name the
// line of what they refuse (nodeLine). Its errors speak of the file, never
// of Go: "line 3: unknown field colour", not "field colour not found in
// type checkins.Question". It refuses:
//   - an empty file (or one of comments only), saying so;
//   - a file of several documents (`---`): only one is read, and importing
//     the first while ignoring the rest would lose them without a word.
//     Empty documents (a trailing `---`) are harmless and allowed.
//
// what names the kind of file ("survey file"): errors in the YAML say the
// file is not one, which also tells who passed the wrong file what was
// expected. Every
// message is safe to print: text quoted from the file goes through
// bot.ForTerminal.
func decodeYAML(data []byte, what string, v any) (*yaml.Node, error) {
	var root yaml.Node
	docs := yaml.NewDecoder(bytes.NewReader(data))
	if err := docs.Decode(&root); errors.Is(err, io.EOF) {
		return nil, errors.New("the file is empty")
	} else if err != nil {
		return nil, fmt.Errorf("not a %s: %s", what, yamlMessage(data, err, v))
	}
	for {
		var next yaml.Node
		err := docs.Decode(&next)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not a %s: %s", what, yamlMessage(data, err, v))
		}
		if !emptyDocument(&next) {
			return nil, fmt.Errorf("line %d: a second YAML document (after ---): a %s is one document; put everything in the first, or import each part as a file of its own", next.Line, what)
		}
	}
	if emptyDocument(&root) {
		return nil, errors.New("the file is empty")
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return nil, fmt.Errorf("not a %s: %s", what, yamlMessage(data, err, v))
	}
	return &root, nil
}

// emptyDocument reports a document that holds nothing (`---` alone, `~`).
func emptyDocument(doc *yaml.Node) bool {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return doc.Kind == 0
	}
	n := doc.Content[0]
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

var (
	yamlUnknownField = regexp.MustCompile(`(?s)^line (\d+): field (.*) not found in type .+$`)
	yamlFieldTwice   = regexp.MustCompile(`(?s)^line (\d+): field (.*) already set in type .+$`)
	yamlWrongKind    = regexp.MustCompile("(?s)^line (\\d+): cannot unmarshal (!!\\w+)(?: `(.*)`)? into (.+)$")
)

// maxYAMLErrors bounds the problems one message lists: enough to fix a
// file in one go, not a screenful for a file that is not YAML at all.
const maxYAMLErrors = 20

// yamlSyntaxLine matches a syntax error: yaml names the line where the
// construct around the problem began, which can be lines before it.
var yamlSyntaxLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlMessage turns a yaml error into a message about the file: every
// problem the decoder found (up to maxYAMLErrors), each naming its line,
// in the file's words.
func yamlMessage(data []byte, err error, v any) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		if m := yamlSyntaxLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			return bot.ForTerminal(fmt.Sprintf("line %d: %s", syntaxErrorLine(data, line, m[2]), m[2]))
		}
		return bot.ForTerminal(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	kinds := goKinds(reflect.TypeOf(v))
	msgs := make([]string, 0, len(te.Errors))
	for _, e := range te.Errors {
		if len(msgs) == maxYAMLErrors {
			msgs = append(msgs, fmt.Sprintf("and %d more", len(te.Errors)-maxYAMLErrors))
			break
		}
		if m := yamlUnknownField.FindStringSubmatch(e); m != nil {
			e = fmt.Sprintf("line %s: unknown field %s", m[1], m[2])
		} else if m := yamlFieldTwice.FindStringSubmatch(e); m != nil {
			e = fmt.Sprintf("line %s: field %s is given twice", m[1], m[2])
		} else if m := yamlWrongKind.FindStringSubmatch(e); m != nil {
			found := yamlKinds[m[2]]
			if found == "" {
				found = "a value of type " + m[2]
			}
			if m[3] != "" {
				found += " (`" + m[3] + "`)"
			}
			want := kinds[m[4]]
			if want == "" {
				want = "another kind of value"
			}
			e = fmt.Sprintf("line %s: expected %s, found %s", m[1], want, found)
		}
		msgs = append(msgs, bot.ForTerminal(e))
	}
	return strings.Join(msgs, "; ")
}

// syntaxErrorLine finds the line a syntax error is on: the first line,
// from the one yaml named, at which the file cut after it fails with the
// same problem. A cut that fails otherwise (a quoted text left open) is
// passed over; if none agrees within a few dozen lines, yaml's line stands.
func syntaxErrorLine(data []byte, reported int, problem string) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	for n := max(reported, 1); n <= len(lines) && n < reported+50; n++ {
		var doc yaml.Node
		err := yaml.Unmarshal(bytes.Join(lines[:n], nil), &doc)
		if m := yamlSyntaxLine.FindStringSubmatch(fmt.Sprint(err)); err != nil && m != nil && m[2] == problem {
			return n
		}
	}
	return reported
}

// yamlKinds names YAML's tags as a person writing the file sees them.
var yamlKinds = map[string]string{
	"!!str": "a text", "!!int": "a whole number", "!!float": "a number", "!!bool": "true or false",
	"!!seq": "a list", "!!map": "fields (name: value)", "!!null": "nothing", "!!timestamp": "a date",
	"!!binary": "binary data",
}

// goKinds names, by the name yaml's errors give them, every type reachable
// from t, as what the file should hold there.
func goKinds(t reflect.Type) map[string]string {
	out := map[string]string{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		if t == nil {
			return
		}
		if _, seen := out[t.String()]; seen {
			return
		}
		want := ""
		switch t.Kind() {
		case reflect.String:
			want = "a text"
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			want = "a whole number"
		case reflect.Float32, reflect.Float64:
			want = "a number"
		case reflect.Bool:
			want = "true or false"
		case reflect.Slice, reflect.Array:
			want = "a list"
		case reflect.Map, reflect.Struct:
			want = "fields (name: value)"
		}
		if t == reflect.TypeOf(time.Duration(0)) {
			want = "a duration like 48h"
		}
		out[t.String()] = want
		switch t.Kind() {
		case reflect.Pointer:
			walk(t.Elem())
			out[t.String()] = out[t.Elem().String()]
		case reflect.Slice, reflect.Array, reflect.Map:
			walk(t.Elem())
		case reflect.Struct:
			for i := range t.NumField() {
				walk(t.Field(i).Type)
			}
		}
	}
	walk(t)
	return out
}

// nodeLine follows a path of mapping keys and sequence indexes from the
// document root and returns the line it ends on (the deepest found).
func nodeLine(root *yaml.Node, path ...any) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		var next *yaml.Node
		switch p := p.(type) {
		case string:
			for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == p {
					next = n.Content[i+1]
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && p >= 0 && p < len(n.Content) {
				next = n.Content[p]
			}
		}
		if next == nil {
			break
		}
		n, line = next, next.Line
	}
	return line
}
