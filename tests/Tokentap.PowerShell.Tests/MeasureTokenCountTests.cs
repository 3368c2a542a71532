// Measure-TokenCount through the module: pipeline text, files, encodings and models.
using Tokentap;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class MeasureTokenCountTests(ModuleFixture module) : IDisposable
{
    private const string Line1 = "Tokentap counts every token your agents spend.";
    private const string Line2 = "Even the ones in the cache: 日本語のテキスト。";
    private readonly string _dir = Directory.CreateTempSubdirectory("tt-measure-").FullName;

    [Fact]
    public void Pipeline_lines_are_counted_together_with_o200k_by_default()
    {
        var count = module.Run("$args[0], $args[1] | Measure-TokenCount", Line1, Line2).Single<TokenCount>();

        Assert.Equal(new TokenCount("o200k_base", 24, 84, null), count);
    }

    [Fact]
    public void Encoding_and_model_choose_the_tokenizer()
    {
        var cl100k = module.Run("Measure-TokenCount -InputObject ($args[0] + \"`n\" + $args[1]) -Encoding cl100k_base", Line1, Line2).Single<TokenCount>();
        var gpt4 = module.Run("Measure-TokenCount $args[0] -Model gpt-4-0613", Line1).Single<TokenCount>();

        Assert.Equal(26, cl100k.Tokens);
        Assert.Equal("cl100k_base", gpt4.Encoding);
        Assert.Equal(10, gpt4.Tokens);
    }

    [Fact]
    public void Files_are_counted_one_result_each_and_a_missing_file_is_an_error()
    {
        var a = Path.Combine(_dir, "a.txt");
        var b = Path.Combine(_dir, "b.json");
        File.WriteAllText(a, Line1);
        File.WriteAllText(b, "{\"model\":\"gpt-4o\"}");

        var result = module.Run("Measure-TokenCount -Path $args[0], $args[1], $args[2]", a, b, Path.Combine(_dir, "missing.txt"));
        var counts = result.Objects<TokenCount>();

        Assert.Equal(new[] { new TokenCount("o200k_base", 10, 46, a), new TokenCount("o200k_base", 9, 18, b) }, counts);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("FileNotFound,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoding_and_model_together_are_refused()
    {
        var result = module.Run("Measure-TokenCount x -Encoding o200k_base -Model gpt-4o");

        Assert.StartsWith("EncodingAndModel,", Assert.Single(result.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
