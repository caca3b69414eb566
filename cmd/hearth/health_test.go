package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealthAsksReadyz(t *testing.T) {
	ready := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		if !ready {
			http.Error(w, "database not ready", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	var out bytes.Buffer
	e := env{getenv: func(k string) string {
		if k == "HEARTH_HTTP_ADDR" {
			return ":" + port // every interface: asked on the loopback
		}
		return ""
	}, stdout: &out, stderr: &out}
	if err := run(context.Background(), []string{"health"}, e); err != nil {
		t.Fatalf("health on a ready server: %v", err)
	}
	if !strings.Contains(out.String(), "ready") {
		t.Errorf("health printed %q", out.String())
	}

	ready = false
	err := run(context.Background(), []string{"health", "--addr", "127.0.0.1:" + port}, e)
	if err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "database not ready") {
		t.Errorf("health on an unready server: %v", err)
	}

	srv.Close()
	if err := run(context.Background(), []string{"health", "--addr", "127.0.0.1:" + port}, e); err == nil {
		t.Error("health with nothing listening succeeded")
	}
}

func TestHealthNeedsAnAddress(t *testing.T) {
	var out bytes.Buffer
	e := env{getenv: func(string) string { return "" }, stdout: &out, stderr: &out}
	err := run(context.Background(), []string{"health"}, e)
	if err == nil || !strings.Contains(err.Error(), "HEARTH_HTTP_ADDR") {
		t.Errorf("health without an address: %v", err)
	}
	err = run(context.Background(), []string{"health", "--addr", "8080"}, e)
	if err == nil || !strings.Contains(err.Error(), "HOST:PORT") {
		t.Errorf("health with a bad address: %v", err)
	}
}

func TestReadyURL(t *testing.T) {
	for in, want := range map[string]string{
		":8080":          "http://127.0.0.1:8080/readyz",
		"0.0.0.0:80":     "http://127.0.0.1:80/readyz",
		"[::]:80":        "http://127.0.0.1:80/readyz",
		"10.0.0.5:9000":  "http://10.0.0.5:9000/readyz",
		"[::1]:8080":     "http://[::1]:8080/readyz",
		"http://h:1":     "http://h:1/readyz",
		"localhost:8080": "http://localhost:8080/readyz",
	} {
		got, err := readyURL(in)
		if err != nil || got != want {
			t.Errorf("readyURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
