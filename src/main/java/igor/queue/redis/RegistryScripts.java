package igor.queue.redis;

/** The worker registry's Lua scripts (docs/worker-protocol.md, "Registry"). */
final class RegistryScripts {
  private RegistryScripts() {}

  /**
   * A worker's announcement and heartbeat. KEYS: its hash, the registry's sorted set. ARGV: its
   * taker name, how long its hash is kept (ms), then field, value pairs. {@code last_seen} and, the
   * first time, {@code started} are Redis's clock (unix ms), so that workers' clocks do not matter.
   * Entries older than the keep time leave the sorted set; the set itself expires that long after
   * the last announcement. Answers Redis's time.
   */
  static final String ANNOUNCE =
      "local t = redis.call('TIME')\n"
          + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
          + "local keep = tonumber(ARGV[2])\n"
          + "redis.call('HSET', KEYS[1], 'last_seen', string.format('%d', now),"
          + " unpack(ARGV, 3))\n"
          + "redis.call('HSETNX', KEYS[1], 'started', string.format('%d', now))\n"
          + "redis.call('PEXPIRE', KEYS[1], keep)\n"
          + "redis.call('ZADD', KEYS[2], now, ARGV[1])\n"
          + "redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - keep)\n"
          + "if redis.call('PTTL', KEYS[2]) < keep then redis.call('PEXPIRE', KEYS[2], keep) end\n"
          + "return string.format('%d', now)";

  /**
   * The nodes' read. KEYS: the registry's sorted set, the takers' set. ARGV: the key prefix, how
   * many to list. Answers Redis's time (unix ms), how many announced workers are known, then {@code
   * w} and a JSON object of each listed worker's hash (the newest first), then {@code u} and the
   * name of each live taker that did not announce. Members whose hash expired leave the set.
   */
  static final String READ =
      "local t = redis.call('TIME')\n"
          + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
          + "local max = tonumber(ARGV[2])\n"
          + "local out = {string.format('%d', now), 0}\n"
          + "local total = 0\n"
          + "for _, id in ipairs(redis.call('ZREVRANGE', KEYS[1], 0, -1)) do\n"
          + "  local h = redis.call('HGETALL', ARGV[1] .. ':worker:' .. id)\n"
          + "  if #h == 0 then\n"
          + "    redis.call('ZREM', KEYS[1], id)\n"
          + "  else\n"
          + "    total = total + 1\n"
          + "    if total <= max then\n"
          + "      local m = {id = id}\n"
          + "      for i = 1, #h, 2 do m[h[i]] = h[i + 1] end\n"
          + "      out[#out + 1] = 'w'\n"
          + "      out[#out + 1] = cjson.encode(m)\n"
          + "    end\n"
          + "  end\n"
          + "end\n"
          + "out[2] = tostring(total)\n"
          + "for _, taker in ipairs(redis.call('SMEMBERS', KEYS[2])) do\n"
          + "  if redis.call('EXISTS', ARGV[1] .. ':taker:' .. taker) == 1\n"
          + "      and redis.call('EXISTS', ARGV[1] .. ':worker:' .. taker) == 0 then\n"
          + "    out[#out + 1] = 'u'\n"
          + "    out[#out + 1] = taker\n"
          + "  end\n"
          + "end\n"
          + "return out";
}
