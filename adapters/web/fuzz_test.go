package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hearth-community/hearth/adapters/web"
)

// FuzzDashboardQuery sends any query string to the pages that read one:
// a person gets the page, a 400 that says what is wrong, or a 404 for a
// page past the last; never a 500 or a panic.
func FuzzDashboardQuery(f *testing.F) {
	for _, s := range []string{"period=30d", "period=2w", "from=2026-01-01&to=2026-02-01", "period=9999999999999999999d", "from=2026-02-30&to=x",
		"sort=messages&dir=desc&page=2&filter=new&level=leading&q=%3Cscript%3E", "period=%00", "page=-1", "from=&to=", "period=7d..", "channel=general&q=a"} {
		f.Add(s)
	}
	r := newRig(f)
	r.activity()
	f.Fuzz(func(t *testing.T, raw string) {
		for _, path := range []string{"/dashboard/", "/dashboard/members", "/dashboard/members.csv"} {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.URL.Path, req.URL.RawQuery = path, raw
			req.AddCookie(&http.Cookie{Name: web.CookieName, Value: "s1"})
			w := httptest.NewRecorder()
			r.server.ServeHTTP(w, req)
			switch w.Code {
			case http.StatusOK, http.StatusBadRequest, http.StatusNotFound:
			default:
				t.Fatalf("%s?%s: status %d\n%s", path, raw, w.Code, w.Body)
			}
		}
	})
}
