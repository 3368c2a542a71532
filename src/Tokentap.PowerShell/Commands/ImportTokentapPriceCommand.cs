// Import-TokentapPrice: merges a LiteLLM, genai-prices or models.dev price list into the user's prices.json.
using System.Management.Automation;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsData.Import, "TokentapPrice", SupportsShouldProcess = true)]
[OutputType(typeof(PriceImportResult))]
public sealed class ImportTokentapPriceCommand : TokentapCmdlet
{
    /// <summary>The price list file.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string Path { get; set; } = "";

    /// <summary>The file's format.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public PriceListFormat Format { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            if (Engine.ImportPrices(Format, GetUnresolvedProviderPathFromPSPath(Path), ShouldProcess, this) is { } imported)
            {
                WriteObject(imported);
            }
        }
        catch (TokentapException ex)
        {
            WriteFailure(ex);
        }
    }

    protected override void EndProcessing() => WriteEngineNotices();
}
