package arena

import "time"

// Model is an account of one model under one variant: what the "Models"
// table holds and every reader shows. It carries nothing secret (exchange
// credentials live elsewhere). The account's id is the model's ID.
type Model struct {
	ID            string
	Name          string
	ProviderModel string // the provider's model id ("openRouterModelName")
	Variant       Variant
	Provider      Provider
	Kind          ModelKind
	Active        bool
	CreatedAt     time.Time
	// RunStatus is RunActive, or RunNoKey when the worker found no API key
	// for the seat at its last start; RunHint then says how to enable it.
	RunStatus string
	RunHint   string
}

// Run statuses of a seat.
const (
	RunActive = "active"
	RunNoKey  = "no_key"
)
