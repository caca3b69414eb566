package fakeslack

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// The two endpoints beside the Web API: response_url posts and file uploads.

// serveResponse records a message posted to a response_url.
func (s *Server) serveResponse(w http.ResponseWriter, r *http.Request) {
	var raw map[string]any
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	resp := Response{URL: s.hs.URL + r.URL.Path, Raw: raw}
	resp.ResponseType, _ = raw["response_type"].(string)
	resp.Text, _ = raw["text"].(string)
	resp.ReplaceOriginal, _ = raw["replace_original"].(bool)
	if bs, ok := raw["blocks"].([]any); ok {
		for _, b := range bs {
			if bm, ok := b.(map[string]any); ok {
				resp.Blocks = append(resp.Blocks, bm)
			}
		}
	}
	// Slack answers a refused response_url post with HTTP 400 and the
	// bare code (slackapi/java-slack-sdk#1017).
	s.mu.Lock()
	if fs := s.faults["response_url"]; len(fs) > 0 {
		s.faults["response_url"] = fs[1:]
		s.mu.Unlock()
		http.Error(w, fs[0].code, http.StatusBadRequest)
		return
	}
	s.mu.Unlock()
	if r := CheckMessage(resp.Text, resp.Blocks); r != nil {
		http.Error(w, r.Code, http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.responses = append(s.responses, resp)
	s.notifyLocked()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// serveUpload receives a file's bytes at the URL files.getUploadURLExternal
// returned, as a raw body or a multipart form with a "file" part.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/upload/")
	var data []byte
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		f, _, err := r.FormFile("file")
		if err != nil {
			http.Error(w, "no file", http.StatusBadRequest)
			return
		}
		data, _ = io.ReadAll(f)
		f.Close()
	} else {
		data, _ = io.ReadAll(r.Body)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	up, ok := s.uploads[id]
	if !ok {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if len(data) != up.length {
		http.Error(w, "length mismatch", http.StatusBadRequest)
		return
	}
	up.data = data
	s.notifyLocked()
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprintf(w, "OK - %d", len(data))
}

// checkInputs refuses a modal whose plain-text input starts with a value
// longer than its max_length (Slack counts characters).
func checkInputs(blocks []map[string]any) string {
	for _, b := range blocks {
		el, _ := b["element"].(map[string]any)
		if el == nil || el["type"] != "plain_text_input" {
			continue
		}
		v, _ := el["initial_value"].(string)
		if n, ok := el["max_length"].(float64); ok && float64(len([]rune(v))) > n {
			return "invalid_arguments"
		}
	}
	return ""
}

func textOf(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	t, _ := m["text"].(string)
	return t
}
