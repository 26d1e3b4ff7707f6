using Platform.Inference.Synthetic;

namespace Platform.Api.Tests.Usage;

/// <summary>
/// What a metering fault test owns: a Postgres cluster of its own (stopping it disturbs no other test) with a
/// <c>platform</c> database, a models folder with one small synthetic model, and an empty spool folder.
/// </summary>
internal sealed class FaultTestEnvironment : IAsyncDisposable
{
    private FaultTestEnvironment(string model, string models, string spool, OwnPostgresCluster cluster)
    {
        Model = model;
        ModelsDirectory = models;
        SpoolDirectory = spool;
        Cluster = cluster;
    }

    public string Model { get; }

    public string ModelsDirectory { get; }

    public string SpoolDirectory { get; }

    public OwnPostgresCluster Cluster { get; }

    public static async Task<FaultTestEnvironment> CreateAsync(string model)
    {
        var models = Directory.CreateTempSubdirectory($"platform-{model}-models-").FullName;
        var spool = Directory.CreateTempSubdirectory($"platform-{model}-spool-").FullName;
        try
        {
            SyntheticModelWriter.Write(Path.Combine(models, model), SyntheticModelSpec.Tiny(float16: false, seed: 5) with { ContextLength = 512 });
            var cluster = await OwnPostgresCluster.CreateAsync();
            try
            {
                await cluster.CreateDatabaseAsync("platform");
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }

            return new FaultTestEnvironment(model, models, spool, cluster);
        }
        catch
        {
            Directory.Delete(models, recursive: true);
            Directory.Delete(spool, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Directory.Delete(ModelsDirectory, recursive: true);
        Directory.Delete(SpoolDirectory, recursive: true);
    }
}
