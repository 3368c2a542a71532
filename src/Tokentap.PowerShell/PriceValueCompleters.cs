// Tab completion for Get-TokentapPrice's -Model and -Provider from the price table (embedded plus prices.json).
using Tokentap.Engine.Pricing;

namespace Tokentap.PowerShell;

/// <summary>Completes a model id of the price table.</summary>
public sealed class PriceModelCompleter : KnownValueCompleter
{
    private protected override IEnumerable<string> Values() => PriceIds(m => m.Id);

    /// <summary>A distinct, sorted column of the table's models, overrides included.</summary>
    internal static IEnumerable<string> PriceIds(Func<ModelPrice, string?> select)
    {
        var table = ModuleState.Runtime.Prices;
        return table.Overrides.Concat(table.Models).Select(select).OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal);
    }
}

/// <summary>Completes a provider of the price table.</summary>
public sealed class PriceProviderCompleter : KnownValueCompleter
{
    private protected override IEnumerable<string> Values() => PriceModelCompleter.PriceIds(m => m.Provider);
}
