package llm

import "context"

// turnKey carries a model call's turn in its context.
type turnKey struct{}

// Turn names the agent turn a model call belongs to: the account deciding
// and the invocation recording the turn.
type Turn struct {
	Account    string
	Invocation string
}

// WithTurn marks ctx's model calls as t's: a recording transport (the live
// season's call recorder) reads it from the request's context.
func WithTurn(ctx context.Context, t Turn) context.Context {
	return context.WithValue(ctx, turnKey{}, t)
}

// TurnOf is the turn ctx's calls belong to, if WithTurn named one.
func TurnOf(ctx context.Context) (Turn, bool) {
	t, ok := ctx.Value(turnKey{}).(Turn)
	return t, ok
}
