package chat

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// The AI SDK's UI message stream protocol (v1): server-sent events whose
// data is one JSON chunk each ({"type":"start"}, text-start/-delta/-end,
// reasoning-*, tool-input-*, tool-output-*, start-step/finish-step,
// finish), ended by "data: [DONE]". The reference's /chat page reads it
// with useChat, so it works against this endpoint unchanged.

// Headers of a UI message stream response (the SDK's
// UI_MESSAGE_STREAM_HEADERS).
var streamHeaders = map[string]string{
	"Content-Type":                  "text/event-stream",
	"Cache-Control":                 "no-cache",
	"Connection":                    "keep-alive",
	"X-Vercel-Ai-Ui-Message-Stream": "v1",
	"X-Accel-Buffering":             "no",
}

// chunk is one UI message stream part; only the fields its type uses are
// set.
type chunk struct {
	Type            string `json:"type"`
	ID              string `json:"id,omitempty"`
	MessageID       string `json:"messageId,omitempty"`
	Delta           string `json:"delta,omitempty"`
	ToolCallID      string `json:"toolCallId,omitempty"`
	ToolName        string `json:"toolName,omitempty"`
	InputTextDelta  string `json:"inputTextDelta,omitempty"`
	Input           any    `json:"input,omitempty"`
	Output          any    `json:"output,omitempty"`
	ErrorText       string `json:"errorText,omitempty"`
	FinishReason    string `json:"finishReason,omitempty"`
	MessageMetadata any    `json:"messageMetadata,omitempty"`
}

// partWriter receives the chunks of one answer: sseWriter streams them,
// collector assembles the message for the JSON mode.
type partWriter interface {
	write(c chunk)
}

// sseWriter writes chunks as SSE events and flushes each one.
type sseWriter struct {
	w   io.Writer
	rc  *http.ResponseController
	err error
}

func newSSEWriter(w http.ResponseWriter) *sseWriter {
	for k, v := range streamHeaders {
		w.Header().Set(k, v)
	}
	w.WriteHeader(http.StatusOK)
	return &sseWriter{w: w, rc: http.NewResponseController(w)}
}

func (s *sseWriter) write(c chunk) {
	b, _ := json.Marshal(c) // chunk has only marshalable fields
	s.raw(b)
}

func (s *sseWriter) raw(data []byte) {
	if s.err != nil {
		return // the client is gone: the answer's context ends the loop
	}
	if _, err := fmt.Fprintf(s.w, "data: %s\n\n", data); err != nil {
		s.err = err
		return
	}
	_ = s.rc.Flush() // unsupported by unbuffered writers (Lambda streaming): nothing to flush
}

func (s *sseWriter) done() { s.raw([]byte("[DONE]")) }

// uiStream tracks the open text and reasoning blocks of an answer, so every
// delta sits between its start and end chunks, and numbers the blocks.
type uiStream struct {
	out       partWriter
	n         int
	textID    string
	reasonID  string
	toolNames map[string]string
}

func newUIStream(out partWriter, messageID string) *uiStream {
	out.write(chunk{Type: "start", MessageID: messageID})
	return &uiStream{out: out, toolNames: map[string]string{}}
}

func (u *uiStream) nextID(prefix string) string {
	u.n++
	return prefix + "_" + strconv.Itoa(u.n)
}

func (u *uiStream) text(delta string) {
	u.endReasoning()
	if u.textID == "" {
		u.textID = u.nextID("text")
		u.out.write(chunk{Type: "text-start", ID: u.textID})
	}
	u.out.write(chunk{Type: "text-delta", ID: u.textID, Delta: delta})
}

func (u *uiStream) reasoning(delta string) {
	u.endText()
	if u.reasonID == "" {
		u.reasonID = u.nextID("reasoning")
		u.out.write(chunk{Type: "reasoning-start", ID: u.reasonID})
	}
	u.out.write(chunk{Type: "reasoning-delta", ID: u.reasonID, Delta: delta})
}

func (u *uiStream) toolStart(id, name string) {
	u.endBlocks()
	u.toolNames[id] = name
	u.out.write(chunk{Type: "tool-input-start", ToolCallID: id, ToolName: name})
}

func (u *uiStream) toolDelta(id, delta string) {
	u.out.write(chunk{Type: "tool-input-delta", ToolCallID: id, InputTextDelta: delta})
}

func (u *uiStream) toolInput(id, name string, input any) {
	if _, started := u.toolNames[id]; !started {
		u.toolStart(id, name)
	}
	if input == nil {
		input = map[string]any{}
	}
	u.out.write(chunk{Type: "tool-input-available", ToolCallID: id, ToolName: name, Input: input})
}

func (u *uiStream) toolOutput(id string, output any) {
	u.out.write(chunk{Type: "tool-output-available", ToolCallID: id, Output: output})
}

func (u *uiStream) toolError(id, msg string) {
	u.out.write(chunk{Type: "tool-output-error", ToolCallID: id, ErrorText: msg})
}

func (u *uiStream) startStep() { u.out.write(chunk{Type: "start-step"}) }

func (u *uiStream) finishStep() {
	u.endBlocks()
	u.out.write(chunk{Type: "finish-step"})
}

// say writes a whole text block (a notice from the co-pilot itself).
func (u *uiStream) say(s string) {
	u.endBlocks()
	u.text(s)
	u.endText()
}

func (u *uiStream) finish(reason string, meta any) {
	u.endBlocks()
	u.out.write(chunk{Type: "finish", FinishReason: reason, MessageMetadata: meta})
}

func (u *uiStream) endBlocks() { u.endText(); u.endReasoning() }

func (u *uiStream) endText() {
	if u.textID != "" {
		u.out.write(chunk{Type: "text-end", ID: u.textID})
		u.textID = ""
	}
}

func (u *uiStream) endReasoning() {
	if u.reasonID != "" {
		u.out.write(chunk{Type: "reasoning-end", ID: u.reasonID})
		u.reasonID = ""
	}
}
