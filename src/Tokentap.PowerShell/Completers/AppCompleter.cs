// Completes -App with the calling applications the usage store holds.
namespace Tokentap.PowerShell;

/// <summary>Completes an app of the stored usage events.</summary>
public sealed class AppCompleter : UsageValueCompleter
{
    private protected override UsageField Field => UsageField.App;
}
