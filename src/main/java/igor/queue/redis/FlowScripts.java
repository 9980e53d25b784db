package igor.queue.redis;

/**
 * The Lua of flow control (docs/flow-control.md, ADR 0017). Deliveries of a limited type wait in
 * the type's waiting room, a sorted set ordered by urgency and fairness, and an admission moves
 * them onto the type's queue while the limits allow: a slot per running attempt (counted per type
 * and per concurrency key) and a token per start (a token bucket per type and per key). Every
 * script takes the prefix as ARGV[1] and builds its keys from it, as {@link RedisTaskQueue}'s LOST
 * does. Redis's clock (TIME) is the clock of every bucket, so nodes' clocks do not matter.
 *
 * <p>Keys, all under the prefix P: {@code P:limits} (hash: field "type:&lt;type&gt;",
 * "key:&lt;key&gt;" or "fair:&lt;key&gt;", value "concurrency,rate,per_ms,weight"), {@code
 * P:flow:wait:<type>} (sorted set of delivery ids by turn), {@code P:flow:msg:<type>} (hash:
 * delivery id to "concurrency key \n urgency \n delivery"), {@code P:flow:vt:<type>} (hash: the
 * virtual time "V" and each fairness key's next start "f:&lt;key&gt;"), {@code
 * P:flow:held:type:<type>} and {@code P:flow:held:key:<key>} (sets of the delivery ids holding a
 * slot), {@code P:flow:slots} (hash: delivery id to "type \n concurrency key \n admitted at ms"),
 * {@code P:flow:bucket:<limit>} (hash: tokens, at), {@code P:flow:types} (set of the types that
 * have a waiting room), {@code P:limits:versions} (hash: a field of {@code P:limits} to the version
 * of the API's change it holds, ADR 0026).
 */
final class FlowScripts {
  private FlowScripts() {}

