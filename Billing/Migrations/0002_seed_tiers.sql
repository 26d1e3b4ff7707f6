-- Usage tiers shaped like OpenAI's: a trial-sized free tier, then limits rising with spend. Monthly quotas are in
-- tokens (NULL: none); waiting-room priority is higher for higher tiers. Every tier may use every model.
INSERT INTO tiers (name, requests_per_minute, tokens_per_minute, tokens_per_day, monthly_token_quota,
                   max_concurrent_requests, waiting_room_priority, allowed_models)
VALUES ('free',        3,      40000,     200000,       2000000,   1,  0, '{}'),
       ('tier-1',    500,     200000,    2000000,      20000000,   4, 10, '{}'),
       ('tier-2',   3000,    2000000,   20000000,     200000000,  16, 20, '{}'),
       ('tier-3',   5000,    4000000,   40000000,     500000000,  32, 30, '{}'),
       ('tier-4',  10000,   10000000,  100000000,    2000000000,  64, 40, '{}'),
       ('tier-5',  30000,  150000000, 1500000000,          NULL, 256, 50, '{}')
ON CONFLICT (name) DO NOTHING;
