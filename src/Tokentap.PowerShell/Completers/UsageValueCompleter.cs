// Tab completion of the usage filters (-Provider, -Model, -App, -Session, -Project) from the values in the store.
namespace Tokentap.PowerShell;

/// <summary>Completes a usage label from the distinct values the store holds.</summary>
public abstract class UsageValueCompleter : KnownValueCompleter
{
    private protected abstract UsageField Field { get; }

    private protected override IEnumerable<string> Values() => ModuleState.Engine.GetUsageValues(Field);
}
