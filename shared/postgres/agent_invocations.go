package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/autonome-go/autonome/shared/arena"
)

// Agents is the worker's side of the agent tables: it records decisions
// ("Invocations", "ToolCalls", the "Models" counters), tracks decision
// cycles, writes and rolls up equity snapshots, and reads what a decision
// needs to know about the past. Every write that belongs together happens
// in one transaction.
type Agents struct {
	pool *pgxpool.Pool
}

// NewAgents returns the store on pool.
func NewAgents(pool *pgxpool.Pool) *Agents { return &Agents{pool: pool} }

// abandonedFailure is what a decision left running by a dead worker is
// recorded as.
const abandonedFailure = `{"failureReason": "timeout", "failure": {"reason": "timeout", "code": "abandoned",
	"message": "the decision did not finish before the decision timeout; its worker stopped or hung"}}`

// BeginInvocation records that a decision of modelID for cycleSlot starts:
// a 'running' row with id, created at startedAt. It returns
// arena.ErrDecisionRecorded when the slot already has a row and arena.ErrModelBusy when
// another decision of the model is running. A running row of the model
// last touched before staleBefore is a decision whose worker died: it is
// failed as abandoned (and counted as a failed workflow) and the new
// decision starts.
func (s *Agents) BeginInvocation(ctx context.Context, id, modelID, cycleSlot string, startedAt, staleBefore time.Time) error {
	err := s.insertRunning(ctx, id, modelID, cycleSlot, startedAt)
	if !errors.Is(err, arena.ErrModelBusy) {
		return err
	}
	abandoned, aerr := s.abandon(ctx, modelID, staleBefore)
	if aerr != nil || !abandoned {
		return errors.Join(err, aerr)
	}
	return s.insertRunning(ctx, id, modelID, cycleSlot, startedAt)
}

