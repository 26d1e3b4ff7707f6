using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Platform.Api.Lifecycle;
using Platform.Api.ModelServer;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Contract.Kubernetes;

/// <summary>
/// No cluster runs here, so <c>deploy/kubernetes</c> is checked as files: both overlays resolve (by our small kustomize
/// loader), the core objects deserialise strictly into the Kubernetes client's types, names, labels, selectors and
/// ports agree across objects, every environment variable is a configuration key of the app, the drain fits the grace
/// period, and the probes, the endpoint picker's metric flags and the autoscaler's query name what the running app serves.
/// </summary>
public sealed partial class KubernetesManifestTests
{
    private static readonly Dictionary<string, Type> CoreTypes = new(StringComparer.Ordinal)
    {
        ["Namespace"] = typeof(V1Namespace),
        ["ConfigMap"] = typeof(V1ConfigMap),
        ["Deployment"] = typeof(V1Deployment),
        ["Service"] = typeof(V1Service),
        ["ServiceAccount"] = typeof(V1ServiceAccount),
        ["PodDisruptionBudget"] = typeof(V1PodDisruptionBudget),
        ["NetworkPolicy"] = typeof(V1NetworkPolicy),
        ["Role"] = typeof(V1Role),
        ["RoleBinding"] = typeof(V1RoleBinding),
    };

    private static readonly System.Reflection.MethodInfo StrictDeserialize = typeof(KubernetesYaml).GetMethods()
        .Single(m => m.Name == nameof(KubernetesYaml.Deserialize) && m.IsGenericMethodDefinition && m.GetParameters() is [{ ParameterType: var text }, { ParameterType: var strict }] && text == typeof(string) && strict == typeof(bool));

