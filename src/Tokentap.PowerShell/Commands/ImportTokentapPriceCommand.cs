// Import-TokentapPrice: merges a LiteLLM, genai-prices or models.dev price list into the user's prices.json.
using System.Management.Automation;
using Tokentap.Engine.Pricing;

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
        var runtime = ModuleState.Runtime;
        var source = GetUnresolvedProviderPathFromPSPath(Path);
        var overrides = runtime.Paths.PriceOverridesPath;
        if (!File.Exists(source))
        {
            WriteError(new FileNotFoundException($"Price list '{source}' does not exist.", source), "PriceListNotFound", ErrorCategory.ObjectNotFound, source);
            return;
        }

        if (!ShouldProcess(overrides, $"Merge the {Format} price list {source}"))
        {
            return;
        }

        PriceListImport imported;
        try
        {
            imported = PriceCatalog.Import(Format, source, overrides, DateOnly.FromDateTime(DateTime.UtcNow));
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException or FormatException)
        {
            WriteError(ex, "PriceListInvalid", ErrorCategory.InvalidData, source);
            return;
        }

        // A skipped model would otherwise go uncosted or keep an older price without the user knowing why.
        foreach (var skipped in imported.Skipped)
        {
            WriteWarning($"Skipped '{skipped.Model}': {skipped.Reason}.");
        }

        if (!runtime.ReloadPrices())
        {
            WriteWarning("The running proxy keeps the prices it started with; restart it (Stop-Tokentap; Start-Tokentap) to cost new events with the imported prices.");
        }

        WriteObject(new PriceImportResult(source, Format, imported.Models.Count, overrides));
    }

    protected override void EndProcessing() => WriteEngineNotices();
}
