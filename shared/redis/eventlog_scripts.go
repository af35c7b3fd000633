package redis

import goredis "github.com/redis/go-redis/v9"

// The event log's multi-key steps run as Lua scripts, so each is atomic: no
// subscriber can see an event published that is not yet in the history, and
// no snapshot can be read half-updated.

// publishScript appends an event, optionally replaces the state snapshot, and
// publishes "id\nprev\ntype\nts\ndata" where prev is the ID of the event before
// it on the channel (EventIDZero for the first), so subscribers notice gaps.
// Trimming by XADD does not record what it removed (Redis 7.0 updates the
// stream's max-deleted-entry-id only on XDEL), so the script records the newest
// trimmed ID itself with XSETID; sinceScript relies on it.
//
// KEYS[1] stream, KEYS[2] state hash (optional)
// ARGV[1] pub/sub channel, ARGV[2] max length, ARGV[3] type, ARGV[4] time (unix µs),
// ARGV[5] data JSON, ARGV[6] state JSON (with KEYS[2])
var publishScript = goredis.NewScript(`
local tail = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local prev = '0-0'
if #tail > 0 then prev = tail[1][1] end
local excess = redis.call('XLEN', KEYS[1]) + 1 - tonumber(ARGV[2])
local trimmed = nil
if excess > 0 then
  local gone = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', excess)
  trimmed = gone[#gone][1]
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '=', ARGV[2], '*', 't', ARGV[3], 'ts', ARGV[4], 'd', ARGV[5])
if trimmed then
  redis.call('XSETID', KEYS[1], id, 'MAXDELETEDID', trimmed)
end
if KEYS[2] then
  redis.call('HSET', KEYS[2], 'd', ARGV[6], 'id', id)
end
redis.call('PUBLISH', ARGV[1], id .. '\n' .. prev .. '\n' .. ARGV[3] .. '\n' .. ARGV[4] .. '\n' .. ARGV[5])
return id
`)

// stateScript returns {lastID, snapshot or nil}: the snapshot's own event ID
// while it is still in the stream, otherwise the stream's newest ID.
//
// KEYS[1] stream, KEYS[2] state hash
var stateScript = goredis.NewScript(`
local st = redis.call('HMGET', KEYS[2], 'd', 'id')
local tail = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local last = '0-0'
if #tail > 0 then last = tail[1][1] end
if st[1] and st[2] and #redis.call('XRANGE', KEYS[1], st[2], st[2]) > 0 then
  last = st[2]
end
return {last, st[1]}
`)

// sinceScript returns {1, entries} when every event after ARGV[1] is still in
// the stream, {0} otherwise. That holds when ARGV[1] is itself an entry, or is
// exactly the newest entry trimmed away (trimming removes the oldest entries,
// so everything after it remains), or is 0-0 and nothing was ever trimmed. An
// ID that was never assigned (from before a data loss) is not ok.
//
// KEYS[1] stream; ARGV[1] after ID, ARGV[2] limit
var sinceScript = goredis.NewScript(`
local after = ARGV[1]
if redis.call('EXISTS', KEYS[1]) == 0 then
  if after == '0-0' then return {1} end
  return {0}
end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local trimmed = '0-0'
for i = 1, #info, 2 do
  if info[i] == 'max-deleted-entry-id' then trimmed = info[i + 1] end
end
if after ~= trimmed and #redis.call('XRANGE', KEYS[1], after, after) == 0 then
  return {0}
end
return {1, redis.call('XRANGE', KEYS[1], '(' .. after, '+', 'COUNT', ARGV[2])}
`)