    public static TheoryData<string> Overlays => new() { "cpu", "gpu" };

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_Resolves_EveryObjectNamedInTheNamespaceAndCoreObjectsStrictlyTyped(string overlay)
    {
        var objects = Build(overlay);

        Assert.Equal(
            ["ConfigMap", "Deployment", "HTTPRoute", "InferencePool", "Namespace", "NetworkPolicy", "PodDisruptionBudget", "Role", "RoleBinding", "ScaledObject", "Service", "ServiceAccount"],
            objects.Select(KustomizeLoader.Kind).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(objects.Count, objects.Select(o => (KustomizeLoader.Kind(o), KustomizeLoader.Name(o))).Distinct().Count());
        Assert.All(objects.Where(o => KustomizeLoader.Kind(o) != "Namespace"), o => Assert.Equal("platform", (string?)o["metadata"]!["namespace"]));
        foreach (var item in objects.Where(o => CoreTypes.ContainsKey(KustomizeLoader.Kind(o))))
        {
            // Strict: a misspelt or misplaced field throws, as kubectl's server-side validation would refuse it.
            var typed = StrictDeserialize.MakeGenericMethod(CoreTypes[KustomizeLoader.Kind(item)]).Invoke(null, [item.ToJsonString(), true]);
            Assert.IsType(CoreTypes[KustomizeLoader.Kind(item)], typed);
        }

        var deployment = Typed<V1Deployment>(objects, "Deployment", "platform");
        Assert.Equal(5, deployment.Spec.Template.Spec.Containers[0].Lifecycle.PreStop.Sleep.Seconds);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_NamesLabelsSelectorsAndPorts_AgreeAcrossObjects(string overlay)
    {
        var objects = Build(overlay);
        var deployment = Typed<V1Deployment>(objects, "Deployment", "platform");
        var podLabels = deployment.Spec.Template.Metadata.Labels;
        var container = deployment.Spec.Template.Spec.Containers.Single();
        var http = container.Ports.Single(p => p.Name == "http");
        Assert.True(Selects(deployment.Spec.Selector.MatchLabels, podLabels));

        var service = Typed<V1Service>(objects, "Service", "platform");
        Assert.True(Selects(service.Spec.Selector, podLabels));
        Assert.Equal(http.Name, service.Spec.Ports.Single().TargetPort.Value);
        Assert.True(Selects(Typed<V1PodDisruptionBudget>(objects, "PodDisruptionBudget", "platform").Spec.Selector.MatchLabels, podLabels));
        var policy = Typed<V1NetworkPolicy>(objects, "NetworkPolicy", "platform");
        Assert.True(Selects(policy.Spec.PodSelector.MatchLabels, podLabels));
        Assert.Contains(policy.Spec.Ingress.Single().Ports, p => p.Port.Value == http.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // The InferencePool selects the replicas on their serving port and names its endpoint picker's Service and port.
        var pool = Find(objects, "InferencePool", "platform");
        Assert.Equal("inference.networking.k8s.io/v1", (string?)pool["apiVersion"]);
        Assert.True(Selects(pool["spec"]!["selector"]!["matchLabels"]!.Deserialize<Dictionary<string, string>>()!, podLabels));
        Assert.Equal(http.ContainerPort, (int)(long)pool["spec"]!["targetPorts"]![0]!["number"]!);
        var pickerName = (string)pool["spec"]!["endpointPickerRef"]!["name"]!;
        var pickerPort = (int)(long)pool["spec"]!["endpointPickerRef"]!["port"]!["number"]!;
        var pickerService = Typed<V1Service>(objects, "Service", pickerName);
        Assert.Contains(pickerService.Spec.Ports, p => p.Port == pickerPort);
        var picker = Typed<V1Deployment>(objects, "Deployment", pickerName);
        Assert.True(Selects(pickerService.Spec.Selector, picker.Spec.Template.Metadata.Labels));
        Assert.Contains(picker.Spec.Template.Spec.Containers.Single().Ports, p => p.ContainerPort == pickerPort);
        Assert.Equal("platform", Flag(picker, "pool-name"));
        Assert.Matches(@"^registry\.k8s\.io/gateway-api-inference-extension/epp:v1\.0\.1$", picker.Spec.Template.Spec.Containers.Single().Image);
        Assert.NotNull(Typed<V1ServiceAccount>(objects, "ServiceAccount", picker.Spec.Template.Spec.ServiceAccountName));
        var binding = Typed<V1RoleBinding>(objects, "RoleBinding", pickerName);
        Assert.Equal(picker.Spec.Template.Spec.ServiceAccountName, binding.Subjects.Single().Name);
        Assert.NotNull(Typed<V1Role>(objects, "Role", binding.RoleRef.Name));
        var plugins = Typed<V1ConfigMap>(objects, "ConfigMap", picker.Spec.Template.Spec.Volumes.Single().ConfigMap.Name);
        Assert.Contains(Path.GetFileName(Flag(picker, "config-file")), plugins.Data.Keys);
        Assert.Contains(policy.Spec.Ingress.Single().FromProperty, peer => peer.PodSelector?.MatchLabels is { } labels && Selects(labels, picker.Spec.Template.Metadata.Labels));

        // The route sends completions to the pool and the rest to the Service, on ports that exist.
        var rules = Find(objects, "HTTPRoute", "platform")["spec"]!["rules"]!.AsArray();
        var backends = rules.SelectMany(r => r!["backendRefs"]!.AsArray()).Cast<JsonObject>().ToList();
        Assert.Contains(backends, b => (string?)b["kind"] == "InferencePool" && (string?)b["group"] == "inference.networking.k8s.io" && (string?)b["name"] == "platform");
        Assert.Contains(backends, b => (string?)b["kind"] == "Service" && (string?)b["name"] == service.Metadata.Name && (long)b["port"]! == service.Spec.Ports.Single().Port);

        var scaled = Find(objects, "ScaledObject", "platform");
        Assert.Equal("Deployment", (string?)scaled["spec"]!["scaleTargetRef"]!["kind"]);
        Assert.Equal(deployment.Metadata.Name, (string?)scaled["spec"]!["scaleTargetRef"]!["name"]);

        Assert.Equal("platform-config", container.EnvFrom.Single().ConfigMapRef.Name);
        Assert.NotNull(Typed<V1ConfigMap>(objects, "ConfigMap", "platform-config"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_Environment_RealConfigurationKeysAndSecretsFromTheNamedSecret(string overlay)
    {
        var objects = Build(overlay);
        var deployment = Typed<V1Deployment>(objects, "Deployment", "platform");
        var container = deployment.Spec.Template.Spec.Containers.Single();
        var config = Typed<V1ConfigMap>(objects, "ConfigMap", "platform-config").Data;

        foreach (var name in config.Keys.Concat(container.Env.Select(e => e.Name)))
        {
            Assert.True(ConfigurationKeys.IsKnown(name), $"'{name}' is not a configuration key the app reads");
        }

        var example = KustomizeLoader.LoadDocuments(Path.Combine(Root(), "examples", "secret.example.yaml")).Single();
        var exampleKeys = example["stringData"]!.AsObject().Select(p => p.Key).ToHashSet();
        var secretRefs = container.Env.Where(e => e.ValueFrom?.SecretKeyRef is not null).ToList();
        Assert.Equal(["ConnectionStrings__Platform", "PLATFORM_ADMIN_KEY", "Redis__Configuration"], secretRefs.Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.All(secretRefs, e => Assert.Equal((string?)example["metadata"]!["name"], e.ValueFrom.SecretKeyRef.Name));
        Assert.All(secretRefs, e => Assert.Contains(e.ValueFrom.SecretKeyRef.Key, exampleKeys));
        Assert.DoesNotContain(config.Keys, k => k.Contains("ConnectionStrings", StringComparison.Ordinal) || k.Contains("ADMIN_KEY", StringComparison.Ordinal) || k.StartsWith("Redis", StringComparison.Ordinal));

        var provider = config["Inference__ExecutionProvider"];
        Assert.True(Enum.TryParse<Platform.Inference.Models.ExecutionProviderPreference>(provider, ignoreCase: true, out _), provider);
        var gpus = container.Resources.Limits.TryGetValue("nvidia.com/gpu", out var gpu) ? gpu.ToString() : null;
        if (overlay == "gpu")
        {
            Assert.Equal("cuda", provider);
            Assert.Equal("1", gpus);
            Assert.Equal("1", container.Resources.Requests["nvidia.com/gpu"].ToString());
        }
        else
        {
            Assert.Equal("cpu", provider);
            Assert.Null(gpus);
        }

        Assert.NotNull(container.Resources.Requests["cpu"]);
        Assert.NotNull(container.Resources.Limits["memory"]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_DrainAndSecurity_GraceCoversPreStopAndDrainAndTheJournalIsWritable(string overlay)
    {
        var objects = Build(overlay);
        var deployment = Typed<V1Deployment>(objects, "Deployment", "platform");
        var pod = deployment.Spec.Template.Spec;
        var container = pod.Containers.Single();
        var config = Typed<V1ConfigMap>(objects, "ConfigMap", "platform-config").Data;

        var drain = TimeSpan.Parse(config["Api__DrainTimeout"], System.Globalization.CultureInfo.InvariantCulture);
        var preStop = TimeSpan.FromSeconds(container.Lifecycle.PreStop.Sleep.Seconds);
        Assert.True(
            TimeSpan.FromSeconds(pod.TerminationGracePeriodSeconds!.Value) >= preStop + drain + DrainServiceCollectionExtensions.ShutdownMargin,
            $"terminationGracePeriodSeconds {pod.TerminationGracePeriodSeconds} < preStop {preStop} + drain {drain} + margin");

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        var spool = config["Metering__SpoolDirectory"];
        var mount = container.VolumeMounts.SingleOrDefault(m => spool.StartsWith(m.MountPath + "/", StringComparison.Ordinal));
        Assert.True(mount is { ReadOnlyProperty: not true }, $"the metering journal {spool} is not on a writable volume");
        Assert.NotNull(pod.Volumes.Single(v => v.Name == mount!.Name).EmptyDir);
        Assert.Contains(container.VolumeMounts, m => m.MountPath == "/tmp" && m.ReadOnlyProperty != true);
        Assert.Equal(config["Inference__ModelsDirectory"], container.VolumeMounts.Single(m => m.Name == "models").MountPath);
    }

    [Fact]
    public async Task Manifests_ProbesMetricFlagsAndAutoscalerQuery_NameWhatTheAppServes()
    {
        var objects = Build("gpu");
        var deployment = Typed<V1Deployment>(objects, "Deployment", "platform");
        var container = deployment.Spec.Template.Spec.Containers.Single();
        var picker = Typed<V1Deployment>(objects, "Deployment", "platform-epp");
        var query = (string)Find(objects, "ScaledObject", "platform")["spec"]!["triggers"]![0]!["metadata"]!["query"]!;

        await using var host = await SmallAppHost.StartAsync(new Dictionary<string, string>());
        using var client = host.Client(null);
        foreach (var probe in new[] { container.StartupProbe, container.LivenessProbe, container.ReadinessProbe })
        {
            Assert.Equal("http", probe.HttpGet.Port.Value);
            using var response = await client.GetAsync(new Uri(probe.HttpGet.Path, UriKind.Relative));
            Assert.True(response.IsSuccessStatusCode, $"{probe.HttpGet.Path}: {(int)response.StatusCode}");
        }

        Assert.Equal("/metrics", Flag(picker, "model-server-metrics-path"));
        var scrape = await host.ScrapeAsync();
        var picked = new Dictionary<string, string>
        {
            ["total-queued-requests-metric"] = ModelServerMetrics.QueuedRequests,
            ["total-running-requests-metric"] = ModelServerMetrics.RunningRequests,
            ["kv-cache-usage-percentage-metric"] = ModelServerMetrics.KvCacheUtilization,
            ["lora-info-metric"] = ModelServerMetrics.LoraRequestsInfo,
        };
        foreach (var (flag, metric) in picked)
        {
            Assert.Equal(metric, Flag(picker, flag));
            Assert.Equal("gauge", scrape.Types[metric]);
        }

        var names = MetricName().Matches(query).Select(m => m.Value).Where(n => n.StartsWith("platform_", StringComparison.Ordinal)).ToList();
        var autoscaled = Assert.Single(names);
        Assert.Equal("platform_waiting_room_queue_depth", autoscaled);
        Assert.Equal("gauge", scrape.Types[autoscaled]);
    }

    private static List<JsonObject> Build(string overlay) => KustomizeLoader.Build(Path.Combine(Root(), "overlays", overlay));

    private static JsonObject Find(List<JsonObject> objects, string kind, string name)
    {
        var found = objects.Where(o => KustomizeLoader.Kind(o) == kind && KustomizeLoader.Name(o) == name).ToList();
        Assert.True(found.Count == 1, $"{found.Count} {kind} named {name}");
        return found[0];
    }

    private static T Typed<T>(List<JsonObject> objects, string kind, string name) =>
        KubernetesYaml.Deserialize<T>(Find(objects, kind, name).ToJsonString(), strict: true);

    private static bool Selects(IDictionary<string, string> selector, IDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    private static string Flag(V1Deployment deployment, string name)
    {
        var prefix = $"--{name}=";
        var args = deployment.Spec.Template.Spec.Containers.Single().Args;
        var found = args.Where(a => a.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.True(found.Count == 1, $"{found.Count} --{name} flags");
        return found[0][prefix.Length..];
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
            {
                return Path.Combine(dir.FullName, "deploy", "kubernetes");
            }
        }

        throw new InvalidOperationException("Platform.sln not found above the test binaries.");
    }

    [GeneratedRegex("[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex MetricName();
}
