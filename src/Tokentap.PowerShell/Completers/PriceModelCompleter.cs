// Completes Get-TokentapPrice's -Model with the model ids of the price table (embedded plus prices.json).
namespace Tokentap.PowerShell;

/// <summary>Completes a model id of the price table.</summary>
public sealed class PriceModelCompleter : KnownValueCompleter
{
    private protected override IEnumerable<string> Values() => ModuleState.Engine.GetPriceValues(providers: false);
}
