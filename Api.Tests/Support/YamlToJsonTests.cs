namespace Platform.Api.Tests.Support;

public sealed class YamlToJsonTests
{
    [Fact]
    public void Convert_ScalarsOfEveryKind_TypedByTheCoreSchema()
    {
        const string Yaml = """
            a: [1, -2, 1.5, 2e3, .5, 0x1F, 0o17, true, False, null, ~, '', 'null', "7", 2.3.0, yes]
            text: |
              block
            nested: { k: v, "quoted key": { deep: [] } }
            empty:
            """;

        using var json = YamlToJson.Convert(Yaml);

        Assert.Equal(
            """{"a":[1,-2,1.5,2000,0.5,31,15,true,false,null,null,"","null","7","2.3.0","yes"],"text":"block\n","nested":{"k":"v","quoted key":{"deep":[]}},"empty":null}""",
            json.RootElement.GetRawText());
    }

    [Fact]
    public void Convert_Alias_Refused() =>
        Assert.Throws<NotSupportedException>(() => YamlToJson.Convert("a: &x 1\nb: *x\n"));
}
