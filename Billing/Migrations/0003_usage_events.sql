-- One row per /v1 request, written in batches by the metering writer (Billing/Metering). Partitioned by month of
-- occurred_at (UTC) so old months can be detached or dropped whole and reports prune to the months they cover.
-- No foreign keys: rows arrive by COPY, possibly replayed from a spool long after the request, and an
-- unauthenticated request has no organization, project or key.
CREATE TABLE usage_events (
    -- Made by the server per request: two requests that send the same X-Client-Request-Id stay two events, while
    -- a replay of the same event (spool after a crash) collides here and is skipped.
    event_id             uuid        NOT NULL,
    -- When the request started.
    occurred_at          timestamptz NOT NULL,
    -- x-request-id as sent to the client (the client's X-Client-Request-Id when it gave one).
    request_id           text        NOT NULL,
    organization_id      bigint,
    project_id           bigint,
    api_key_id           bigint,
    model                text,
    endpoint             text        NOT NULL,
    status_code          smallint    NOT NULL,
    prompt_tokens        integer     NOT NULL CHECK (prompt_tokens >= 0),
    cached_prompt_tokens integer     NOT NULL CHECK (cached_prompt_tokens >= 0 AND cached_prompt_tokens <= prompt_tokens),
    completion_tokens    integer     NOT NULL CHECK (completion_tokens >= 0),
    time_to_first_token_us bigint,
    duration_us          bigint      NOT NULL,
    finish_reason        text,
    moderation_flagged   boolean     NOT NULL,
    streamed             boolean     NOT NULL,
    cancelled            boolean     NOT NULL,
    CONSTRAINT usage_events_pkey PRIMARY KEY (event_id, occurred_at)
) PARTITION BY RANGE (occurred_at);

-- The admin reports scan a time range across organizations; the Usage and Costs APIs scan one organization's range.
CREATE INDEX usage_events_occurred_at_idx ON usage_events (occurred_at);
CREATE INDEX usage_events_organization_idx ON usage_events (organization_id, occurred_at);

-- Creates the monthly partitions (UTC months) covering `months` months from the one holding `first`. Safe to call
-- from several replicas at once (a transaction-level advisory lock orders them) and again for existing months.
CREATE FUNCTION usage_events_ensure_partitions(first timestamptz, months integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    month_start timestamp;
BEGIN
    PERFORM pg_advisory_xact_lock(7308891417838024051);
    FOR i IN 0 .. months - 1 LOOP
        month_start := date_trunc('month', first AT TIME ZONE 'UTC') + make_interval(months => i);
        EXECUTE format(
            'CREATE TABLE IF NOT EXISTS %I PARTITION OF usage_events FOR VALUES FROM (%L) TO (%L)',
            'usage_events_' || to_char(month_start, 'YYYY_MM'),
            month_start AT TIME ZONE 'UTC',
            (month_start + interval '1 month') AT TIME ZONE 'UTC');
    END LOOP;
END
$$;

-- Last month to a year ahead; the writer adds any other month before it writes into it.
SELECT usage_events_ensure_partitions(now() - interval '1 month', 14);
