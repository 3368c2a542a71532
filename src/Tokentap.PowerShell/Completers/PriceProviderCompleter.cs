// Completes Get-TokentapPrice's -Provider with the providers of the price table (embedded plus prices.json).
namespace Tokentap.PowerShell;

/// <summary>Completes a provider of the price table.</summary>
public sealed class PriceProviderCompleter : KnownValueCompleter
{
    private protected override IEnumerable<string> Values() => ModuleState.Engine.GetPriceValues(providers: true);
}
