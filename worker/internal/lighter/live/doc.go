// Package live trades one model's account on the Lighter venue: it signs
// with package signer and talks REST through package venue. It keeps the API
// key's nonce (fetched, incremented, resynchronised when the venue refuses
// one), sets a market's leverage on the venue before the first order there,
// rounds prices and sizes to the market's ticks and lots, gives every order a
// unique client order index, and applies hard brakes before anything is
// signed: max notional, max leverage, max daily loss, and a kill switch that
// cancels all open orders and refuses new ones. In dry-run mode every
// transaction is signed and logged but never sent. Reconcile compares the
// venue's positions and open orders with the ones the caller expects and
// halts trading on any difference, saying exactly what differs.
//
// Account is one model trading live: the agents' orders go through its
// Trader, the venue's fills arrive on the account WebSocket channel and are
// booked into the arena's ledger (the simulator), and Run reconciles the two
// every interval and after every reconnect, reporting through Status.
package live
