using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Platform.Api.Tests.Contract.Kubernetes;

/// <summary>
/// The part of kustomize our manifests use, for tests on machines without kubectl: <c>resources</c> (files and
/// directories with their own kustomization), <c>patches</c> by path (strategic merge: maps merge, lists of named
/// items merge by name, null deletes), then <c>namespace</c>, <c>labels</c> and <c>images</c>, in kustomize's order
/// (a base is built whole before its overlay's patches). Anything else in a kustomization fails the load, so the
/// tests cannot silently read manifests differently from kubectl.
/// </summary>
internal static partial class KustomizeLoader
{
    private static readonly HashSet<string> Supported = ["apiVersion", "kind", "resources", "patches", "namespace", "labels", "images"];
    private static readonly HashSet<string> ClusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding"];

    public static List<JsonObject> Build(string directory)
    {
        var kustomization = LoadDocuments(Path.Combine(directory, "kustomization.yaml")).Single();
        var unknown = kustomization.Select(p => p.Key).Where(k => !Supported.Contains(k)).ToList();
        Assert.True(unknown.Count == 0, $"{directory}: kustomization fields the test loader does not know: {string.Join(", ", unknown)}");

        var objects = new List<JsonObject>();
        foreach (var resource in Strings(kustomization["resources"]))
        {
            var path = Path.GetFullPath(Path.Combine(directory, resource));
            objects.AddRange(Directory.Exists(path) ? Build(path) : LoadDocuments(path));
        }

        foreach (var patch in (kustomization["patches"] as JsonArray ?? []).Cast<JsonObject>())
        {
            var document = LoadDocuments(Path.Combine(directory, (string)patch["path"]!)).Single();
            var matches = objects.Where(o => Kind(o) == Kind(document) && Name(o) == Name(document)).ToList();
            Assert.True(matches.Count == 1, $"patch {patch["path"]} matches {matches.Count} objects");
            Merge(matches[0], document);
        }

        if (kustomization["namespace"] is JsonValue ns)
        {
            foreach (var item in objects.Where(o => !ClusterScoped.Contains(Kind(o))))
            {
                ((JsonObject)item["metadata"]!)["namespace"] = (string)ns!;
            }
        }

        foreach (var label in (kustomization["labels"] as JsonArray ?? []).Cast<JsonObject>())
        {
            foreach (var item in objects)
            {
                var metadata = (JsonObject)item["metadata"]!;
                var labels = metadata["labels"] as JsonObject ?? [];
                metadata["labels"] = labels;
                foreach (var (key, value) in (JsonObject)label["pairs"]!)
                {
                    labels[key] = value!.DeepClone();
                }
            }
        }

        foreach (var image in (kustomization["images"] as JsonArray ?? []).Cast<JsonObject>())
        {
            foreach (var container in objects.SelectMany(Containers))
            {
                var current = (string)container["image"]!;
                var name = current.Split(':')[0];
                if (name == (string)image["name"]!)
                {
                    container["image"] = $"{(string?)image["newName"] ?? name}:{(string?)image["newTag"] ?? "latest"}";
                }
            }
        }

        return objects;
    }

    /// <summary>Every YAML document of a file, as JSON (plain scalars typed as YAML 1.2's core schema types them).</summary>
    public static List<JsonObject> LoadDocuments(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return [.. stream.Documents.Select(d => (JsonObject)ToJson(d.RootNode)!)];
    }

    public static string Kind(JsonObject item) => (string)item["kind"]!;

    public static string Name(JsonObject item) => (string)item["metadata"]!["name"]!;

    /// <summary>The containers of a workload's pod template (none for other kinds).</summary>
    public static IEnumerable<JsonObject> Containers(JsonObject item) =>
        item["spec"]?["template"]?["spec"]?["containers"] is JsonArray containers ? containers.Cast<JsonObject>() : [];

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject patchMap && target[key] is JsonObject targetMap)
            {
                Merge(targetMap, patchMap);
            }
            else if (value is JsonArray patchList && target[key] is JsonArray targetList && Named(patchList) && Named(targetList))
            {
                foreach (var item in patchList.Cast<JsonObject>())
                {
                    if (targetList.Cast<JsonObject>().FirstOrDefault(t => (string?)t["name"] == (string?)item["name"]) is { } existing)
                    {
                        Merge(existing, item);
                    }
                    else
                    {
                        targetList.Add(item.DeepClone());
                    }
                }
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }

    private static bool Named(JsonArray list) => list.All(i => i is JsonObject o && o["name"] is JsonValue);

    private static IEnumerable<string> Strings(JsonNode? node) => (node as JsonArray ?? []).Select(n => (string)n!);

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new InvalidOperationException($"unsupported YAML node at {node.Start}"),
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when Integer().IsMatch(text) => JsonValue.Create(long.Parse(text, CultureInfo.InvariantCulture)),
            _ => JsonValue.Create(text),
        };
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex Integer();
}
