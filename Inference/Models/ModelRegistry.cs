using System.Collections.Concurrent;
using Platform.Inference.Ort;

namespace Platform.Inference.Models;

/// <summary>A model folder that could not be loaded, and why; other models keep serving.</summary>
public sealed record ModelFailure(string Name, string Error);

/// <summary>The models being served, the ones that failed, and whether loading has finished.</summary>
public sealed class ModelRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, LoadedModel> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ModelFailure> _failures = new(StringComparer.Ordinal);
    private volatile bool _loaded;

    public bool LoadingFinished => _loaded;

    /// <summary>The runtime the sessions use, once start-up has loaded it.</summary>
    public OrtRuntime? Runtime { get; private set; }

    /// <summary>Where sessions run and, after a fallback from CUDA, why; set with <see cref="Runtime"/>.</summary>
    public ExecutionProviderChoice? ExecutionProvider { get; private set; }

    public IReadOnlyList<LoadedModel> Models => [.. _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal)];

    public IReadOnlyList<ModelFailure> Failures => [.. _failures.Values.OrderBy(f => f.Name, StringComparer.Ordinal)];

    public bool TryGet(string name, out LoadedModel model) => _models.TryGetValue(name, out model!);

    internal void SetRuntime(OrtRuntime runtime, ExecutionProviderChoice choice)
    {
        ExecutionProvider = choice;
        Runtime = runtime;
    }

    internal void Add(LoadedModel model) => _models[model.Name] = model;

    internal void AddFailure(ModelFailure failure) => _failures[failure.Name] = failure;

    internal void MarkLoaded() => _loaded = true;

    public void Dispose()
    {
        foreach (var model in _models.Values)
        {
            model.Dispose();
        }

        _models.Clear();
        Runtime?.Dispose();
    }
}
