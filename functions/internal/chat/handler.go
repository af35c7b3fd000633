package chat

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/autonome-go/autonome/shared/bearer"
)

// Handler serves POST /api/chat.
type Handler struct {
	opt    Options
	client *client
	tools  *toolbox
	views  *viewSchema
	budget *budget
	limit  *perClient
	tokens *bearer.Set
}

// NewHandler builds the co-pilot from opt.
func NewHandler(opt Options) (*Handler, error) {
	if err := opt.validate(); err != nil {
		return nil, err
	}
	l := opt.Limits
	return &Handler{
		opt:    opt,
		client: &client{ep: opt.Endpoint, http: opt.HTTPClient, maxBytes: opt.MaxResponseBytes},
		tools:  &toolbox{pool: opt.Pool, sql: newSQLRunner(opt.Pool, l.SQL), timeout: l.ToolTimeout},
		views:  &viewSchema{pool: opt.Pool},
		budget: &budget{pool: opt.Pool, limit: l.DailyTokens, now: opt.Now, log: opt.Logger},
		limit:  newPerClient(l.RatePerMinute, l.RateBurst, opt.Now),
		tokens: bearer.NewSet(opt.Token),
	}, nil
}

// errorBody is the JSON of a request refused before an answer starts.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	var b errorBody
	b.Error.Code, b.Error.Message = code, msg
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(b)
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "METHOD_NOT_SUPPORTED", "POST a conversation to /api/chat")
		return
	}
	if h.tokens.Len() > 0 && !h.tokens.Authorized(r) {
		w.Header().Set("WWW-Authenticate", bearer.Scheme)
		writeError(w, http.StatusUnauthorized, "UNAUTHORIZED", "the co-pilot needs its token (CHAT_TOKEN) as a bearer token")
		return
	}
	if ok, wait := h.limit.allow(h.opt.Clients.Addr(r)); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		writeError(w, http.StatusTooManyRequests, "RATE_LIMITED", fmt.Sprintf("too many questions from this address; ask again in %d s", wait))
		return
	}
	convo, status, err := h.decode(w, r)
	if err != nil {
		writeError(w, status, "BAD_REQUEST", err.Error())
		return
	}
	asJSON := wantsJSON(r)
	if !h.opt.Endpoint.Configured() {
		h.notConfigured(w, asJSON)
		return
	}
	if ok, err := h.budget.open(r.Context()); err != nil {
		h.opt.Logger.Warn("chat: read the token budget", "err", err)
		writeError(w, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "the database is not answering; try again shortly")
		return
	} else if !ok {
		writeError(w, http.StatusTooManyRequests, "BUDGET_EXHAUSTED",
			fmt.Sprintf("the co-pilot has used today's token budget (CHAT_DAILY_TOKENS=%d); it is available again after 00:00 UTC", h.opt.Limits.DailyTokens))
		return
	}
	views, err := h.views.describe(r.Context())
	if err != nil {
		h.opt.Logger.Warn("chat: describe views", "err", err)
		writeError(w, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "the database is not answering; try again shortly")
		return
	}
	sys := systemPrompt(views, h.opt.Now(), h.opt.Limits)
	convo = append([]wireMessage{{Role: "system", Content: &sys}}, convo...)
	h.respond(w, r, convo, asJSON)
}

func (h *Handler) decode(w http.ResponseWriter, r *http.Request) ([]wireMessage, int, error) {
	r.Body = http.MaxBytesReader(w, r.Body, h.opt.Limits.MaxBody)
	var req request
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) {
			return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("the body is larger than %d bytes", h.opt.Limits.MaxBody)
		}
		return nil, http.StatusBadRequest, errors.New(`the body must be JSON: {"messages": [{"role": "user", "parts": [{"type": "text", "text": "…"}]}]} (or "content": "…" instead of parts)`)
	}
	convo, err := req.conversation(h.opt.Limits.MaxHistory)
	if err != nil {
		return nil, http.StatusBadRequest, err
	}
	return convo, 0, nil
}

// wantsJSON selects the plain-JSON mode: ?format=json, or an Accept header
// asking for JSON and not for an event stream.
func wantsJSON(r *http.Request) bool {
	if r.URL.Query().Get("format") == "json" {
		return true
	}
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/event-stream")
}

// result is the plain-JSON answer.
type result struct {
	Message Message `json:"message"`
	outcome
}

func (h *Handler) respond(w http.ResponseWriter, r *http.Request, convo []wireMessage, asJSON bool) {
	id := "msg_" + uuid.NewString()
	if asJSON {
		c := newCollector()
		out := h.answer(r.Context(), convo, newUIStream(c, id))
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(result{Message: c.msg, outcome: out})
		return
	}
	sse := newSSEWriter(w)
	ui := newUIStream(sse, id)
	out := h.answer(r.Context(), convo, ui)
	ui.finish(out.FinishReason, out)
	sse.done()
}

func (h *Handler) notConfigured(w http.ResponseWriter, asJSON bool) {
	msg := h.opt.Endpoint.NotConfigured()
	if asJSON {
		writeError(w, http.StatusServiceUnavailable, "NOT_CONFIGURED", msg)
		return
	}
	sse := newSSEWriter(w)
	ui := newUIStream(sse, "msg_"+uuid.NewString())
	ui.startStep()
	ui.say(msg)
	ui.finishStep()
	ui.finish("other", nil)
	sse.done()
}
