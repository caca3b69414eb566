package shell

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// LineClaimer remembers which lines were applied, so a replayed script
// does not apply them twice. The SQLite store implements it. ClaimLine
// reports whether this call recorded the line: of any number of callers,
// exactly one gets true for a (community, hash).
type LineClaimer interface {
	ClaimLine(ctx context.Context, community, hash string, at time.Time) (bool, error)
}

// lineIdentity is a member line's identity: a hash of the community, the
// member, the instant and the line as written. Replaying a script with the
// same --clock gives every line the same identity; two different lines
// differ in the member, the second or the words. Hearth's own posts are not
// part of it, so identities do not shift when a replay posts less.
//
// In real time two lines may come within one clock reading (a piped
// script), so a count of the session's member lines is added: real time
// is never replayed. Callers hold mu.
func (a *Adapter) lineIdentity(who, raw string, now time.Time) string {
	h := sha256.New()
	h.Write([]byte(a.community.ID + "\x00" + who + "\x00" + strconv.FormatInt(now.UnixNano(), 10) + "\x00" + raw))
	if a.simulated == nil {
		a.memberLines++
		h.Write([]byte("\x00" + strconv.Itoa(a.memberLines)))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// messageID is the platform id of a member's message: its millisecond
// and its line's identity.
func messageID(now time.Time, identity string) string {
	return strconv.FormatInt(now.UnixMilli(), 10) + "." + identity[:16]
}

// postID is the platform id of one of Hearth's posts: its millisecond and
// a hash of where it went and what it said, so a replay that posts it
// again gives it the same id whatever was posted before it. The same post
// at the same instant again in one session gets a count. Callers hold mu.
func (a *Adapter) postID(now time.Time, channel, thread, text string) string {
	sum := sha256.Sum256([]byte(a.community.ID + "\x00" + channel + "\x00" + thread + "\x00" + text))
	id := strconv.FormatInt(now.UnixMilli(), 10) + ".h" + hex.EncodeToString(sum[:8])
	if a.postIDs == nil || a.postIDsAt != now.UnixMilli() {
		// Only posts of one instant can collide: forget the others.
		a.postIDs, a.postIDsAt = map[string]int{}, now.UnixMilli()
	}
	a.postIDs[id]++
	if n := a.postIDs[id]; n > 1 {
		id += "." + strconv.Itoa(n)
	}
	return id
}
