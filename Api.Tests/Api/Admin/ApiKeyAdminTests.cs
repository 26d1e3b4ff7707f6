using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Admin;

[Collection(ApiTests.Name)]
public sealed class ApiKeyAdminTests(ApiFixture api)
{
    [Fact]
    public async Task Keys_Create_SecretOnceThenRedactedEverywhere()
    {
        var project = $"proj_{api.DefaultProjectId}";
        var created = await api.AdminOkAsync("POST", $"/admin/projects/{project}/api_keys", """{"name":"ci","scopes":["inference"]}""");
        var secret = created.Str("value");
        var id = created.Str("id");

        Assert.StartsWith("sk-", secret, StringComparison.Ordinal);
        Assert.Equal("organization.project.api_key", created.Str("object"));
        Assert.Equal("sk-..." + secret[^4..], created.Str("redacted_value"));
        Assert.Equal(200, await api.ListModelsStatusAsync(secret));

        var fetched = await api.AdminOkAsync("GET", $"/admin/api_keys/{id}");
        var list = await api.AdminOkAsync("GET", $"/admin/projects/{project}/api_keys?limit=100");
        var audit = await api.AdminOkAsync("GET", $"/admin/audit?entity_type=api_key&entity_id={id}");
        Assert.False(fetched.TryGetProperty("value", out _));
        Assert.Contains(list.GetProperty("data").EnumerateArray(), k => k.Str("id") == id);
        Assert.All(list.GetProperty("data").EnumerateArray(), k => Assert.False(k.TryGetProperty("value", out _)));
        foreach (var text in new[] { fetched.ToString(), list.ToString(), audit.ToString() })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[3..], text, StringComparison.Ordinal);
        }

        Assert.Equal("create", audit.GetProperty("data")[0].Str("action"));
    }

    [Fact]
    public async Task Keys_RevokeAndRotate_AuditedAndStatusShown()
    {
        var project = $"proj_{api.DefaultProjectId}";
        var created = await api.AdminOkAsync("POST", $"/admin/projects/{project}/api_keys", """{"name":"rot"}""");
        var id = created.Str("id");

        var rotation = await api.AdminOkAsync("POST", $"/admin/api_keys/{id}/rotate", """{"grace_seconds":600}""");
        var newId = rotation.GetProperty("new_key").Str("id");
        var (again, againBody) = await api.AdminAsync("POST", $"/admin/api_keys/{id}/rotate", """{"grace_seconds":600}""");
        var revoked = await api.AdminOkAsync("POST", $"/admin/api_keys/{newId}/revoke");

        Assert.Equal(id, rotation.GetProperty("old_key").Str("id"));
        Assert.Equal(newId, rotation.GetProperty("old_key").Str("replaced_by"));
        Assert.Equal(409, again);
        ApiCalls.AssertError(againBody, "conflict", "id");
        Assert.Equal("revoked", revoked.Str("status"));
        Assert.Equal(401, await api.ListModelsStatusAsync(rotation.GetProperty("new_key").Str("value")));
        var oldAudit = await api.AdminOkAsync("GET", $"/admin/audit?entity_type=api_key&entity_id={id}");
        var newAudit = await api.AdminOkAsync("GET", $"/admin/audit?entity_type=api_key&entity_id={newId}");
        Assert.Equal(["create", "rotate"], oldAudit.GetProperty("data").EnumerateArray().Select(r => r.Str("action")));
        Assert.Equal(["create", "revoke"], newAudit.GetProperty("data").EnumerateArray().Select(r => r.Str("action")));
    }

    [Theory]
    [InlineData("""{"name":"x","scopes":["root"]}""", "scopes")]
    [InlineData("""{"name":"x","scopes":[]}""", "scopes")]
    [InlineData("""{"name":"x","expires_at":1}""", "expires_at")]
    public async Task Keys_BadRequest_400(string json, string param)
    {
        var (status, body) = await api.AdminAsync("POST", $"/admin/projects/proj_{api.DefaultProjectId}/api_keys", json);

        Assert.Equal(400, status);
        ApiCalls.AssertError(body, "invalid_value", param);
    }

    [Fact]
    public async Task Keys_RotateWithGraceOverMax_400()
    {
        var created = await api.AdminOkAsync("POST", $"/admin/projects/proj_{api.DefaultProjectId}/api_keys", """{"name":"g"}""");

        var (status, body) = await api.AdminAsync("POST", $"/admin/api_keys/{created.Str("id")}/rotate", """{"grace_seconds":99999999}""");

        Assert.Equal(400, status);
        ApiCalls.AssertError(body, "invalid_value", "grace_seconds");
    }
}
