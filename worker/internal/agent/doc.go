// Package agent runs one decision of one model: it gathers what the model is
// shown (its account and positions, the cycle's market intelligence, its
// standing within its variant, its performance and its earlier decisions:
// the latest per symbol, what became of them and the cooldowns they set),
// renders the prompts, runs the model's agent with the
// trading tools against the simulator, and records the turn (the
// invocation, every tool call, the model's counters) before publishing it
// to the dashboards.
//
// Everything that is the same for every model of a decision cycle (market
// intelligence, standings, the models' counters) is built once per cycle
// slot and shared. A decision never overlaps another of the same model: the
// database refuses a second running invocation.
package agent
