// The models the pinned real clients use by default (tools/pricing/client-default-models.json) all have a price, except
// the ones the list names as not yet priced by any price data, with the reason; those must really have none.
using System.Text.Json;
using Tokentap.Engine.Pricing;

namespace Tokentap.Engine.Tests.Pricing;

public sealed class ClientDefaultModelTests
{
    private static readonly string DataPath = Path.Combine(AppContext.BaseDirectory, "Pricing", "client-default-models.json");

    [Fact]
    public void Every_default_model_of_the_pinned_clients_has_a_price()
    {
        var table = PriceTable.Embedded();
        var defaults = ReadDefaults();

        var unpriced = defaults
            .Where(d => d.UnpricedBecause is null && table.Resolve(d.Model, d.Provider) is null)
            .Select(d => $"{d.Model} ({d.Provider}; {d.Client} {d.Version}, {d.Role})")
            .ToList();

        Assert.True(unpriced.Count == 0,
            $"Default models of the pinned clients without a price in {PriceTable.EmbeddedResourceName}:{Environment.NewLine}  " +
            string.Join(Environment.NewLine + "  ", unpriced));
    }

    [Fact]
    public void A_default_model_listed_as_unpriced_really_has_no_price_yet()
    {
        var table = PriceTable.Embedded();
        var known = ReadDefaults().Where(d => d.UnpricedBecause is not null).ToList();

        // Codex's defaults since 0.169: no released price data has them (2026-12-05).
        Assert.Equal(new[] { "gpt-6.1-sol", "gpt-6.2-sol" }, known.Select(d => d.Model));
        Assert.All(known, d => Assert.True(table.Resolve(d.Model, d.Provider) is null, $"{d.Model} has a price now: remove its \"unpriced\" note"));
    }

    [Fact]
    public void The_list_names_every_pinned_client_version()
    {
        var versions = ReadDefaults().Select(d => $"{d.Client} {d.Version}").Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.Equal(new[] { "Claude Code 2.1.197", "Codex CLI 0.169.0", "Codex CLI 0.171.0", "Gemini CLI 0.61.0" }, versions);
    }

    private static List<DefaultModel> ReadDefaults()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(DataPath));
        var defaults = new List<DefaultModel>();
        foreach (var client in document.RootElement.GetProperty("clients").EnumerateArray())
        {
            foreach (var model in client.GetProperty("models").EnumerateArray())
            {
                defaults.Add(new DefaultModel(
                    client.GetProperty("client").GetString()!,
                    client.GetProperty("version").GetString()!,
                    model.GetProperty("model").GetString()!,
                    model.GetProperty("provider").GetString()!,
                    model.GetProperty("role").GetString()!,
                    model.TryGetProperty("unpriced", out var reason) ? reason.GetString() : null));
            }
        }

        return defaults;
    }

    private sealed record DefaultModel(string Client, string Version, string Model, string Provider, string Role, string? UnpricedBecause);
}
