using System.Reflection;
using Microsoft.Extensions.Configuration;
using Platform.Billing;
using Platform.Billing.Metering;
using Platform.Api.Coordination;
using Platform.Inference.Models;
using YamlDotNet.RepresentationModel;

namespace Platform.Api.Tests.Contract;

/// <summary>
/// No Docker engine runs here, so compose.yaml is checked as a file: its services, health checks, GPU profile,
/// and that every environment variable the API containers get is a configuration key the app really reads.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly YamlMappingNode Services = Load();

    [Fact]
    public void Compose_HasPostgresRedisAndApi_WithHealthChecks()
    {
        foreach (var name in new[] { "postgres", "redis", "api", "api-gpu" })
        {
            var service = Service(name);
            Assert.True(service.Children.ContainsKey(new YamlScalarNode("healthcheck")), $"{name} has no health check");
        }

        Assert.Equal(".", ((YamlScalarNode)Service("api").Children[new YamlScalarNode("build")]).Value);
        Assert.True(File.Exists(Path.Combine(RepositoryRoot(), "Dockerfile")));
    }

    [Fact]
    public void Compose_DatabasePassword_RequiredFromTheEnvironmentWithoutDefault()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), "compose.yaml"));
        var uses = System.Text.RegularExpressions.Regex.Matches(text, @"\$\{PLATFORM_POSTGRES_PASSWORD([^}]*)\}");

        Assert.Equal(3, uses.Count);
        Assert.All(uses, u => Assert.StartsWith(":?", u.Groups[1].Value, StringComparison.Ordinal));
        Assert.Equal("${PLATFORM_POSTGRES_PASSWORD:?set PLATFORM_POSTGRES_PASSWORD to a password for the platform database}", Environment(Service("postgres"))["POSTGRES_PASSWORD"]);
    }

    [Fact]
    public void Dockerfile_RunsAsNonRootUser()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "Dockerfile"));
        var finalStage = lines.Skip(Array.FindLastIndex(lines, l => l.StartsWith("FROM ", StringComparison.Ordinal))).ToList();
        var user = finalStage.Last(l => l.StartsWith("USER ", StringComparison.Ordinal))[5..].Trim();

        Assert.NotEqual("root", user);
        Assert.NotEqual("0", user);
        Assert.True(finalStage.FindIndex(l => l.StartsWith("USER ", StringComparison.Ordinal)) < finalStage.FindIndex(l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal)));
    }

    [Fact]
    public void Compose_GpuProfile_ReservesNvidiaDevicesAndAsksForCuda()
    {
        var gpu = Service("api-gpu");
        Assert.Equal("gpu", ((YamlSequenceNode)gpu.Children[new YamlScalarNode("profiles")]).Children.Cast<YamlScalarNode>().Single().Value);
        var device = (YamlMappingNode)((YamlSequenceNode)Descend(gpu, "deploy", "resources", "reservations").Children[new YamlScalarNode("devices")]).Children[0];
        Assert.Equal("nvidia", ((YamlScalarNode)device.Children[new YamlScalarNode("driver")]).Value);
        Assert.Equal("cuda", Environment(gpu)["Inference__ExecutionProvider"]);
    }

    [Fact]
    public void Compose_GpuProfile_BuildsTheDockerfileGpuTargetOnCuda13()
    {
        var target = ((YamlScalarNode)Descend(Service("api-gpu"), "build").Children[new YamlScalarNode("target")]).Value;
        Assert.Equal("gpu", target);
        var dockerfile = File.ReadAllLines(Path.Combine(RepositoryRoot(), "Dockerfile"));
        var stage = Assert.Single(dockerfile, l => l.StartsWith("FROM ", StringComparison.Ordinal) && l.EndsWith($" AS {target}", StringComparison.Ordinal));
        Assert.StartsWith("FROM nvidia/cuda:13.", stage, StringComparison.Ordinal);
        Assert.Contains(dockerfile, l => l.Contains("-p:OnnxRuntimeFlavor=cuda", StringComparison.Ordinal));
        Assert.DoesNotContain(dockerfile, l => l.Contains("npm", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("api")]
    [InlineData("api-gpu")]
    public void Compose_ApiEnvironment_UsesRealConfigurationKeys(string name)
    {
        foreach (var (key, value) in Environment(Service(name)))
        {
            Assert.True(IsKnownKey(key), $"{name}: '{key}' is not a configuration key the app reads");
            if (key == "Inference__ExecutionProvider")
            {
                Assert.True(Enum.TryParse<ExecutionProviderPreference>(value, ignoreCase: true, out _), $"bad provider '{value}'");
            }
        }
    }

    private static bool IsKnownKey(string key)
    {
        var parts = key.Split("__");
        return parts[0] switch
        {
            "ASPNETCORE_URLS" or "PLATFORM_ADMIN_KEY" => parts.Length == 1,
            "ConnectionStrings" => parts.Length == 2 && parts[1] == "Platform" && typeof(BillingOptions).GetProperty(nameof(BillingOptions.ConnectionString))!
                .GetCustomAttribute<ConfigurationKeyNameAttribute>()!.Name == "ConnectionStrings:Platform",
            "Redis" => HasProperty(typeof(RedisOptions), parts[1]),
            "Inference" => HasProperty(typeof(InferenceOptions), parts[1]),
            "Api" => HasProperty(typeof(ApiOptions), parts[1]),
            "Metering" => HasProperty(typeof(MeteringOptions), parts[1]),
            _ => false,
        };
    }

    private static bool HasProperty(Type options, string name) =>
        options.GetProperty(name, BindingFlags.Public | BindingFlags.Instance) is { CanRead: true };

    private static Dictionary<string, string> Environment(YamlMappingNode service) =>
        ((YamlMappingNode)service.Children[new YamlScalarNode("environment")]).Children
            .ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value ?? string.Empty);

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Services.Children[new YamlScalarNode(name)];

    private static YamlMappingNode Descend(YamlMappingNode node, params string[] keys) =>
        keys.Aggregate(node, (current, key) => (YamlMappingNode)current.Children[new YamlScalarNode(key)]);

    private static YamlMappingNode Load()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RepositoryRoot(), "compose.yaml")))
        {
            yaml.Load(reader);
        }

        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("services")];
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Platform.sln not found above the test binaries.");
    }
}
