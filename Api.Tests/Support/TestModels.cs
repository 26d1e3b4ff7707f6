using Microsoft.Extensions.Logging.Abstractions;
using Platform.Inference.Models;

namespace Platform.Api.Tests.Support;

/// <summary>Loads models through the real loader, on the CPU, for engine tests.</summary>
internal static class TestModels
{
    public static LoadedModel Load(OrtFixture ort, string directory, int devices = 1, int capacity = 16, long seed = 42, long maxKvTokens = 0, int maxTokensPerStep = 512, string kvAdmission = "on-demand", PrefixCacheOptions? prefixCache = null)
    {
        var options = new InferenceOptions
        {
            Devices = [.. Enumerable.Range(0, devices)],
            MaxBatchSize = capacity,
            MaxKvTokens = maxKvTokens,
            MaxTokensPerStep = maxTokensPerStep,
            KvAdmission = kvAdmission,
            IntraOpThreads = 1,
            ExecutionProvider = ExecutionProviderPreference.Cpu,
            PrefixCache = prefixCache ?? new PrefixCacheOptions(),
        };
        var seeds = new Random((int)seed);
        return new ModelLoader(NullLoggerFactory.Instance).Load(directory, ort.Runtime, options, useCuda: false, () => seeds.NextInt64());
    }

    public static LoadedModel LoadShared(OrtFixture ort, string name, int devices = 1, int capacity = 16, long maxKvTokens = 0, int maxTokensPerStep = 512, string kvAdmission = "on-demand") =>
        Load(ort, SharedData.Model(name), devices, capacity, maxKvTokens: maxKvTokens, maxTokensPerStep: maxTokensPerStep, kvAdmission: kvAdmission);

    /// <summary>A scratch model folder whose files link to a shared model's, so a test can break one file.</summary>
    public static string CopyWithLinks(string sharedModel, params string[] except)
    {
        var target = Path.Combine(Path.GetTempPath(), "platform-tests", $"{Path.GetFileName(sharedModel)}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(sharedModel))
        {
            if (!except.Contains(Path.GetFileName(file)))
            {
                File.CreateSymbolicLink(Path.Combine(target, Path.GetFileName(file)), file);
            }
        }

        return target;
    }
}
