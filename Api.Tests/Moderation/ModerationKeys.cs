using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Moderation;

/// <summary>A new tier with a moderation mode, a project on it and an inference key, made through the admin API.</summary>
internal sealed record ModerationKey(string Secret, string KeyId, string ProjectId, string TierId)
{
    public static async Task<ModerationKey> CreateAsync(ApiFixture api, string mode, long tokensPerMinute = 1_000_000)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var tier = await api.AdminOkAsync("POST", "/admin/tiers",
            $$"""{"name":"mod-{{mode}}-{{suffix}}","requests_per_minute":10000,"tokens_per_minute":{{tokensPerMinute}},"tokens_per_day":{{tokensPerMinute * 10}},"max_concurrent_requests":8,"moderation_mode":"{{mode}}"}""");
        var organization = await api.AdminOkAsync("POST", "/admin/organizations", $$"""{"name":"mod-org-{{suffix}}"}""");
        var project = await api.AdminOkAsync("POST", $"/admin/organizations/{organization.Str("id")}/projects", $$"""{"name":"mod-{{suffix}}","tier_id":"{{tier.Str("id")}}"}""");
        var key = await api.AdminOkAsync("POST", $"/admin/projects/{project.Str("id")}/api_keys", """{"name":"moderation","scopes":["inference"]}""");
        return new ModerationKey(key.Str("value"), key.Str("id"), project.Str("id"), tier.Str("id"));
    }
}
