// Package web serves the facilitators' dashboard (issue 17): read-only
// pages of a community's figures under /dashboard/, for a facilitator
// signed in from chat. Pages are server-rendered (html/template), work
// without JavaScript, and draw their charts as SVG with a table behind.
package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what the dashboard needs.
type Config struct {
	Auth   Auth
	Source Source
	Clock  bot.Clock
	Log    *slog.Logger
	// Secure says the dashboard is reached over HTTPS: cookies get Secure.
	Secure bool
	// Limiter rate-limits sign-in attempts by remote address; nil: none.
	Limiter Limiter
	// Cookie makes the session cookie (bot/dashboard.Cookie); an empty
	// secret deletes it. Nil: SessionCookie.
	Cookie func(secret string, expires time.Time, secure bool) *http.Cookie
}

// Server serves the dashboard. It keeps no state between requests: every
// session is the Auth's (in the database), so any instance serves any
// request.
type Server struct {
	cfg    Config
	pages  map[string]*template.Template
	static http.Handler
	mux    *http.ServeMux
}

var _ http.Handler = (*Server)(nil)

// Prefix is where the dashboard lives.
const Prefix = "/dashboard/"

// csp allows nothing inline: styles and scripts come from /dashboard/static.
const csp = "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// New returns the dashboard's server. It panics only if its own embedded
// templates do not parse, which a test catches.
func New(cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Cookie == nil {
		cfg.Cookie = SessionCookie
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	s := &Server{cfg: cfg, pages: parsePages(), static: http.StripPrefix(Prefix+"static/", http.FileServerFS(static))}
	m := http.NewServeMux()
	m.HandleFunc("GET "+Prefix+"static/", s.serveStatic)
	m.HandleFunc("GET "+Prefix+"signin", s.signinPage)
	m.HandleFunc("POST "+Prefix+"signin", s.signin)
	m.HandleFunc("POST "+Prefix+"signout", s.signout)
	m.HandleFunc("GET "+Prefix+"{$}", s.page(s.overview))
	m.HandleFunc("GET "+Prefix+"members", s.page(s.members))
	m.HandleFunc("GET "+Prefix+"members.csv", s.signedIn(s.membersCSV))
	m.HandleFunc("GET "+Prefix+"members/{id}", s.page(s.member))
	m.HandleFunc("GET "+Prefix+"channels", s.page(s.channels))
	m.HandleFunc("GET "+Prefix+"prompts", s.page(s.prompts))
	m.HandleFunc("GET "+Prefix+"checkins", s.page(s.checkins))
	m.HandleFunc("GET "+Prefix+"events", s.page(s.events))
	m.HandleFunc("GET "+Prefix+"intros", s.page(s.intros))
	m.HandleFunc("GET "+Prefix+"library", s.page(s.library))
	m.HandleFunc("GET "+Prefix+"stories", s.page(s.stories))
	m.HandleFunc("GET "+Prefix+"impact", s.page(s.impact))
	m.HandleFunc("/", s.notFound)
	s.mux = m
	return s
}

// ServeHTTP sets the security headers every response carries, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	h.Set("Cache-Control", "no-store")
	if r.URL.Path == strings.TrimSuffix(Prefix, "/") {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "message", &view{Title: "Not found", Content: messageView{Heading: "Not found", Text: "There is no such page on the dashboard."}})
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	s.static.ServeHTTP(w, r)
}

// session returns the request's live session, if it has one; if not, why,
// when the sign-in service said (a session that ended, a facilitator no
// more), for the sign-in page.
func (s *Server) session(r *http.Request) (sess Session, why string, ok bool) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return Session{}, "", false
	}
	sess, err = s.cfg.Auth.Session(r.Context(), c.Value)
	if err != nil {
		var be *bot.Error
		if !errors.As(err, &be) {
			s.cfg.Log.Warn("dashboard: session lookup failed", "err", err)
			return Session{}, "", false
		}
		return Session{}, be.Message, false
	}
	if sess.Community == "" || (!sess.Expires.IsZero() && !s.cfg.Clock.Now().Before(sess.Expires)) {
		return Session{}, "", false
	}
	return sess, "", true
}

// signedIn runs h for requests with a live session; others get the
// sign-in page with status 401 and nothing about members.
func (s *Server) signedIn(h func(http.ResponseWriter, *http.Request, Session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, why, ok := s.session(r)
		if !ok {
			s.render(w, r, http.StatusUnauthorized, "signin", &view{Title: "Sign in", Content: signinView{Message: why}})
			return
		}
		h(w, r, sess)
	}
}

// pageFunc fills a page's view; an error that is a *bot.Error is the
// person's (status 400 with its message), any other the operator's.
type pageFunc func(ctx context.Context, r *http.Request, v *view) error

// page serves a signed-in page: the period from the query, the page's
// data, the layout.
func (s *Server) page(fill pageFunc) http.HandlerFunc {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request, sess Session) {
		v := &view{Session: sess, Path: r.URL.Path}
		p, err := parsePeriodQuery(r.URL.Query(), s.cfg.Clock.Now(), s.cfg.Source.Location())
		if err == nil {
			v.Period = p
			err = fill(r.Context(), r, v)
		}
		if err != nil {
			s.fail(w, r, v, err)
			return
		}
		s.render(w, r, http.StatusOK, v.template, v)
	})
}

// fail shows a person's error with its message and status 400 (404 for a
// member that does not exist), and logs any other.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, v *view, err error) {
	status, heading := http.StatusBadRequest, "That did not work"
	var be *bot.Error
	switch {
	case errors.Is(err, bot.ErrNotFound) || bot.ErrorCode(err) == bot.ENotFound:
		status, heading = http.StatusNotFound, "Not found"
	case !errors.As(err, &be):
		s.cfg.Log.Error("dashboard: page failed", "path", r.URL.Path, "err", err)
		status, heading = http.StatusInternalServerError, "Something went wrong"
	}
	text := bot.ErrorMessage(err)
	if status == http.StatusNotFound && be == nil {
		text = "There is no such member or page."
	}
	v.Title = heading
	v.Content = messageView{Heading: heading, Text: text}
	if v.Period.Key == "" && v.Period.From == "" {
		v.Period = defaultPeriodView()
	}
	s.render(w, r, status, "message", v)
}

// sameOrigin is the CSRF check of every POST: the browser must say the
// form came from this site (Sec-Fetch-Site), or send an Origin whose host
// is this one. A request with neither is refused: every browser that can
// show the dashboard sends one of them. The SameSite cookie is the second
// line.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return false
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}

// remoteAddr is the client's address without its port, for the limiter.
func remoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
