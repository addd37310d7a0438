import { Redis } from 'ioredis';
import { stateOf, type Bucket, type RateLimitStore } from './token-bucket.js';

/**
 * Token buckets in Redis, shared by every gateway replica (`REDIS_URL`). One Lua script
 * reads, refills and takes from all of a request's buckets atomically, on Redis's own
 * clock (`TIME`), so replicas with skewed clocks or requests racing each other cannot
 * spend the same token twice. A bucket is a hash (`t` tokens, `u` updated at, ms) that
 * expires once it would be full again.
 *
 * (rate-limiter-flexible, the usual library, counts fixed windows and has no token
 * bucket; this script is the whole of what is needed.)
 */
const TAKE_SCRIPT = `
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local count = #KEYS
local tokens = {}
local allowed = 1
for i = 1, count do
  local quota = tonumber(ARGV[2 * i - 1])
  local windowMs = tonumber(ARGV[2 * i])
  local held = redis.call('HMGET', KEYS[i], 't', 'u')
  local t = tonumber(held[1])
  local u = tonumber(held[2])
  if t == nil or u == nil then
    t = quota
  else
    t = math.min(quota, t + math.max(0, nowMs - u) * quota / windowMs)
  end
  tokens[i] = t
  if t < 1 then allowed = 0 end
end
local result = { allowed }
for i = 1, count do
  local windowMs = tonumber(ARGV[2 * i])
  if allowed == 1 then tokens[i] = tokens[i] - 1 end
  redis.call('HSET', KEYS[i], 't', tostring(tokens[i]), 'u', tostring(nowMs))
  redis.call('PEXPIRE', KEYS[i], windowMs + 1000)
  result[i + 1] = tostring(tokens[i])
end
return result
`;

export interface RedisRateLimitOptions {
  url: string;
  /** Prefix of every key (tests use a random one on the shared server). */
  keyPrefix: string;
}

export function redisRateLimitStore(options: RedisRateLimitOptions): RateLimitStore {
  const redis = new Redis(options.url, {
    keyPrefix: options.keyPrefix,
    // A gateway whose Redis is down answers 503 at once rather than queueing requests.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
  });
  // Errors surface on the command that hit them; the connection error event must be
  // consumed or Node would end the process.
  redis.on('error', () => {});
  // EVALSHA, falling back to EVAL once per connection when Redis does not know the script yet.
  redis.defineCommand('takeTokens', { lua: TAKE_SCRIPT });
  const { takeTokens } = redis as unknown as { takeTokens: (keyCount: number, ...keysAndArgs: (string | number)[]) => Promise<[number, ...string[]]> };
  return {
    async take(buckets: readonly Bucket[]) {
      const args = buckets.flatMap((bucket) => [bucket.policy.quota, bucket.policy.windowSeconds * 1000]);
      const reply = await takeTokens.call(redis, buckets.length, ...buckets.map((b) => b.key), ...args);
      const [allowed, ...tokens] = reply;
      return {
        allowed: allowed === 1,
        states: buckets.map((bucket, index) => stateOf(bucket, Number(tokens[index]))),
      };
    },
    async close() {
      redis.disconnect();
    },
  };
}
