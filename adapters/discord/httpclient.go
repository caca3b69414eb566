package discord

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// The HTTP client discordgo talks through: the API address a test or proxy
// gives, rewritten on every request.

// httpClient returns a client whose transport sends Discord API requests
// to apiURL: a per-session rewrite, so discordgo's package-level endpoint
// variables stay untouched and adapters can run side by side.
func httpClient(c *http.Client, apiURL string) (*http.Client, error) {
	client := &http.Client{Timeout: 20 * time.Second}
	if c != nil {
		cc := *c
		client = &cc
	}
	base := client.Transport
	if base == nil {
		base = http.DefaultTransport
		if t, ok := base.(*http.Transport); ok {
			base = t.Clone() // this session's own connection pool
		}
	}
	apiURL = strings.TrimSpace(apiURL)
	if apiURL == "" || strings.TrimSuffix(apiURL, "/") == strings.TrimSuffix(DefaultAPIURL, "/") {
		client.Transport = base
		return client, nil
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("discord: DISCORD_API_URL %q is not an http(s) URL", apiURL)
	}
	client.Transport = &apiRewriter{base: base, from: discordgo.EndpointAPI, to: strings.TrimSuffix(u.String(), "/") + "/"}
	return client, nil
}

// apiRewriter sends requests for Discord's API to another base URL.
type apiRewriter struct {
	base     http.RoundTripper
	from, to string
}

func (t *apiRewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	orig := r.URL.Scheme + "://" + r.URL.Host + r.URL.EscapedPath()
	rest, ok := strings.CutPrefix(orig, t.from)
	if !ok {
		return t.base.RoundTrip(r)
	}
	target := t.to + rest
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	r2 := r.Clone(r.Context())
	r2.URL = u
	r2.Host = u.Host
	return t.base.RoundTrip(r2)
}