func (s *Agents) insertRunning(ctx context.Context, id, modelID, cycleSlot string, startedAt time.Time) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO "Invocations" ("id", "modelId", "status", "cycleSlot", "createdAt", "updatedAt")
		VALUES ($1, $2, 'running', $3, $4, $4)`, id, modelID, cycleSlot, startedAt)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		switch pe.ConstraintName {
		case "Invocations_modelId_cycleSlot_key":
			return arena.ErrDecisionRecorded
		case "Invocations_one_running_per_model":
			return arena.ErrModelBusy
		}
	}
	if err != nil {
		return fmt.Errorf("insert invocation: %w", err)
	}
	return nil
}

// abandon fails the model's running rows not touched since staleBefore and
// counts them on the model, in one statement; it reports whether it failed
// any.
func (s *Agents) abandon(ctx context.Context, modelID string, staleBefore time.Time) (bool, error) {
	var n int
	err := s.pool.QueryRow(ctx, `
		WITH ab AS (
			UPDATE "Invocations" SET "status" = 'failed', "failureReason" = 'timeout', "updatedAt" = now(),
			       "response" = CASE WHEN "response" = '' THEN 'Decision abandoned: it did not finish before the decision timeout.' ELSE "response" END,
			       "responsePayload" = coalesce("responsePayload", '{}'::jsonb) || $3::jsonb
			WHERE "modelId" = $1 AND "status" = 'running' AND "updatedAt" < $2
			RETURNING 1
		), m AS (
			UPDATE "Models" SET "failedWorkflowCount" = "failedWorkflowCount" + (SELECT count(*) FROM ab), "updatedAt" = now()
			WHERE "id" = $1 AND EXISTS (SELECT 1 FROM ab)
			RETURNING 1
		)
		SELECT count(*) FROM ab`, modelID, staleBefore, abandonedFailure).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("fail abandoned invocations: %w", err)
	}
	return n > 0, nil
}

// InvocationStatus returns the status of the model's invocation for
// cycleSlot; ok is false when there is none.
func (s *Agents) InvocationStatus(ctx context.Context, modelID, cycleSlot string) (status string, ok bool, err error) {
	err = s.pool.QueryRow(ctx, `SELECT "status" FROM "Invocations" WHERE "modelId" = $1 AND "cycleSlot" = $2`,
		modelID, cycleSlot).Scan(&status)
	if IsNotFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read invocation status: %w", err)
	}
	return status, true, nil
}

// FinishInvocation stores a decision's outcome in one statement (so
// atomically, in one round trip): the invocation row (which must still be
// running), its tool calls, and the model's counters. A success adds one
// invocation and the real minutes since the model's previous decision
// started (0 for its first); a failure adds one failed workflow and is
// never counted as an invocation. Failed tool calls are counted either way.
func (s *Agents) FinishInvocation(ctx context.Context, f arena.FinishedInvocation) error {
	status, reason := arena.StatusSuccess, (*string)(nil)
	if f.Failure != nil {
		r := string(*f.Failure)
		status, reason = arena.StatusFailed, &r
	}
	n := len(f.ToolCalls)
	ids, types, metas := make([]string, n), make([]string, n), make([]string, n)
	oks, ats := make([]bool, n), make([]time.Time, n)
	for i, c := range f.ToolCalls {
		ids[i], types[i], metas[i], oks[i], ats[i] = c.ID, string(c.Type), c.Metadata, c.Success, c.CreatedAt
	}
	var done bool
	err := s.pool.QueryRow(ctx, `
		WITH inv AS (
			UPDATE "Invocations" SET "status" = $2, "failureReason" = $3, "response" = $4, "responsePayload" = NULLIF($5, '')::jsonb,
			       "latencyMs" = $6, "inputTokens" = $7, "outputTokens" = $8, "costUsd" = $9::numeric, "updatedAt" = $10
			WHERE "id" = $1 AND "status" = 'running'
			RETURNING "createdAt"
		), calls AS (
			INSERT INTO "ToolCalls" ("id", "invocationId", "toolCallType", "metadata", "success", "createdAt", "updatedAt")
			SELECT c.id, $1, c.t::"ToolCallType", c.m, c.ok, c.at, c.at
			FROM unnest($11::text[], $12::text[], $13::text[], $14::bool[], $15::timestamptz[]) AS c(id, t, m, ok, at)
			WHERE EXISTS (SELECT 1 FROM inv)
			RETURNING 1
		), counted AS (
			UPDATE "Models" m SET
				"invocationCount" = m."invocationCount" + CASE WHEN $16 THEN 1 ELSE 0 END,
				"totalMinutes" = m."totalMinutes" + CASE WHEN $16 THEN coalesce((
					SELECT round(extract(epoch FROM (inv."createdAt" - max(p."createdAt"))) / 60)::int
					FROM "Invocations" p
					WHERE p."modelId" = m."id" AND p."id" <> $1 AND p."status" <> 'running' AND p."createdAt" < inv."createdAt"), 0) ELSE 0 END,
				"failedWorkflowCount" = m."failedWorkflowCount" + CASE WHEN $16 THEN 0 ELSE 1 END,
				"failedToolCallCount" = m."failedToolCallCount" + $17,
				"updatedAt" = now()
			FROM inv WHERE m."id" = $18
			RETURNING 1
		)
		SELECT EXISTS (SELECT 1 FROM inv), (SELECT count(*) FROM calls), (SELECT count(*) FROM counted)`,
		f.ID, status, reason, f.Response, string(f.Payload), clampInt32(f.LatencyMS), clampInt32(f.InputTokens),
		clampInt32(f.OutputTokens), f.CostUSD.String(), f.FinishedAt,
		ids, types, metas, oks, ats, f.Failure == nil, f.FailedToolCalls, f.ModelID).Scan(&done, new(int), new(int))
	if err != nil {
		return fmt.Errorf("record invocation: %w", err)
	}
	if !done {
		return arena.ErrNotRunning
	}
	return nil
}

// clampInt32 fits v into an integer column.
func clampInt32(v int64) int64 {
	const maxInt32 = 1<<31 - 1
	return max(0, min(v, maxInt32))
}

// FailInvocation closes a running invocation as failed with only f (its
// tool calls and payload left out), counting a failed workflow on the
// model: the fallback when the decision's full record could not be stored,
// so a row is never left running. It returns arena.ErrNotRunning when the row is
// no longer running.
func (s *Agents) FailInvocation(ctx context.Context, id, modelID string, f arena.Failure, at time.Time) error {
	payload, err := json.Marshal(map[string]any{"failureReason": f.Reason, "failure": f, "error": f.Message})
	if err != nil {
		return fmt.Errorf("encode failure: %w", err)
	}
	var done bool
	err = s.pool.QueryRow(ctx, `
		WITH inv AS (
			UPDATE "Invocations" SET "status" = 'failed', "failureReason" = $3, "response" = $4, "responsePayload" = $5::jsonb, "updatedAt" = $6
			WHERE "id" = $1 AND "status" = 'running'
			RETURNING 1
		), counted AS (
			UPDATE "Models" SET "failedWorkflowCount" = "failedWorkflowCount" + 1, "updatedAt" = now()
			WHERE "id" = $2 AND EXISTS (SELECT 1 FROM inv)
			RETURNING 1
		)
		SELECT EXISTS (SELECT 1 FROM inv), (SELECT count(*) FROM counted)`,
		id, modelID, string(f.Reason), "Decision failed ("+string(f.Reason)+"/"+f.Code+"): "+f.Message, string(payload), at).Scan(&done, new(int))
	if err != nil {
		return fmt.Errorf("fail invocation: %w", err)
	}
	if !done {
		return arena.ErrNotRunning
	}
	return nil
}

// LastSlotFailure returns the failure recorded by the latest failed attempt
// of the model's decision for cycleSlot (its retries are cycleSlot#n), or
// nil when none failed.
func (s *Agents) LastSlotFailure(ctx context.Context, modelID, cycleSlot string) (*arena.Failure, error) {
	var raw []byte
	err := s.pool.QueryRow(ctx, `
		SELECT coalesce("responsePayload"->'failure', jsonb_build_object('reason', "failureReason", 'message', "response"))
		FROM "Invocations"
		WHERE "modelId" = $1 AND ("cycleSlot" = $2 OR starts_with("cycleSlot", $2 || '#')) AND "status" = 'failed'
		ORDER BY "createdAt" DESC LIMIT 1`, modelID, cycleSlot).Scan(&raw)
	if IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the slot's last failure: %w", err)
	}
	var f arena.Failure
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("decode the slot's last failure: %w", err)
	}
	return &f, nil
}
