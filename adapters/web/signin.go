package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// signinView is the sign-in page: a button that POSTs the link's token
// (Token set), or how to get a link.
type signinView struct {
	Token     string
	Message   string // why the last attempt failed, or that the person signed out
	SignedOut bool
}

// signinPage shows the link's "Sign in" button. A GET never consumes the
// token: link previewers in chat open URLs, and must not burn the link.
func (s *Server) signinPage(w http.ResponseWriter, r *http.Request) {
	v := signinView{Token: r.URL.Query().Get("token"), SignedOut: r.URL.Query().Get("out") == "1"}
	if len(v.Token) > 512 {
		v.Token, v.Message = "", "This sign-in link is not one Hearth made. Ask for a new one with /hearth dashboard."
	}
	s.render(w, r, http.StatusOK, "signin", &view{Title: "Sign in", Content: v})
}

// signin consumes the token and starts the session.
func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		s.forbidden(w, r)
		return
	}
	if s.cfg.Limiter != nil && !s.cfg.Limiter.Allow(remoteAddr(r)) {
		w.Header().Set("Retry-After", "60")
		s.render(w, r, http.StatusTooManyRequests, "signin", &view{Title: "Sign in", Content: signinView{Message: "Too many sign-in attempts from here. Wait a minute and try again."}})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	token := r.PostFormValue("token")
	sess, secret, err := s.cfg.Auth.SignIn(r.Context(), token)
	if err != nil {
		var be *bot.Error
		if !errors.As(err, &be) {
			s.cfg.Log.Error("dashboard: sign-in failed", "err", err)
		}
		s.render(w, r, http.StatusForbidden, "signin", &view{Title: "Sign in", Content: signinView{Message: bot.ErrorMessage(err)}})
		return
	}
	http.SetCookie(w, s.cfg.Cookie(secret, sess.Expires, s.cfg.Secure))
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

// signout ends this session, or with everywhere=1 every session of its
// facilitator, and deletes the cookie.
func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		s.forbidden(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if c, err := r.Cookie(CookieName); err == nil && c.Value != "" {
		end := s.cfg.Auth.SignOut
		if r.PostFormValue("everywhere") == "1" {
			end = s.cfg.Auth.SignOutEverywhere
		}
		if err := end(r.Context(), c.Value); err != nil {
			var be *bot.Error
			if !errors.As(err, &be) {
				s.cfg.Log.Error("dashboard: sign-out failed", "err", err)
				s.render(w, r, http.StatusInternalServerError, "message", &view{Title: "Something went wrong", Content: messageView{Heading: "Something went wrong", Text: bot.Apology}})
				return
			}
		}
	}
	http.SetCookie(w, s.cfg.Cookie("", time.Unix(0, 0), s.cfg.Secure))
	http.Redirect(w, r, Prefix+"signin?out=1", http.StatusSeeOther)
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusForbidden, "message", &view{Title: "Refused", Content: messageView{Heading: "Refused", Text: "This form did not come from the dashboard's own page, so it was refused."}})
}
