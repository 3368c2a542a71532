// Get-TokentapPrice: the prices Tokentap costs events with (embedded table plus the user's prices.json).
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Get, "TokentapPrice")]
[OutputType(typeof(ModelPriceInfo))]
public sealed class GetTokentapPriceCommand : TokentapCmdlet
{
    /// <summary>Model names as requests send them (resolved like events are), or wildcard patterns over the table's ids.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PriceModelCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Model { get; set; }

    /// <summary>Only this provider's prices (anthropic, openai, google, ...).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(PriceProviderCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Provider { get; set; }

    protected override void ProcessRecord()
    {
        if (Model is null)
        {
            WriteObject(Engine.GetPrices().Where(MatchesProvider), enumerateCollection: true);
            return;
        }

        foreach (var name in Model)
        {
            if (WildcardPattern.ContainsWildcardCharacters(name))
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                WriteObject(Engine.GetPrices().Where(p => pattern.IsMatch(p.Model) && MatchesProvider(p)), enumerateCollection: true);
            }
            else if (Engine.FindPrice(name, Provider) is { } price)
            {
                WriteObject(price);
            }
            else
            {
                WriteError(new ItemNotFoundException($"No price is known for model '{name}'. Import a price list with Import-TokentapPrice or add it to prices.json."), "PriceNotFound", ErrorCategory.ObjectNotFound, name);
            }
        }
    }

    protected override void EndProcessing() => WriteEngineNotices();

    private bool MatchesProvider(ModelPriceInfo price) =>
        Provider is null || string.Equals(price.Provider, Provider, StringComparison.OrdinalIgnoreCase);
}
