// Package venue is a REST client for the Lighter venue: the request and
// response shapes of the endpoints live trading needs, taken from the venue's
// OpenAPI document (shipped in its official client, npm zklighter-perps) and
// checked against it by shapes_test.go. Amounts the venue sends as decimal
// strings stay strings here; callers convert them at the edge.
package venue
