package slack

import (
	"reflect"
	"testing"
)

// FuzzHistoryCursor: a cursor read back from the database, whatever it
// holds, is refused with an error or decoded, never a panic; and a decoded
// one encodes to a cursor that decodes to the same position, so a resumed
// import goes on from exactly where the stored cursor says.
func FuzzHistoryCursor(f *testing.F) {
	f.Add("")
	f.Add(historyPosition{History: "dXNlcjpVMDYxTkZUVDI=", Threads: []string{"1700000000.000100"}, Replies: "abc"}.encode())
	f.Add(historyPosition{Done: true}.encode())
	f.Add("not base64 !")
	f.Add("eyJ0IjpbMSwyXX0") // {"t":[1,2]}: wrong types
	f.Fuzz(func(t *testing.T, s string) {
		p, err := decodePosition(s)
		if err != nil {
			return
		}
		again, err := decodePosition(p.encode())
		if err != nil {
			t.Fatalf("a position's own cursor %q is refused: %v", p.encode(), err)
		}
		if !reflect.DeepEqual(normalPosition(again), normalPosition(p)) {
			t.Fatalf("decode(encode(%+v)) = %+v", p, again)
		}
	})
}

// normalPosition treats an empty thread list as none, as JSON does.
func normalPosition(p historyPosition) historyPosition {
	if len(p.Threads) == 0 {
		p.Threads = nil
	}
	return p
}