  /** The Lua functions every script below starts with. */
  private static final String FUNCTIONS =
      "local P = ARGV[1]\n"
          + "local function now()\n"
          + "  local t = redis.call('TIME')\n"
          + "  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
          + "end\n"
          // concurrency, rate, per ms, weight of a limit; zeros when none is set
          + "local function lim(name)\n"
          + "  local v = redis.call('HGET', P .. ':limits', name)\n"
          + "  if not v then return 0, 0, 0, 0 end\n"
          + "  local c, r, p, w = string.match(v, '^(%d+),(%d+),(%d+),(%d+)$')\n"
          + "  if not c then return 0, 0, 0, 0 end\n"
          + "  return tonumber(c), tonumber(r), tonumber(p), tonumber(w)\n"
          + "end\n"
          // the tokens of a bucket now (refilled since it was last written)
          // a bucket holds at most a tenth of a period's tokens (at least one): a burst after a
          // quiet while is small beside the period's rate
          + "local function tokens(name, r, p, t)\n"
          + "  local cap = math.max(1, math.floor(r / 10))\n"
          + "  local s = redis.call('HMGET', P .. ':flow:bucket:' .. name, 'tokens', 'at')\n"
          + "  local tk, at = tonumber(s[1]), tonumber(s[2])\n"
          + "  if not tk or not at then return cap end\n"
          + "  return math.min(cap, tk + math.max(0, t - at) * r / p)\n"
          + "end\n"
          + "local function spend(name, tk, p, t)\n"
          + "  local b = P .. ':flow:bucket:' .. name\n"
          + "  redis.call('HSET', b, 'tokens', tostring(tk - 1), 'at', tostring(t))\n"
          + "  redis.call('PEXPIRE', b, 2 * p + 1000)\n"
          + "end\n"
          // when the next token of a bucket with tk tokens comes
          + "local function nextToken(tk, r, p, t)\n"
          + "  return t + math.max(1, math.ceil((1 - tk) * p / r))\n"
          + "end\n"
          // frees the slot of a delivery: answers its type and key, or nil when it held none
          + "local function free(id)\n"
          + "  local v = redis.call('HGET', P .. ':flow:slots', id)\n"
          + "  if not v then return nil end\n"
          + "  local t, k = string.match(v, '^([^\\n]*)\\n([^\\n]*)\\n')\n"
          + "  redis.call('HDEL', P .. ':flow:slots', id)\n"
          + "  redis.call('SREM', P .. ':flow:held:type:' .. t, id)\n"
          + "  if k ~= '' then redis.call('SREM', P .. ':flow:held:key:' .. k, id) end\n"
          + "  return t, k\n"
          + "end\n"
          // moves deliveries of type ty from its waiting room onto its queue while the limits
          // allow, looking at most at scan of them; answers the count moved and when a rate
          // limit gives its next token (0: no rate limit holds anything back)
          + "local function admit(ty, scan)\n"
          + "  local wait = P .. ':flow:wait:' .. ty\n"
          + "  local msgs = P .. ':flow:msg:' .. ty\n"
          + "  local vt = P .. ':flow:vt:' .. ty\n"
          + "  local heldT = P .. ':flow:held:type:' .. ty\n"
          + "  local step = tonumber(ARGV[3])\n"
          + "  local tc, tr, tp = lim('type:' .. ty)\n"
          // a type ordered automatically: as many at once as its live workers' slots (ADR 0025);
          // none written (no announced worker takes it, or no node orders it): no bound
          + "  if tc == 0 and tr == 0 then\n"
          + "    tc = tonumber(redis.call('GET', P .. ':flow:auto:' .. ty)) or 0\n"
          + "  end\n"
          + "  local t = now()\n"
          + "  local ttk = 0\n"
          + "  if tr > 0 then ttk = tokens('type:' .. ty, tr, tp, t) end\n"
          + "  local inUse = redis.call('SCARD', heldT)\n"
          + "  local moved, nextAt, kept, looked = 0, 0, 0, 0\n"
          + "  local keyState = {}\n"
          + "  local V = tonumber(redis.call('HGET', vt, 'V')) or 0\n"
          + "  while looked < scan do\n"
          + "    if tc > 0 and inUse >= tc then break end\n"
          + "    if tr > 0 and ttk < 1 then nextAt = nextToken(ttk, tr, tp, t) break end\n"
          + "    local ids = redis.call('ZRANGE', wait, kept, kept + 99, 'WITHSCORES')\n"
          + "    if #ids == 0 then break end\n"
          + "    for i = 1, #ids, 2 do\n"
          + "      if looked >= scan or (tc > 0 and inUse >= tc) then break end\n"
          + "      if tr > 0 and ttk < 1 then nextAt = nextToken(ttk, tr, tp, t) break end\n"
          + "      looked = looked + 1\n"
          + "      local id = ids[i]\n"
          + "      local v = redis.call('HGET', msgs, id)\n"
          + "      local k, u, m\n"
          + "      if v then k, u, m = string.match(v, '^([^\\n]*)\\n(%d+)\\n(.*)$') end\n"
          + "      if not m or redis.call('EXISTS', P .. ':claim:' .. id) == 1 then\n"
          // withdrawn (claimed "cancelled") or a copy of an attempt that runs: it leaves the room
          + "        redis.call('ZREM', wait, id)\n"
          + "        redis.call('HDEL', msgs, id)\n"
          + "      else\n"
          + "        local ok = true\n"
          + "        local ks = nil\n"
          + "        if k ~= '' then\n"
          + "          ks = keyState[k]\n"
          + "          if not ks then\n"
          + "            local c, r, p = lim('key:' .. k)\n"
          + "            ks = {c = c, r = r, p = p, tk = 0,\n"
          + "              used = redis.call('SCARD', P .. ':flow:held:key:' .. k)}\n"
          + "            if r > 0 then ks.tk = tokens('key:' .. k, r, p, t) end\n"
          + "            keyState[k] = ks\n"
          + "          end\n"
          + "          if ks.c > 0 and ks.used >= ks.c then ok = false end\n"
          + "          if ok and ks.r > 0 and ks.tk < 1 then\n"
          + "            ok = false\n"
          + "            local at = nextToken(ks.tk, ks.r, ks.p, t)\n"
          + "            if nextAt == 0 or at < nextAt then nextAt = at end\n"
          + "          end\n"
          + "        end\n"
          + "        if ok then\n"
          + "          redis.call('ZREM', wait, id)\n"
          + "          redis.call('HDEL', msgs, id)\n"
          + "          redis.call('HSET', P .. ':flow:slots', id, ty .. '\\n"
          + "' .. k .. '\\n"
          + "' .. t)\n"
          + "          redis.call('SADD', heldT, id)\n"
          + "          inUse = inUse + 1\n"
          + "          if tr > 0 then spend('type:' .. ty, ttk, tp, t) ttk = ttk - 1 end\n"
          + "          if ks then\n"
          + "            redis.call('SADD', P .. ':flow:held:key:' .. k, id)\n"
          + "            ks.used = ks.used + 1\n"
          + "            if ks.r > 0 then spend('key:' .. k, ks.tk, ks.p, t) ks.tk = ks.tk - 1"
          + " end\n"
          + "          end\n"
          + "          redis.call('SADD', P .. ':queued', id)\n"
          + "          redis.call('RPUSH', P .. ':queue:' .. ty, m)\n"
          + "          local start = tonumber(ids[i + 1]) + (tonumber(u) - 3) * step\n"
          + "          if start > V then V = start end\n"
          + "          moved = moved + 1\n"
          + "        else\n"
          + "          kept = kept + 1\n"
          + "        end\n"
          + "      end\n"
          + "    end\n"
          + "  end\n"
          + "  if moved > 0 then redis.call('HSET', vt, 'V', tostring(V)) end\n"
          + "  if redis.call('ZCARD', wait) == 0 then\n"
          + "    redis.call('DEL', vt)\n"
          + "    redis.call('SREM', P .. ':flow:types', ty)\n"
          + "  end\n"
          + "  return moved, nextAt\n"
          + "end\n"
          // admits every type in turn: after a key's slot was freed, or a limit changed
          + "local function admitAll(scan, answer)\n"
          + "  for _, ty in ipairs(redis.call('SMEMBERS', P .. ':flow:types')) do\n"
          + "    local moved, at = admit(ty, scan)\n"
          + "    answer[#answer + 1] = ty\n"
          + "    answer[#answer + 1] = tostring(at)\n"
          + "  end\n"
          + "end\n";

