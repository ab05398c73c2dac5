package redisstore

import "github.com/redis/go-redis/v9"

// A generation's buckets live in one hash. Redis spends about 50 bytes on
// every hash field besides its value, so a field holding a single bucket
// member would cost more than the member itself. Buckets are therefore
// grouped: the field of band key k is k >> shift (4 bytes, big-endian),
// and its value is a list of 8-byte members, the band key then the
// document number. The shift of a generation is chosen when its first
// document arrives, from the size of the previous generation, so that a
// field holds about fieldMembers members; it is stored in the hash under
// the empty field. A member is found with a plain substring search for its
// key at a member boundary.

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
// lifetime in milliseconds (0: none), [7] the shift of a generation
// without a predecessor, [8] members per field wanted, [9..] the band
// keys, as decimal numbers (none for an entry without tokens).
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
local perField = tonumber(ARGV[8])
local nb = #ARGV - 8
local keys, kstr = {}, {}
for b = 1, nb do
  keys[b] = tonumber(ARGV[8 + b])
  kstr[b] = struct.pack('>I4', keys[b])
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
local nwrites = 0
for i = 1, ngens do
  local bkey = KEYS[4 + ngens + i]
  local writing = not existing and i == own and nb > 0
  local shift = false
  if nb > 0 then
    shift = redis.call('HGET', bkey, '')
  end
  if not shift and writing then
    shift = tonumber(ARGV[7])
    if i > 1 then
      local n = redis.call('HLEN', KEYS[4 + i - 1])
      if n > 0 then
        local fields = math.max(n * nb / perField, 1024)
        shift = math.max(0, 32 - math.ceil(math.log(fields) / math.log(2)))
      end
    end
    writes[''] = tostring(shift)
    nwrites = 1
  end
  if shift then
    local div = 2 ^ tonumber(shift)
    local fields = {}
    for b = 1, nb do
      fields[b] = struct.pack('>I4', math.floor(keys[b] / div))
    end
    local vals = redis.call('HMGET', bkey, unpack(fields))
    local dockey = KEYS[4 + i]
    for b = 1, nb do
      local v = vals[b]
      local n = 0
      if v then
        local pos = 1
        while true do
          local p = string.find(v, kstr[b], pos, true)
          if not p then
            break
          end
          if (p - 1) % 8 == 0 then
            n = n + 1
            local m = struct.unpack('>I4', v, p + 4)
            if m < me and not seen[m] then
              seen[m] = true
              local e = redis.call('HGET', dockey, m)
              if e then
                out[#out + 1] = m
                out[#out + 1] = e
              end
            end
            pos = p + 8
          else
            pos = p + 1
          end
        end
      end
      if writing then
        if cap > 0 and n >= cap then
          capped = capped + 1
        else
          local f = fields[b]
          if writes[f] == nil then
            writes[f] = v or ''
            nwrites = nwrites + 1
          end
          writes[f] = writes[f] .. kstr[b] .. packed
        end
      end
    end
  end
end

if not existing then
  if nwrites > 0 then
    local bkey = KEYS[4 + ngens + own]
    local args = {}
    for f, v in pairs(writes) do
      args[#args + 1] = f
      args[#args + 1] = v
    end
    redis.call('HSET', bkey, unpack(args))
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

// deleteScript removes one entry: its ID, its encoded entry and its
// members of its buckets.
//
// KEYS: [1] ID hash, [2] entry hash, [3] bucket hash. ARGV: [1] ID, then
// the band keys as decimal numbers. Reply: 1 if the ID was stored, 0 if
// not.
var deleteScript = redis.NewScript(`
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then
  return 0
end
local packed = struct.pack('>I4', tonumber(v))
local shift = redis.call('HGET', KEYS[3], '')
if shift then
  local div = 2 ^ tonumber(shift)
  for b = 2, #ARGV do
    local k = tonumber(ARGV[b])
    local member = struct.pack('>I4', k) .. packed
    local f = struct.pack('>I4', math.floor(k / div))
    local cur = redis.call('HGET', KEYS[3], f)
    if cur then
      local rest = {}
      for j = 1, #cur, 8 do
        local m = string.sub(cur, j, j + 7)
        if m ~= member then
          rest[#rest + 1] = m
        end
      end
      if #rest == 0 then
        redis.call('HDEL', KEYS[3], f)
      else
        redis.call('HSET', KEYS[3], f, table.concat(rest))
      end
    end
  end
end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], v)
return 1
`)
