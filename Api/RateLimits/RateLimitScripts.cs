using StackExchange.Redis;

namespace Platform.Api.RateLimits;

/// <summary>
/// The Lua side of <see cref="RedisRateLimitStore"/>: <see cref="TokenBucket"/>'s arithmetic, and one script per
/// store call. Prepared once; StackExchange.Redis sends each by its SHA1 and loads it again after NOSCRIPT (a
/// restarted or flushed server). Numbers are stored and returned as strings with 17 digits, since Lua replies
/// truncate floats and <c>tostring</c> keeps only 14: the in-process arithmetic must give the same figures.
/// </summary>
internal static class RateLimitScripts
{
    private const string Buckets = """
        local function level_at(key, capacity, window, now)
          local stored = redis.call('HMGET', key, 'level', 'at')
          if stored[1] then
            local elapsed = math.max(0, now - tonumber(stored[2]))
            return math.min(capacity, tonumber(stored[1]) + elapsed * capacity / window)
          end
          return capacity
        end
        local function ms_until(missing, capacity, window)
          if missing <= 0 then return 0 end
          return math.ceil(missing * window / capacity)
        end
        local function decide(key, capacity, window, now, amount)
          local level = level_at(key, capacity, window, now)
          if amount <= level then
            local remaining = level - amount
            return {1, remaining, ms_until(capacity - remaining, capacity, window), 0}
          end
          local retry = ms_until(amount - level, capacity, window)
          if amount > capacity then retry = ms_until(capacity - level, capacity, window) end
          return {0, level, ms_until(capacity - level, capacity, window), retry}
        end
        local function exact(number)
          return string.format('%.17g', number)
        end
        local function save(key, level, capacity, window, now)
          redis.call('HSET', key, 'level', exact(level), 'at', exact(now))
          redis.call('PEXPIRE', key, math.max(ms_until(capacity - level, capacity, window), 1000))
        end
        local function put(reply, d)
          for i = 1, 4 do reply[#reply + 1] = exact(d[i]) end
          return reply
        end

        """;

    /// <summary>Takes one request per minute; reads tokens per minute. Replies {rpm x4, tpm x4}.</summary>
    public static readonly LuaScript Admit = LuaScript.Prepare(Buckets + """
        local now = tonumber(@now)
        local minute = tonumber(@minute)
        local rpm = decide(@rpm, tonumber(@rpmCapacity), minute, now, 1)
        if rpm[1] == 1 then save(@rpm, rpm[2], tonumber(@rpmCapacity), minute, now) end
        local tpm = decide(@tpm, tonumber(@tpmCapacity), minute, now, 0)
        return put(put({}, rpm), tpm)
        """);

    /// <summary>
    /// A completion's admission: requests per minute (@requests is 1, or 0 when the request was taken already), then
    /// the quota, tokens per minute and per day; all charged or none. Replies {verdict, rpm x4, tpm x4, tpd x4} with
    /// the verdict "ok", "rpm", "quota", "tpm" or "tpd"; tokens per minute is read (not taken) for the headers when
    /// requests or the quota refused, and tpd is left out when the refusal came before it. A refusal after requests
    /// per minute reports that bucket as it stands (nothing taken). A quota of -1 means none.
    /// </summary>
    public static readonly LuaScript AdmitCompletion = LuaScript.Prepare(Buckets + """
        local now = tonumber(@now)
        local requests = tonumber(@requests)
        local tokens = tonumber(@tokens)
        local minute = tonumber(@minute)
        local rpm_capacity = tonumber(@rpmCapacity)
        local tpm_capacity = tonumber(@tpmCapacity)
        local rpm = decide(@rpm, rpm_capacity, minute, now, requests)
        if rpm[1] == 0 then return put(put({'rpm'}, rpm), decide(@tpm, tpm_capacity, minute, now, 0)) end
        local function unspent()
          if requests > 0 then return decide(@rpm, rpm_capacity, minute, now, 0) end
          return rpm
        end
        local quota = tonumber(@quotaLimit)
        if quota >= 0 and tonumber(redis.call('GET', @quota) or '0') + tokens > quota then
          return put(put({'quota'}, unspent()), decide(@tpm, tpm_capacity, minute, now, 0))
        end
        local tpm = decide(@tpm, tpm_capacity, minute, now, tokens)
        if tpm[1] == 0 then return put(put({'tpm'}, unspent()), tpm) end
        local day = tonumber(@day)
        local tpd_capacity = tonumber(@tpdCapacity)
        local tpd = decide(@tpd, tpd_capacity, day, now, tokens)
        if tpd[1] == 0 then return put(put(put({'tpd'}, unspent()), tpm), tpd) end
        if requests > 0 then save(@rpm, rpm[2], rpm_capacity, minute, now) end
        save(@tpm, tpm[2], tpm_capacity, minute, now)
        save(@tpd, tpd[2], tpd_capacity, day, now)
        if quota >= 0 then
          redis.call('INCRBY', @quota, @tokens)
          redis.call('PEXPIREAT', @quota, @quotaExpiresAt)
        end
        return put(put(put({'ok'}, rpm), tpm), tpd)
        """);

    /// <summary>Gives back the unused part of a reservation to both token buckets and the quota.</summary>
    public static readonly LuaScript Settle = LuaScript.Prepare(Buckets + """
        local now = tonumber(@now)
        local unused = tonumber(@unused)
        local minute = tonumber(@minute)
        local day = tonumber(@day)
        local tpm_capacity = tonumber(@tpmCapacity)
        local tpd_capacity = tonumber(@tpdCapacity)
        save(@tpm, math.min(tpm_capacity, level_at(@tpm, tpm_capacity, minute, now) + unused), tpm_capacity, minute, now)
        save(@tpd, math.min(tpd_capacity, level_at(@tpd, tpd_capacity, day, now) + unused), tpd_capacity, day, now)
        if tonumber(@quotaLimit) >= 0 then
          redis.call('INCRBY', @quota, @quotaDelta)
          redis.call('PEXPIREAT', @quota, @quotaExpiresAt)
        end
        return 1
        """);
}
