// Completes -Provider with the providers (anthropic, openai, google, ...) the usage store holds.
namespace Tokentap.PowerShell;

/// <summary>Completes a provider of the stored usage events.</summary>
public sealed class ProviderCompleter : UsageValueCompleter
{
    private protected override UsageField Field => UsageField.Provider;
}
