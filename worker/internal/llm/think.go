package llm

import "strings"

// splitThink separates reasoning that a model wrote inline as
// <think>…</think> (MiniMax-M2, some DeepSeek and Qwen deployments) from the
// answer. An unterminated <think> block is all reasoning.
func splitThink(content string) (text, reasoning string) {
	const open, closeTag = "<think>", "</think>"
	var th []string
	for {
		i := strings.Index(content, open)
		if i < 0 {
			break
		}
		rest := content[i+len(open):]
		j := strings.Index(rest, closeTag)
		if j < 0 {
			th = append(th, strings.TrimSpace(rest))
			content = content[:i]
			break
		}
		th = append(th, strings.TrimSpace(rest[:j]))
		content = content[:i] + rest[j+len(closeTag):]
	}
	// A reply may also start inside the block when the server strips the
	// opening tag: "reasoning…</think>answer".
	if i := strings.Index(content, closeTag); i >= 0 {
		th = append([]string{strings.TrimSpace(content[:i])}, th...)
		content = content[i+len(closeTag):]
	}
	return strings.TrimSpace(content), strings.Join(nonEmpty(th), "\n\n")
}

func nonEmpty(ss []string) []string {
	out := ss[:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