  /**
   * ARGV: prefix, the type, the urgency step, the most deliveries one admission looks at, the
   * type's automatic slots (0: not ordered automatically), how long they live (ms), whether these
   * deliveries mark the type ordered ("1") and the most deliveries taken back from its queue, then
   * per delivery: id, concurrency key, fairness key, urgency, delivery.
   *
   * <p>With automatic slots, writes them ({@code P:flow:auto:<type>}); a mark sets {@code
   * P:flow:ordered}'s field of the type to now, and the first mark takes the newest deliveries on
   * the type's queue (at most the given count) back into the waiting room, in their order and with
   * the default urgency, so that the deliveries that made the type ordered can go ahead of them.
   *
   * <p>Puts each delivery into the type's waiting room unless it waits there or on the queue
   * already, holds a slot, or its attempt was claimed or withdrawn; then admits. Its turn: the
   * fairness key's next virtual start (at least the type's virtual time V), less (urgency - 3)
   * steps; the key's next start moves on by 1 / its weight. Answers {moved, next token time}.
   */
  static final String ENQUEUE =
      FUNCTIONS
          + "local ty = ARGV[2]\n"
          + "local step = tonumber(ARGV[3])\n"
          + "local wait = P .. ':flow:wait:' .. ty\n"
          + "local msgs = P .. ':flow:msg:' .. ty\n"
          + "local vt = P .. ':flow:vt:' .. ty\n"
          + "local V = tonumber(redis.call('HGET', vt, 'V')) or 0\n"
          + "local added = 0\n"
          + "if tonumber(ARGV[5]) > 0 then\n"
          + "  redis.call('SET', P .. ':flow:auto:' .. ty, ARGV[5], 'PX', ARGV[6])\n"
          + "  if ARGV[7] == '1' then\n"
          + "    local first = redis.call('HEXISTS', P .. ':flow:ordered', ty) == 0\n"
          + "    redis.call('HSET', P .. ':flow:ordered', ty, tostring(now()))\n"
          + "    local q = P .. ':queue:' .. ty\n"
          + "    local len = redis.call('LLEN', q)\n"
          + "    if first and len > 0 then\n"
          + "      local from = math.max(0, len - tonumber(ARGV[8]))\n"
          + "      local back = redis.call('LRANGE', q, from, -1)\n"
          + "      if from == 0 then redis.call('DEL', q) else redis.call('LTRIM', q, 0, from - 1)"
          + " end\n"
          + "      for _, m in ipairs(back) do\n"
          + "        local id = string.match(m, '\"delivery_id\":\"([^\"]*)\"')\n"
          + "        if id and not redis.call('ZSCORE', wait, id) then\n"
          + "          redis.call('SREM', P .. ':queued', id)\n"
          // admitted from a room before (a limit since removed): its slot is taken again later
          + "          free(id)\n"
          + "          local start = math.max(tonumber(redis.call('HGET', vt, 'f:')) or 0, V)\n"
          + "          redis.call('HSET', vt, 'f:', tostring(start + 1))\n"
          + "          redis.call('ZADD', wait, start, id)\n"
          + "          redis.call('HSET', msgs, id, '\\n3\\n' .. m)\n"
          + "          added = added + 1\n"
          + "        end\n"
          + "      end\n"
          + "    end\n"
          + "  end\n"
          + "end\n"
          + "for i = 9, #ARGV, 5 do\n"
          + "  local id = ARGV[i]\n"
          + "  if redis.call('EXISTS', P .. ':claim:' .. id) == 0\n"
          + "    and redis.call('SISMEMBER', P .. ':queued', id) == 0\n"
          + "    and redis.call('HEXISTS', P .. ':flow:slots', id) == 0\n"
          + "    and not redis.call('ZSCORE', wait, id) then\n"
          + "    local f = 'f:' .. ARGV[i + 2]\n"
          + "    local start = math.max(tonumber(redis.call('HGET', vt, f)) or 0, V)\n"
          + "    local c, r, p, w = lim('fair:' .. ARGV[i + 2])\n"
          + "    if w <= 0 then w = 1 end\n"
          + "    redis.call('HSET', vt, f, tostring(start + 1 / w))\n"
          + "    redis.call('ZADD', wait, start - (tonumber(ARGV[i + 3]) - 3) * step, id)\n"
          + "    redis.call('HSET', msgs, id, ARGV[i + 1] .. '\\n"
          + "' .. ARGV[i + 3] .. '\\n"
          + "' .. ARGV[i + 4])\n"
          + "    added = added + 1\n"
          + "  end\n"
          + "end\n"
          + "if added > 0 then redis.call('SADD', P .. ':flow:types', ty) end\n"
          + "local moved, at = admit(ty, tonumber(ARGV[4]))\n"
          + "return {tostring(moved), tostring(at)}";

