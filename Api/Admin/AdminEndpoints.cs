using Platform.Api.Auth;
using Platform.Api.Moderations;

namespace Platform.Api.Admin;

/// <summary>The admin API under <c>/admin</c>: admin-scoped keys only; every change is audited with the acting key.</summary>
internal static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin").RequireAdminKey();
        admin.MapOrganizationAdmin();
        admin.MapProjectAdmin();
        admin.MapApiKeyAdmin();
        admin.MapTierAdmin();
        admin.MapModelPriceAdmin();
        admin.MapAuditAdmin();
        admin.MapModerationEventsAdmin();
        admin.MapEngineAdmin();
        return routes;
    }
}
