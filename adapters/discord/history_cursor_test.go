package discord

import "testing"

// FuzzHistoryCursor: a cursor read back from the database, whatever it
// holds, is refused with an error or parsed, never a panic; and a parsed
// one writes a cursor that parses to the same position, so a resumed
// import goes on from exactly where the stored cursor says.
func FuzzHistoryCursor(f *testing.F) {
	for _, s := range []string{"", "m:", "m:1234567890", "a:42", "t:42:99", "t::1", "t:42", "x:1", "m", ":::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			return
		}
		again, err := parseCursor(c.String())
		if err != nil {
			t.Fatalf("a cursor's own string %q is refused: %v", c.String(), err)
		}
		if again != c {
			t.Fatalf("parse(%q) = %+v, but parse of its string %q = %+v", s, c, c.String(), again)
		}
	})
}
