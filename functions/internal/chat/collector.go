package chat

// collector assembles the chunks of an answer into one UI message, the
// shape the AI SDK's readUIMessageStream builds from the stream, for the
// plain-JSON mode.
type collector struct {
	msg    Message
	open   map[string]int // text/reasoning block id -> part index
	tools  map[string]int // tool call id -> part index
	reason string
	meta   any
}

// Message is an answer as a UI message.
type Message struct {
	ID    string `json:"id"`
	Role  string `json:"role"`
	Parts []Part `json:"parts"`
}

// Part is one part of a UI message.
type Part struct {
	Type       string `json:"type"` // text, reasoning, step-start, tool-<name>
	Text       string `json:"text,omitempty"`
	State      string `json:"state,omitempty"`
	ToolCallID string `json:"toolCallId,omitempty"`
	Input      any    `json:"input,omitempty"`
	Output     any    `json:"output,omitempty"`
	ErrorText  string `json:"errorText,omitempty"`
}

func newCollector() *collector {
	return &collector{msg: Message{Role: "assistant", Parts: []Part{}}, open: map[string]int{}, tools: map[string]int{}}
}

func (c *collector) write(ch chunk) {
	switch ch.Type {
	case "start":
		c.msg.ID = ch.MessageID
	case "start-step":
		c.msg.Parts = append(c.msg.Parts, Part{Type: "step-start"})
	case "text-start", "reasoning-start":
		c.open[ch.ID] = len(c.msg.Parts)
		c.msg.Parts = append(c.msg.Parts, Part{Type: ch.Type[:len(ch.Type)-len("-start")], State: "streaming"})
	case "text-delta", "reasoning-delta":
		c.msg.Parts[c.open[ch.ID]].Text += ch.Delta
	case "text-end", "reasoning-end":
		c.msg.Parts[c.open[ch.ID]].State = "done"
	case "tool-input-start":
		c.tools[ch.ToolCallID] = len(c.msg.Parts)
		c.msg.Parts = append(c.msg.Parts, Part{Type: "tool-" + ch.ToolName, ToolCallID: ch.ToolCallID, State: "input-streaming"})
	case "tool-input-available":
		p := &c.msg.Parts[c.tools[ch.ToolCallID]]
		p.Input, p.State = ch.Input, "input-available"
	case "tool-output-available":
		p := &c.msg.Parts[c.tools[ch.ToolCallID]]
		p.Output, p.State = ch.Output, "output-available"
	case "tool-output-error":
		p := &c.msg.Parts[c.tools[ch.ToolCallID]]
		p.ErrorText, p.State = ch.ErrorText, "output-error"
	case "finish":
		c.reason, c.meta = ch.FinishReason, ch.MessageMetadata
	}
}
