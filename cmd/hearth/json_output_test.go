package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot/features"
)

var (
	snakeCase = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	jsonTime  = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$`)
)

// checkJSONShape walks a decoded document: every key is snake_case (no Go
// field name such as "ID" or "PausedUntil"), and every time is RFC 3339 in
// whole seconds and was set (never year 1). It returns how many times it saw.
func checkJSONShape(t *testing.T, what string, v any, path string) (times int) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if !snakeCase.MatchString(k) {
				t.Errorf("%s: key %q at %s is not snake_case", what, k, path)
			}
			times += checkJSONShape(t, what, x, path+"."+k)
		}
	case []any:
		for i, x := range v {
			times += checkJSONShape(t, what, x, fmt.Sprintf("%s[%d]", path, i))
		}
	case string:
		if m := jsonTime.FindStringSubmatch(v); m != nil {
			times++
			if m[1] != "" {
				t.Errorf("%s: %s = %s has a fraction of a second", what, path, v)
			}
			if strings.HasPrefix(v, "0001-01-01") {
				t.Errorf("%s: %s = %s is a zero time", what, path, v)
			}
		}
	}
	return times
}

// TestOfflineJSONShapes plays the transcripts, started a fraction of a
// second after their clock so that every stored time has one, and checks
// every JSON the offline commands print: export of each member, digest and
// impact at a --now with nanoseconds, report, checkins and resources.
func TestOfflineJSONShapes(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 123456789, time.UTC)
	for _, name := range []string{"checkin", "nudges", "events", "intros", "library", "pilot", "plan-month"} {
		t.Run(name, func(t *testing.T) {
			script := mustRead(t, "testdata/transcripts/"+name+".txt")
			// alice is nudged, and then asks to be forgotten: stop before.
			script, _, _ = strings.Cut(script, "alice: /hearth forget me")
			args, _ := transcriptHeader(script)
			clock := ""
			for i := range args {
				if args[i] == "--clock" {
					at, err := time.Parse(time.RFC3339, args[i+1])
					if err != nil {
						t.Fatal(err)
					}
					clock = at.Add(123456789 * time.Nanosecond).Format(time.RFC3339Nano)
				}
			}
			db := playScript(t, name, script, clock)
			commands := [][]string{
				{"digest", "--format", "json"},
				{"impact", "--since", "2026-10-01", "--format", "json"},
				{"report", "--format", "json", "--period", "30d"},
				{"resources", "--format", "json"},
				{"checkins", "--survey", "pulse", "--format", "json"},
			}
			for _, m := range []string{"alice", "bob", "carol", "dave", "erin", "nina", "oscar"} {
				commands = append(commands, []string{"export", "--member", m})
			}
			times := 0
			for _, c := range commands {
				e, stdout, stderr := testEnv("", map[string]string{})
				e.now = func() time.Time { return now }
				if err := run(context.Background(), append(append([]string{}, c...), "--db", db), e); err != nil {
					if strings.Contains(err.Error(), "keeps nothing") || strings.Contains(err.Error(), "no runs") || strings.Contains(err.Error(), "no survey") {
						continue
					}
					t.Fatalf("%s: %v\n%s", c, err, stderr)
				}
				var doc any
				if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
					t.Fatalf("%s: %v\n%s", c, err, stdout)
				}
				times += checkJSONShape(t, strings.Join(c, " "), doc, "")
			}
			if times == 0 {
				t.Error("no times seen: the test checks nothing")
			}
		})
	}
}

// Every part of what Hearth keeps about a member is in hearth export's
// JSON: a field added to features.MemberData must be added to memberExport.
func TestMemberExportHoldsEveryPart(t *testing.T) {
	keys := func(typ reflect.Type) map[string]bool {
		out := map[string]bool{}
		for f := range typ.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			out[name] = true
		}
		return out
	}
	have := keys(reflect.TypeFor[memberExport]())
	for k := range keys(reflect.TypeFor[features.MemberData]()) {
		if !have[k] {
			t.Errorf("features.MemberData's %q is not in hearth export's JSON (memberExport)", k)
		}
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// wholeSeconds truncates every time it can reach and leaves the rest,
// unexported fields included, as it was; v itself is not changed.
func TestWholeSeconds(t *testing.T) {
	at := time.Date(2026, 11, 28, 9, 30, 15, 987654321, time.UTC)
	type inner struct {
		At     time.Time
		hidden time.Time
	}
	type doc struct {
		At     time.Time
		Ptr    *inner
		Nil    *inner
		List   []inner
		ByName map[string]time.Time
		Any    any
		Bytes  []byte
		Note   string
	}
	in := doc{At: at, Ptr: &inner{At: at, hidden: at}, List: []inner{{At: at}}, ByName: map[string]time.Time{"a": at},
		Any: inner{At: at}, Bytes: []byte("x"), Note: "2026-11-28T09:30:15.987Z"}
	out := wholeSeconds(in).(doc)
	want := at.Truncate(time.Second)
	if !out.At.Equal(want) || !out.Ptr.At.Equal(want) || !out.List[0].At.Equal(want) || !out.ByName["a"].Equal(want) || !out.Any.(inner).At.Equal(want) {
		t.Errorf("a time kept its fraction: %+v", out)
	}
	if out.Nil != nil || string(out.Bytes) != "x" || out.Note != in.Note || !out.Ptr.hidden.Equal(at) {
		t.Errorf("something else changed: %+v", out)
	}
	if !in.At.Equal(at) || !in.Ptr.At.Equal(at) || !in.List[0].At.Equal(at) || !in.ByName["a"].Equal(at) {
		t.Errorf("the original changed: %+v", in)
	}
}
