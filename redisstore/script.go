package redisstore

import "github.com/redis/go-redis/v9"

// insertScript checks an entry's band buckets and inserts the entry, in one
// server-side step: Redis runs a script atomically, so of two identical
// entries sent at once one is inserted first and the other finds it.
//
// KEYS: [1] sequence counter, [2] capped counter, [3] the ID hash and [4]
// the entry hash of the entry's own generation, then for each of the G
// generations read, oldest first, [4+i] its entry hash and [4+G+i] its
// bucket hash (i = 1..G).
//
// ARGV: [1] ID, [2] encoded entry, [3] bucket cap (0: none), [4] G, [5] the
// position (1-based) of the entry's own generation among the G, [6] key
// lifetime in milliseconds (0: none), [7..] the bucket field of each band
// (none for an entry without tokens).
//
// A bucket hash maps a field (band key) to the 4-byte
// big-endian numbers of the documents in the bucket, in insertion order;
// one HMGET reads all bands of a generation and one HSET writes them. An
// ID hash maps an ID to its number; an entry hash a number to the encoded
// entry.
//
// Reply: {existing (0/1), capped bands, n1, entry1, n2, entry2, ...} with
// the numbers and entries of the candidates: documents numbered below the
// entry's that share a bucket with it.
var insertScript = redis.NewScript(`
local id = ARGV[1]
local cap = tonumber(ARGV[3])
local ngens = tonumber(ARGV[4])
local own = tonumber(ARGV[5])
local ttl = tonumber(ARGV[6])
local nb = #ARGV - 6
local fields = {}
for b = 1, nb do
  fields[b] = ARGV[6 + b]
end

local me = redis.call('HGET', KEYS[3], id)
local existing = me ~= false
if existing then
  me = tonumber(me)
else
  me = redis.call('INCR', KEYS[1])
  if me > 4294967295 then
    return redis.error_reply('NEARDUP_FULL document numbers exhausted')
  end
end

local packed = struct.pack('>I4', me)
local seen = {}
local out = {existing and 1 or 0, 0}
local capped = 0
local writes = {}
for i = 1, ngens do
  if nb > 0 then
    local dockey = KEYS[4 + i]
    local vals = redis.call('HMGET', KEYS[4 + ngens + i], unpack(fields))
    for b = 1, nb do
      local v = vals[b]
      local n = 0
      if v then
        n = math.floor(#v / 4)
        for j = 0, n - 1 do
          local m = struct.unpack('>I4', v, j * 4 + 1)
          if m < me and not seen[m] then
            seen[m] = true
            local e = redis.call('HGET', dockey, m)
            if e then
              out[#out + 1] = m
              out[#out + 1] = e
            end
          end
        end
      end
      if not existing and i == own then
        if cap > 0 and n >= cap then
          capped = capped + 1
        elseif v then
          writes[#writes + 1] = fields[b]
          writes[#writes + 1] = v .. packed
        else
          writes[#writes + 1] = fields[b]
          writes[#writes + 1] = packed
        end
      end
    end
  end
end

if not existing then
  if #writes > 0 then
    local bkey = KEYS[4 + ngens + own]
    redis.call('HSET', bkey, unpack(writes))
    if ttl > 0 then
      redis.call('PEXPIRE', bkey, ttl)
    end
  end
  redis.call('HSET', KEYS[3], id, me)
  redis.call('HSET', KEYS[4], me, ARGV[2])
  if ttl > 0 then
    redis.call('PEXPIRE', KEYS[3], ttl)
    redis.call('PEXPIRE', KEYS[4], ttl)
  end
  if capped > 0 then
    redis.call('INCRBY', KEYS[2], capped)
  end
end
out[2] = capped
return out
`)

// deleteScript removes one entry: its ID, its encoded entry and its number
// from its buckets.
//
// KEYS: [1] ID hash, [2] entry hash, [3] bucket hash. ARGV: [1] ID, then
// the bucket fields. Reply: 1 if the ID was stored, 0 if not.
var deleteScript = redis.NewScript(`
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then
  return 0
end
local packed = struct.pack('>I4', tonumber(v))
local key = KEYS[3]
for b = 2, #ARGV do
  local f = ARGV[b]
  local cur = redis.call('HGET', key, f)
  if cur then
    local rest = {}
    for j = 1, #cur, 4 do
      local m = string.sub(cur, j, j + 3)
      if m ~= packed then
        rest[#rest + 1] = m
      end
    end
    if #rest == 0 then
      redis.call('HDEL', key, f)
    else
      redis.call('HSET', key, f, table.concat(rest))
    end
  end
end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], v)
return 1
`)
