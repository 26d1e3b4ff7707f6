using Platform.Api.Admin;
using Platform.Api.Auth;
using Platform.Api.Budgets;
using Platform.Api.Cors;
using Platform.Api.Chat;
using Platform.Api.Completions;
using Platform.Api.Contract;
using Platform.Api.Errors;
using Platform.Api.Health;
using Platform.Api.Lifecycle;
using Platform.Api.Metering;
using Platform.Api.Models;
using Platform.Api.ModelServer;
using Platform.Api.Moderations;
using Platform.Api.Observability;
using Platform.Api.RateLimits;
using Platform.Api.WaitingRoom;
using Platform.Api.WebConsole;
using Platform.Billing;
using Platform.Inference;

namespace Platform.Api;

/// <summary>Builds the whole application; <c>Program</c> runs it, and the benchmarks host it in-process.</summary>
public static class ApiApplication
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]) && string.IsNullOrEmpty(builder.Configuration["HTTP_PORTS"]))
        {
            // Our default address; ASPNETCORE_URLS, --urls or Urls in configuration replace it.
            builder.WebHost.UseUrls("http://127.0.0.1:8080");
        }

        builder.Services.AddOptions<ApiOptions>()
            .Bind(builder.Configuration.GetSection(ApiOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
            kestrel.Limits.MaxRequestBodySize = context.Configuration.GetSection(ApiOptions.SectionName).Get<ApiOptions>()?.MaxRequestBodyBytes ?? new ApiOptions().MaxRequestBodyBytes);
        builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddInference(builder.Configuration);
        builder.Services.AddBilling(builder.Configuration);
        builder.Services.AddApiKeyAuth();
        builder.Services.AddSdkCors();
        builder.Services.AddTierLimits(builder.Configuration);
        builder.Services.AddBudgets(builder.Configuration);
        builder.Services.AddObservability(builder.Configuration);
        builder.Services.AddWaitingRoom(builder.Configuration);
        builder.Services.AddModelServerMetrics();
        builder.Services.AddDrain();
        builder.Services.AddModeration(builder.Configuration);
        builder.Services.AddUsage(builder.Configuration);
        builder.Services.AddConsole(builder.Configuration);

        var app = builder.Build();
        app.UseConsole();
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseRequestMetrics();
        app.UseUsageMetering();
        app.UseOpenAiStatusPages();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseDrain();
        app.UseSdkCors();
        app.UseApiKeys();
        app.UseRateLimiter();
        app.UseContractDocs();
        app.MapHealth();
        app.MapContract();
        app.MapMetrics();

        var v1 = app.MapGroup("/v1").RequireApiKey().RequireTierLimits();
        v1.MapModels();
        var completions = v1.MapGroup("").DrainsGracefully().ReservesTokens();
        completions.MapChatCompletions();
        completions.MapCompletions();
        v1.MapModerations();
        app.MapAdmin();
        app.MapUsage();
        app.MapConsole();
        return app;
    }
}
