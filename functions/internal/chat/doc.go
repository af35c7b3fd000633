// Package chat is the arena's co-pilot: POST /api/chat answers questions
// about models, positions, trades and performance with an OpenAI-compatible
// model and a bounded loop of read-only tools, streaming the answer in the
// AI SDK's UI message stream protocol (SSE), or as one JSON document for
// scripts.
//
// Its SQL tool runs model-written queries only as the database role
// autonome_chat, which can read the curated views of schema chat and
// nothing else (see sqlquery.go and schema/migrations/00140_chat_readonly.sql).
package chat
