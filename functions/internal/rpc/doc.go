// Package rpc is the API's net/http handler: the oRPC wire protocol (the one
// the reference frontend's @orpc/client RPCLink speaks) and the procedures
// behind it. Reads come from Postgres and from the latest marks in Redis;
// writes become commands the worker executes.
//
// Wire format (see orpc-protocol.md): POST /api/rpc/{namespace}/{procedure}
// with body {"json": input, "meta": [...]}; a success is {"json": output,
// "meta": [[1, "path", 0, "field"], ...]} where each meta entry marks a Date
// by its path; an error is {"json": {"defined": false, "code", "status",
// "message", "data"}, "meta": []} with an HTTP status to match.
package rpc