  /**
   * ARGV: prefix, (unused), the urgency step, the most deliveries one admission looks at, then per
   * attempt: delivery id and type ("" when not known). Frees each attempt's slot and takes it out
   * of its type's waiting room, then admits the types concerned (every type with a waiting room
   * when a concurrency key's slot was freed, as the key may hold back deliveries of any type).
   * Answers the admitted types each followed by its next token time.
   */
  static final String RELEASE =
      FUNCTIONS
          + "local types = {}\n"
          + "local anyKey = false\n"
          + "for i = 5, #ARGV, 2 do\n"
          + "  local id, ty = ARGV[i], ARGV[i + 1]\n"
          + "  local t, k = free(id)\n"
          + "  if t then types[t] = true if k ~= '' then anyKey = true end end\n"
          + "  if ty ~= '' and redis.call('ZREM', P .. ':flow:wait:' .. ty, id) == 1 then\n"
          + "    redis.call('HDEL', P .. ':flow:msg:' .. ty, id)\n"
          + "    types[ty] = true\n"
          + "  end\n"
          + "end\n"
          + "local answer = {}\n"
          + "if anyKey then admitAll(tonumber(ARGV[4]), answer) return answer end\n"
          + "for ty in pairs(types) do\n"
          + "  local moved, at = admit(ty, tonumber(ARGV[4]))\n"
          + "  answer[#answer + 1] = ty\n"
          + "  answer[#answer + 1] = tostring(at)\n"
          + "end\n"
          + "return answer";

