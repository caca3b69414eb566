package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// cmdHealth asks a running Hearth's /readyz and exits non-zero unless it
// answers ready. The container image has no shell or curl (distroless), so
// its HEALTHCHECK runs the binary itself.
func cmdHealth(ctx context.Context, args []string, e env) error {
	fs := newFlags("health", "health [--addr HOST:PORT] [--timeout 3s]", e)
	addr := fs.String("addr", "", "the address Hearth serves on (default: HEARTH_HTTP_ADDR)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	from := "--addr"
	if *addr == "" {
		*addr, from = e.getenv("HEARTH_HTTP_ADDR"), "HEARTH_HTTP_ADDR"
	}
	if *addr == "" {
		return &usageError{"health needs the address Hearth serves on: set HEARTH_HTTP_ADDR or pass --addr"}
	}
	url, err := readyURL(*addr)
	if err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("not healthy: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready: %s answered %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprintf(e.stdout, "ready (%s)\n", url)
	return nil
}

// readyURL turns a listen address into the URL of its /readyz: an address
// that listens on every interface (":8080", "0.0.0.0:8080", "[::]:8080")
// is asked on the loopback.
func readyURL(addr string) (string, error) {
	addr = strings.TrimPrefix(strings.TrimPrefix(addr, "http://"), "https://")
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("%q is not a HOST:PORT address: %w", addr, err)
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz", nil
}
