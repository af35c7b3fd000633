// Package llm runs agents: OpenAI-compatible chat-completion models with tool
// calling (NVIDIA NIM, OpenRouter, or any compatible server such as a local
// one) and built-in baseline agents that need no key and no network. Both
// implement Agent, so the agent loop drives and records them the same way.
//
// A model turn is a tool loop: the model is offered createPosition,
// closePosition, updateExitPlan and holding; every call is parsed, checked
// against the hard risk limits and executed through a decision.Session; the
// result text goes back to the model until it calls holding, answers without
// a tool call, or reaches the step limit. Every turn yields an
// arena.Invocation with prompts, text, reasoning where the provider returns
// it, per-step telemetry, token usage, latency and cost, and a structured
// failure when it failed.
package llm