  /**
   * ARGV: prefix, the type ("" for every type with a waiting room), the urgency step, the most
   * deliveries one admission looks at. Admits: after a rate limit's next token came, or a limit
   * changed. Answers the admitted types each followed by its next token time.
   */
  static final String ADMIT =
      FUNCTIONS
          + "local answer = {}\n"
          + "if ARGV[2] == '' then admitAll(tonumber(ARGV[4]), answer) return answer end\n"
          + "local moved, at = admit(ARGV[2], tonumber(ARGV[4]))\n"
          + "return {ARGV[2], tostring(at)}";

  /**
   * ARGV: prefix, (unused), the urgency step, the most deliveries one admission looks at, the grace
   * in ms. Frees the slots that no attempt holds any more: admitted longer than the grace ago,
   * neither waiting (in the queued set: on a queue or in a taker's in-flight list) nor claimed (a
   * claim lives while its attempt runs, renewed with its lease). Such a slot's attempt ended
   * without a final report a node read (the node died before it freed the slot, or the data was
   * hand-edited). Admits the types concerned. Answers the count freed, the slots held, then the
   * admitted types each followed by its next token time.
   */
  static final String SWEEP =
      FUNCTIONS
          + "local grace = tonumber(ARGV[5])\n"
          + "local t = now()\n"
          + "local freed = 0\n"
          + "local slots = redis.call('HGETALL', P .. ':flow:slots')\n"
          + "for i = 1, #slots, 2 do\n"
          + "  local id = slots[i]\n"
          + "  local at = tonumber(string.match(slots[i + 1], '\\n([0-9]+)$')) or 0\n"
          + "  if t - at > grace and redis.call('SISMEMBER', P .. ':queued', id) == 0\n"
          + "    and redis.call('EXISTS', P .. ':claim:' .. id) == 0 then\n"
          + "    free(id)\n"
          + "    freed = freed + 1\n"
          + "  end\n"
          + "end\n"
          + "local answer = {tostring(freed), tostring(#slots / 2 - freed)}\n"
          + "admitAll(tonumber(ARGV[4]), answer)\n"
          + "return answer";

  /**
   * ARGV: prefix, then per change: the field of {@code P:limits}, its value ("" to remove it) and
   * the version of the change (0 for the configuration's). A change of the API is applied unless
   * {@code P:limits:versions} holds its version or a later one for the field (an older copy never
   * overwrites a newer one, whichever node applies it), and records its version; the
   * configuration's is applied only where no change of the API is recorded. Answers how many values
   * it changed. Needs none of {@link #FUNCTIONS}.
   */
  static final String APPLY_LIMITS =
      "local limits = ARGV[1] .. ':limits'\n"
          + "local versions = ARGV[1] .. ':limits:versions'\n"
          + "local changed = 0\n"
          + "for i = 2, #ARGV, 3 do\n"
          + "  local field, value, version = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])\n"
          + "  local held = tonumber(redis.call('HGET', versions, field) or '0')\n"
          + "  if (version == 0 and held == 0) or (version > 0 and held < version) then\n"
          + "    local was = redis.call('HGET', limits, field)\n"
          + "    if value == '' then\n"
          + "      if was then redis.call('HDEL', limits, field) changed = changed + 1 end\n"
          + "    elseif was ~= value then\n"
          + "      redis.call('HSET', limits, field, value)\n"
          + "      changed = changed + 1\n"
          + "    end\n"
          + "    if version > 0 then redis.call('HSET', versions, field, ARGV[i + 2]) end\n"
          + "  end\n"
          + "end\n"
          + "return {tostring(changed)}";
}
