package dashboard

import (
	"net/http"
	"time"
)

// CookieName is the name of the session cookie.
const CookieName = "hearth_session"

// Cookie builds the session cookie carrying secret until expires. It is
// HttpOnly (no script reads it), SameSite=Lax (the sign-in link is opened
// from another site, the chat, and must set it; cross-site posts do not
// carry it), Secure when secure (Hearth is served over HTTPS), and scoped
// to /dashboard/. An empty secret builds the cookie that deletes it, for
// signing out.
func Cookie(secret string, expires time.Time, secure bool) *http.Cookie {
	c := &http.Cookie{Name: CookieName, Value: secret, Path: "/dashboard/", Expires: expires,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
	if secret == "" {
		c.Expires, c.MaxAge = time.Unix(0, 0), -1
	}
	return c
}
