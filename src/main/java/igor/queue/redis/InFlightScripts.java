package igor.queue.redis;

/**
 * The Lua of the reliable take (docs/worker-protocol.md, "Taking work"): a taker moves deliveries
 * from the type queues into its in-flight list, and whatever stays there unclaimed is given back to
 * the front of its queue, by the taker itself (an orphan its client never saw) or by a node (the
 * taker's heartbeat lapsed).
 */
final class InFlightScripts {
  private InFlightScripts() {}

  /**
   * KEYS: in-flight list, heartbeat, takers set, then the type queues in the order to try. ARGV:
   * max, heartbeat TTL in seconds, taker id. Sets the heartbeat, then moves up to max deliveries
   * from the first queue that has any. Answers that queue's key and the deliveries, or nothing.
   */
  static final String TAKE =
      "redis.call('SET', KEYS[2], '1', 'EX', ARGV[2])\n"
          + "redis.call('SADD', KEYS[3], ARGV[3])\n"
          + "local max = tonumber(ARGV[1])\n"
          + "for i = 4, #KEYS do\n"
          + "  local taken = {KEYS[i]}\n"
          + "  while #taken <= max do\n"
          + "    local m = redis.call('LMOVE', KEYS[i], KEYS[1], 'LEFT', 'RIGHT')\n"
          + "    if not m then break end\n"
          + "    taken[#taken + 1] = m\n"
          + "  end\n"
          + "  if #taken > 1 then return taken end\n"
          + "end\n"
          + "return {}";

  /**
   * A Lua function: gives one delivery taken off its queue back to the front of it, and into the
   * queued set, unless its attempt was claimed or withdrawn meanwhile (then it is dropped). A
   * message that is not a delivery is added to {@code malformed} (source, message) instead.
   */
  private static final String GIVE_BACK =
      "local function giveBack(prefix, source, message, malformed)\n"
          + "  local ok, d = pcall(cjson.decode, message)\n"
          + "  if not ok or type(d) ~= 'table' or type(d.type) ~= 'string' or type(d.delivery_id)"
          + " ~= 'string' then\n"
          + "    malformed[#malformed + 1] = source\n"
          + "    malformed[#malformed + 1] = message\n"
          + "    return 0\n"
          + "  end\n"
          + "  if redis.call('EXISTS', prefix .. ':claim:' .. d.delivery_id) == 1 then return 0"
          + " end\n"
          + "  redis.call('SADD', prefix .. ':queued', d.delivery_id)\n"
          + "  redis.call('LPUSH', prefix .. ':queue:' .. d.type, message)\n"
          + "  return 1\n"
          + "end\n";

  /**
   * KEYS: the taker's in-flight list. ARGV: prefix, then messages. Gives back each message still in
   * the list. Answers how many went back to a queue, then (source, message) of malformed ones.
   */
  static final String GIVE_BACK_ORPHANS =
      GIVE_BACK
          + "local malformed = {}\n"
          + "local returned = 0\n"
          + "for i = 2, #ARGV do\n"
          + "  if redis.call('LREM', KEYS[1], 1, ARGV[i]) == 1 then\n"
          + "    returned = returned + giveBack(ARGV[1], KEYS[1], ARGV[i], malformed)\n"
          + "  end\n"
          + "end\n"
          + "table.insert(malformed, 1, returned)\n"
          + "return malformed";

  /**
   * KEYS: takers set. ARGV: prefix. For each taker whose heartbeat is gone, gives back its whole
   * in-flight list, oldest delivery at the front, then forgets the list and the taker. Answers how
   * many deliveries went back to a queue, then (source, message) of malformed ones.
   */
  static final String SWEEP_LAPSED =
      GIVE_BACK
          + "local malformed = {}\n"
          + "local returned = 0\n"
          + "for _, t in ipairs(redis.call('SMEMBERS', KEYS[1])) do\n"
          + "  if redis.call('EXISTS', ARGV[1] .. ':taker:' .. t) == 0 then\n"
          + "    local list = ARGV[1] .. ':inflight:' .. t\n"
          + "    local items = redis.call('LRANGE', list, 0, -1)\n"
          + "    for i = #items, 1, -1 do\n"
          + "      returned = returned + giveBack(ARGV[1], list, items[i], malformed)\n"
          + "    end\n"
          + "    redis.call('DEL', list)\n"
          + "    redis.call('SREM', KEYS[1], t)\n"
          + "  end\n"
          + "end\n"
          + "table.insert(malformed, 1, returned)\n"
          + "return malformed";
}
