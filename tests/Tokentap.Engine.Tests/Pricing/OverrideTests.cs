// prices.json merged over the embedded table; a bad file names itself and leaves the embedded prices in force.
using Tokentap.Engine.Pricing;

namespace Tokentap.Engine.Tests.Pricing;

public sealed class OverrideTests : IDisposable
{
    private static readonly DateTime Evening = new(2026, 11, 22, 20, 0, 0, DateTimeKind.Utc);
    private readonly string _home = Directory.CreateTempSubdirectory("tt-home-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void Override_with_an_embedded_id_replaces_it_for_all_its_aliases()
    {
        var paths = new TokentapPaths(_home);
        File.WriteAllText(paths.PriceOverridesPath, """
        {"schema": 1, "models": [
          {"id": "claude-opus-4-8", "source": "negotiated", "prices": [{"input": 4, "output": 20, "cacheRead": 0.4, "cacheWrite5m": 5, "cacheWrite1h": 8}]},
          {"id": "in-house-7b", "provider": "openai", "match": {"starts_with": "in-house-7b"}, "prices": [{"input": 0.1, "output": 0.1}]}
        ]}
        """);

        var table = PriceTable.Load(paths);

        Assert.Null(table.OverridesError);
        Assert.Empty(table.DrainWarnings());
        var opus = table.Resolve("claude-opus-4.8-20261201", "anthropic");
        Assert.Equal("negotiated", opus?.Source);
        Assert.Equal(1_000_000, opus?.ContextWindow);
        Assert.Equal(4m, table.Cost(new UsageEvent { Model = "claude-opus-4-8", Provider = "anthropic", Timestamp = Evening, InputTokens = 1_000_000 }));
        Assert.Equal(0.2m, table.Cost(new UsageEvent { Model = "in-house-7b-v2", Timestamp = Evening, InputTokens = 1_000_000, OutputTokens = 1_000_000 }));
        Assert.Equal(3m, table.Cost(new UsageEvent { Model = "claude-sonnet-4-6", Provider = "anthropic", Timestamp = Evening, InputTokens = 1_000_000 }));
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("""{"models": [{"id": "x"}]}""", "models[0] 'x': a model needs a non-empty \"prices\" array")]
    [InlineData("""{"models": [{"id": "x", "prices": [{"input": -1}]}]}""", "\"input\" must be a non-negative number")]
    [InlineData("""{"models": [{"id": "x", "match": {"regex": "(unclosed"}, "prices": [{"input": 1}]}]}""", "bad regex")]
    [InlineData("""{"prices": []}""", "expected an object with a \"models\" array")]
    public void Bad_override_file_is_named_in_a_warning_and_the_embedded_table_stays(string content, string problem)
    {
        var paths = new TokentapPaths(_home);
        File.WriteAllText(paths.PriceOverridesPath, content);

        var table = PriceTable.Load(paths);

        Assert.NotNull(table.OverridesError);
        Assert.Contains(paths.PriceOverridesPath, table.OverridesError);
        Assert.Contains(problem, table.OverridesError);
        Assert.Empty(table.Overrides);
        var warning = Assert.Single(table.DrainWarnings());
        Assert.Equal(table.OverridesError, warning);
        Assert.Equal(5m, table.Cost(new UsageEvent { Model = "claude-opus-4-8", Provider = "anthropic", Timestamp = Evening, InputTokens = 1_000_000 }));
    }

    [Fact]
    public void A_loaded_table_reads_its_file_on_first_use_not_when_made()
    {
        var paths = new TokentapPaths(_home);
        var table = PriceTable.Load(paths);
        File.WriteAllText(paths.PriceOverridesPath, """
        {"schema": 1, "models": [{"id": "in-house-7b", "match": {"equals": "in-house-7b"}, "prices": [{"input": 0.5, "output": 1}]}]}
        """);

        Assert.False(table.IsLoaded);
        Assert.Equal(1.5m, table.Cost(new UsageEvent { Model = "in-house-7b", Timestamp = Evening, InputTokens = 1_000_000, OutputTokens = 1_000_000 }));
        Assert.True(table.IsLoaded);

        // Read once: a later change of the file needs a new table (Import-TokentapPrice makes one).
        File.WriteAllText(paths.PriceOverridesPath, "{ not json");
        Assert.Null(table.OverridesError);
        Assert.Single(table.Overrides);
    }

    [Fact]
    public void A_bad_file_found_on_first_use_is_still_one_warning()
    {
        var paths = new TokentapPaths(_home);
        File.WriteAllText(paths.PriceOverridesPath, "{ not json");
        var table = PriceTable.Load(paths);

        Assert.False(table.IsLoaded);
        Assert.Equal(5m, table.Cost(new UsageEvent { Model = "claude-opus-4-8", Provider = "anthropic", Timestamp = Evening, InputTokens = 1_000_000 }));
        var warning = Assert.Single(table.DrainWarnings());
        Assert.StartsWith($"Price overrides file '{paths.PriceOverridesPath}' was not used: prices.json: not valid JSON", warning, StringComparison.Ordinal);
        Assert.Empty(table.DrainWarnings());
    }

    [Fact]
    public void Missing_override_file_is_not_an_error()
    {
        var table = PriceTable.Load(new TokentapPaths(_home));
        Assert.Null(table.OverridesError);
        Assert.Empty(table.DrainWarnings());
        Assert.NotEmpty(table.Models);
    }

    [Fact]
    public void An_unreadable_override_file_is_never_overwritten_by_an_import()
    {
        var paths = new TokentapPaths(_home);
        File.WriteAllText(paths.PriceOverridesPath, "{ hand edited, broken");
        var model = new ModelPrice { Id = "m", Periods = new[] { new PricePeriod { Rates = new PriceRates { Input = 1 } } } };

        var error = Assert.Throws<InvalidDataException>(() => PriceOverrides.Merge(paths.PriceOverridesPath, new[] { model }, new DateOnly(2026, 11, 22)));
        Assert.Contains("prices.json", error.Message);
        Assert.Equal("{ hand edited, broken", File.ReadAllText(paths.PriceOverridesPath));
    }

    [Fact]
    public void Written_override_file_round_trips_through_the_reader()
    {
        var path = Path.Combine(_home, "prices.json");
        var original = PriceTable.Embedded().Resolve("deepseek-v4-pro")!;
        PriceOverrides.Merge(path, new[] { original }, new DateOnly(2026, 11, 22));

        var read = Assert.Single(PriceTable.ReadFile(path));
        Assert.Equal(original.Id, read.Id);
        Assert.Equal(original.Periods, read.Periods);
        Assert.True(read.Covers("deepseek-v4-pro-0417"));
    }
}
