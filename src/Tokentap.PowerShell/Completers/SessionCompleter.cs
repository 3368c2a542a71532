// Completes -Session with the Tokentap sessions the usage store holds.
namespace Tokentap.PowerShell;

/// <summary>Completes a session of the stored usage events.</summary>
public sealed class SessionCompleter : UsageValueCompleter
{
    private protected override UsageField Field => UsageField.Session;
}
