// Completes -Model with the models the usage store holds.
namespace Tokentap.PowerShell;

/// <summary>Completes a model of the stored usage events.</summary>
public sealed class ModelCompleter : UsageValueCompleter
{
    private protected override UsageField Field => UsageField.Model;
}
